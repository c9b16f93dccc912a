/** Where a function runs is read from its own ARN, the only account it may act in. */
import { describe, expect, it } from 'vitest';
import { deploymentOf } from '../../shared/handlers/deployment.js';
import { localContext } from '../../shared/replay/lambda-context.js';

describe('Function: deploymentOf', () => {
  it("answers the account and Region of the invoked function's ARN", () => {
    const context = { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:secrets-remediator-prod-classify' };

    expect(deploymentOf(context)).toEqual({ account: '111122223333', region: 'eu-west-1' });
  });

  it('reads the same from an alias or version ARN, and in another partition', () => {
    expect(deploymentOf({ invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:alert:live' })).toEqual({
      account: '123456789012',
      region: 'us-east-1',
    });
    expect(deploymentOf({ invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:210987654321:function:sweep:7' })).toEqual({
      account: '210987654321',
      region: 'cn-north-1',
    });
  });

  it('agrees with the local context the replay and the tests invoke functions with', () => {
    expect(deploymentOf(localContext('classify', '444455556666', 'ap-southeast-2'))).toEqual({
      account: '444455556666',
      region: 'ap-southeast-2',
    });
  });

  it.each([
    ['the ARN of another service', 'arn:aws:sns:us-east-1:123456789012:alerts'],
    ['an ARN without a Region', 'arn:aws:lambda::123456789012:function:classify'],
    ['an ARN without an account', 'arn:aws:lambda:us-east-1::function:classify'],
    ['a bare function name', 'secrets-remediator-prod-classify'],
  ])('refuses %s, naming it: Lambda always passes a function ARN, so this is a wiring error', (_label, arn) => {
    expect(() => deploymentOf({ invokedFunctionArn: arn })).toThrow(`not a Lambda function ARN: ${arn}`);
  });
});
