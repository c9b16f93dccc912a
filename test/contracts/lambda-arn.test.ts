import { describe, expect, it } from 'vitest';
import { LAMBDA_FUNCTION_ARN, REGION_PATTERN } from '../../shared/contracts/lambda-arn.js';

describe('LAMBDA_FUNCTION_ARN', () => {
  it.each([
    'arn:aws:lambda:us-east-1:123456789012:function:rotate-db',
    'arn:aws:lambda:eu-central-2:123456789012:function:rotate_db:$LATEST',
    'arn:aws:lambda:us-east-1:123456789012:function:rotate-db:live',
    'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:rotate-db',
    'arn:aws-cn:lambda:cn-north-1:123456789012:function:rotate-db:7',
  ])('accepts a function ARN: %s', (arn) => {
    expect(LAMBDA_FUNCTION_ARN.test(arn)).toBe(true);
  });

  it.each([
    ['a function name alone', 'rotate-db'],
    ['another service', 'arn:aws:sqs:us-east-1:123456789012:rotate-db'],
    ['a short account id', 'arn:aws:lambda:us-east-1:12345:function:rotate-db'],
    ['a layer, not a function', 'arn:aws:lambda:us-east-1:123456789012:layer:rotate-db'],
    ['a name past 64 characters', `arn:aws:lambda:us-east-1:123456789012:function:${'f'.repeat(65)}`],
    ['a region that is not one', 'arn:aws:lambda:useast1:123456789012:function:rotate-db'],
  ])('refuses %s', (_what, arn) => {
    expect(LAMBDA_FUNCTION_ARN.test(arn)).toBe(false);
  });

  it('takes region codes as AWS writes them', () => {
    const region = new RegExp(`^${REGION_PATTERN}$`);
    expect(['us-east-1', 'ap-southeast-3', 'us-gov-west-1'].every((r) => region.test(r))).toBe(true);
    expect(region.test('global')).toBe(false);
  });
});
