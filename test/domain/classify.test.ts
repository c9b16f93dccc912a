import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { findingSchema } from '../../shared/contracts/finding.js';
import { classify } from '../../shared/domain/classify.js';
import { classifyContext } from '../helpers/policy.js';
import { InvalidEventError } from '../../shared/errors.js';
import { loadPublishedFixture, loadSampleEvent } from '../helpers/events.js';

const findingsOf = (raw: unknown) => {
  const result = classify(parseClassifiableEvent(raw), classifyContext);
  if (result.kind !== 'findings') throw new Error(`expected findings, got ${JSON.stringify(result)}`);
  return result.findings;
};

describe('Function: classify', () => {
  it('turns the published RotationFailed into a high rotation-failed finding that plans clear-stale-pending', () => {
    // Prepare
    const raw = loadPublishedFixture('RotationFailed.eventbridge.umccr.json');

    // Act
    const [finding, ...others] = findingsOf(raw);

    // Assess
    expect(others).toEqual([]);
    // The finding carries the event it came from, unchanged, so an action can re-derive it.
    expect(finding?.record).toEqual(raw);
    expect({ ...finding, record: undefined }).toEqual({
      record: undefined,
      id: 'd82e0a2d-f36e-11fd-37cb-cba423a71196/rotation-failed',
      rule: 'rotation-failed',
      title: 'Secret rotation failed',
      severity: 'high',
      reason: 'Secrets Manager reported RotationFailed',
      control: 'SecretsManager.2',
      secret: {
        id: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
        arn: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
        account: '843407916570',
        region: 'ap-southeast-2',
        foundAt: 'detail.additionalEventData.SecretId',
      },
      actor: {
        kind: 'aws-service',
        principal: 'secretsmanager.amazonaws.com',
        accountId: '843407916570',
        sourceIp: 'secretsmanager.amazonaws.com',
        userAgent: 'secretsmanager.amazonaws.com',
        isPerson: false,
        isAllowedAdmin: false,
      },
      event: {
        id: 'd82e0a2d-f36e-11fd-37cb-cba423a71196',
        cloudTrailEventId: 'e3b69cfe-b70e-4c94-baa9-9decc3c150b9',
        name: 'RotationFailed',
        detailType: 'AWS Service Event via CloudTrail',
        time: '2021-09-01T00:50:20Z',
        account: '843407916570',
        region: 'ap-southeast-2',
      },
      evidence: {
        rotationLambdaArn: 'arn:aws:lambda:ap-southeast-2:84...G9DQfx6',
        failingStep: 'createSecret',
        errorMessage: 'Error when executing lambda arn:aws:lambda:ap-southeast-2:84...G9DQfx6 during createSecret step',
      },
      actions: ['clear-stale-pending'],
      needsRemediation: true,
      notes: ["secret ARN is redacted ('...'): its name could not be derived"],
    });
    expect(findingSchema().safeParse(finding).success).toBe(true);
  });

  it.each([
    ['rotation-failed/fires.RotationAbandoned.authored.json', undefined],
    ['rotation-failed/fires.TestRotationFailed.authored.pending-is-current.json', 'testSecret'],
    ['rotation-failed/fires.RotationFailed.authored.set-secret.json', 'setSecret'],
  ])('classifies %s as rotation-failed (step %s)', (file, step) => {
    const [finding] = findingsOf(loadSampleEvent(file));

    expect(finding).toMatchObject({ rule: 'rotation-failed', severity: 'high', actions: ['clear-stale-pending'], needsRemediation: true });
    expect(finding?.evidence.failingStep).toBe(step);
  });

  it('turns RotationSucceeded into an info finding with no action', () => {
    const [finding] = findingsOf(loadPublishedFixture('RotationSucceeded.eventbridge.aws-blog.json'));

    expect(finding).toMatchObject({ rule: 'rotation-succeeded', severity: 'info', actions: [], needsRemediation: false, evidence: {} });
    expect(finding?.secret.name).toBe('Appuser-pyodbc');
  });

  it('notes an error message that names no step', () => {
    const raw = loadSampleEvent<{ detail: Record<string, unknown> }>('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    raw.detail.errorMessage = 'Secrets Manager cannot invoke the specified Lambda function.';

    const [finding] = findingsOf(raw);

    expect(finding?.notes).toContain('errorMessage names no rotation step');
    expect(finding?.evidence).toEqual({
      errorMessage: 'Secrets Manager cannot invoke the specified Lambda function.',
      rotationToken: '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003',
    });
  });

  it('caps a long error message', () => {
    const raw = loadSampleEvent<{ detail: Record<string, unknown> }>('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    raw.detail.errorMessage = `Error when executing lambda arn:aws:lambda:x during setSecret step ${'x'.repeat(5000)}`;

    const [finding] = findingsOf(raw);

    expect(finding?.evidence.errorMessage).toHaveLength(500);
  });

  it('ignores an event no rule is about', () => {
    const result = classify(
      parseClassifiableEvent(loadSampleEvent('rotation-succeeded/silent.RotationStarted.authored.json')),
      classifyContext,
    );

    expect(result).toEqual({ kind: 'ignored', reason: 'no rule for AWS Service Event via CloudTrail RotationStarted' });
  });

  it('ignores a rotation event name that arrives under the wrong detail-type', () => {
    const raw = loadPublishedFixture<Record<string, unknown>>('RotationFailed.eventbridge.umccr.json');
    raw['detail-type'] = 'AWS API Call via CloudTrail';

    expect(classify(parseClassifiableEvent(raw), classifyContext).kind).toBe('ignored');
  });

  it('rejects a rotation event that names no secret, listing where it looked', () => {
    const raw = loadPublishedFixture<{ detail: Record<string, unknown> }>('RotationFailed.eventbridge.umccr.json');
    raw.detail.additionalEventData = {};

    const act = () => classify(parseClassifiableEvent(raw), classifyContext);

    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow(
      /AWS Service Event via CloudTrail RotationFailed: names no secret \(looked in detail\.additionalEventData\.SecretId, .*detail\.requestParameters\.name, detail\.requestParameters\.secretIdList\[0\]\)/,
    );
  });
});

describe('Function: classify — the record a finding carries', () => {
  /** The published RotationFailed with `filler` characters of `char` added to a field AWS leaves free. */
  const withFiller = (filler: number, char = 'a') => {
    const raw = loadPublishedFixture<{ detail: Record<string, unknown> }>('RotationFailed.eventbridge.umccr.json');
    raw.detail.errorMessage = char.repeat(filler);
    return raw;
  };

  it('carries a record whose JSON fits in 96 KB even when its text could be six times longer escaped', () => {
    // Prepare: 40,000 plain characters weigh 40 KB as JSON; the cheap bound counts them at 240 KB
    const raw = withFiller(40_000);

    // Act
    const [finding] = findingsOf(raw);

    // Assess
    expect(finding?.recordOmitted).toBeUndefined();
    expect(finding?.record).toEqual(raw);
  });

  it('leaves out a record heavier than 96 KB as JSON, and says how heavy it was', () => {
    // Prepare: 20,000 control characters are 20,000 UTF-16 units but 120,000 bytes of JSON escapes
    const raw = withFiller(20_000, '\u0001');

    // Act
    const [finding] = findingsOf(raw);

    // Assess
    expect(finding?.record).toBeUndefined();
    expect(finding?.recordOmitted).toMatch(/^the event is \d+ bytes, more than the 98304 a finding carries/);
  });

  it('leaves out a record nested deeper than serialising can walk, without throwing', () => {
    // Prepare
    const raw = withFiller(0);
    let deep: Record<string, unknown> = {};
    raw.detail.requestParameters = deep;
    for (let level = 0; level < 20_000; level++) deep = deep.inner = {};

    // Act
    const result = classify(parseClassifiableEvent(raw), classifyContext);

    // Assess
    expect(result.kind).toBe('findings');
    if (result.kind === 'findings') expect(result.findings[0]?.recordOmitted).toMatch(/nested too deeply/);
  });
});
