import { describe, expect, it } from 'vitest';
import { RotationStepSchema } from '../../shared/contracts/finding.js';
import { parseRotationError, rotationStepAdvice } from '../../shared/domain/rotation-failure.js';

describe('Function: parseRotationError', () => {
  it.each(RotationStepSchema.options)('reads the %s step and the rotation function', (step) => {
    const message = `Error when executing lambda arn:aws:lambda:us-east-1:123456789012:function:rotate-db during ${step} step`;

    expect(parseRotationError(message)).toEqual({
      rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:rotate-db',
      failingStep: step,
    });
  });

  it('reads the published, redacted message', () => {
    const message = 'Error when executing lambda arn:aws:lambda:ap-southeast-2:84...G9DQfx6 during createSecret step';

    expect(parseRotationError(message)).toEqual({
      rotationLambdaArn: 'arn:aws:lambda:ap-southeast-2:84...G9DQfx6',
      failingStep: 'createSecret',
    });
  });

  it('normalises the case of the step name', () => {
    expect(parseRotationError('Error when executing lambda arn:aws:lambda:x during SETSECRET step').failingStep).toBe('setSecret');
  });

  it.each([
    ['no message', undefined],
    ['an empty message', ''],
    ['a message that names no step or function', 'Secrets Manager cannot invoke the specified Lambda function.'],
    ['an unknown step', 'Error when executing lambda arn:aws:lambda:x during cleanupSecret step'],
  ])('returns what it can from %s', (_label, message) => {
    const parsed = parseRotationError(message);

    expect(parsed.failingStep).toBeUndefined();
    if (message?.includes('lambda arn:')) expect(parsed.rotationLambdaArn).toBe('arn:aws:lambda:x');
    else expect(parsed.rotationLambdaArn).toBeUndefined();
  });
});

describe('Table: rotationStepAdvice', () => {
  it.each([...RotationStepSchema.options, 'unknown' as const])('gives a meaning and at least two checks for %s', (step) => {
    const advice = rotationStepAdvice[step];

    expect(advice.meaning.length).toBeGreaterThan(20);
    expect(advice.checks.length).toBeGreaterThanOrEqual(2);
    for (const check of advice.checks) expect(check).toMatch(/^[A-Z].*\.$/);
  });
});
