import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { RotationStepSchema } from '../../shared/contracts/finding.js';
import { classify } from '../../shared/domain/classify.js';
import { parseRotationError, rotationStepAdvice, rotationTokenOf } from '../../shared/domain/rotation-failure.js';
import { loadSampleEvent, repoRoot } from '../helpers/events.js';
import { classifyContext } from '../helpers/policy.js';

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

describe('Function: rotationTokenOf', () => {
  const load = (file: string) =>
    JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/published', file), 'utf8')) as {
      detail: { requestID: string; additionalEventData: { SecretId: string } };
    };

  it("reads the token behind the secret's ARN in the published RotationSucceeded sample's request id", () => {
    const { detail } = load('RotationSucceeded.eventbridge.aws-blog.json');

    expect(rotationTokenOf(detail.requestID, detail.additionalEventData.SecretId)).toBe('7ac47c8c-f328-423b-9698-6926dd1f293e');
  });

  it('reads no token from the published RotationFailed sample, whose request id is redacted', () => {
    const { detail } = load('RotationFailed.eventbridge.umccr.json');

    expect(rotationTokenOf(detail.requestID, detail.additionalEventData.SecretId)).toBeUndefined();
  });

  it('reads a token only behind the secret the event names, and only of a length Secrets Manager accepts', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-a-Mn56Op';

    expect(rotationTokenOf(`Rotation-${arn}-de77b773-1054-5b0a-beb1-3835f17e8e0a`, arn)).toBe('de77b773-1054-5b0a-beb1-3835f17e8e0a');
    expect(
      rotationTokenOf(
        `Rotation-${arn}-de77b773-1054-5b0a-beb1-3835f17e8e0a`,
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-Xy12Zw',
      ),
    ).toBeUndefined();
    expect(rotationTokenOf(`Rotation-${arn}-short`, arn)).toBeUndefined();
    expect(rotationTokenOf(undefined, arn)).toBeUndefined();
    expect(rotationTokenOf(`Rotation-${arn}-de77b773-1054-5b0a-beb1-3835f17e8e0a`, undefined)).toBeUndefined();
  });

  it("carries the token of the sample RotationFailed event into the finding's evidence", () => {
    const result = classify(
      parseClassifiableEvent(loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json')),
      classifyContext,
    );

    expect(result.kind === 'findings' ? result.findings[0]?.evidence.rotationToken : result.kind).toBe(
      '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003',
    );
  });
});
