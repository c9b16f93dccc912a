/**
 * The sweep's checks, one by one, on their boundaries: exactly N days, N − 1, N + 1, never
 * accessed, no rotation date, NextRotationDate exactly now, the grace period, secrets scheduled
 * for deletion, service-owned secrets, every form of KMS key reference; and the catalogue
 * meta-test that ties the checks to the rules with a sweep trigger.
 */
import { describe, expect, it } from 'vitest';
import { rules, SWEEP_RULE_IDS, type SweepRuleId, sweepCheckOf } from '../../shared/domain/catalogue.js';
import type { Policy } from '../../shared/policy/schema.js';
import type { SecretState, SecretVersion } from '../../shared/ports/secrets.js';
import { type CheckResult, daysBetween, type Decided, isExempt } from '../../shared/domain/sweep-checks.js';
import { samplePolicy } from '../helpers/policy.js';
import { FIXED_NOW } from '../helpers/sandbox.js';

const NOW = FIXED_NOW; // 2026-11-25T12:00:00Z
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Midnight UTC `n` days before NOW's day: how AWS stores LastAccessedDate. */
const midnightDaysAgo = (n: number) => new Date(Date.UTC(2026, 10, 25) - n * DAY);
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/db-AbCdEf';
const ALLOWED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Overrides for the builder; a key set to undefined is left out, as AWS leaves out what a secret lacks. */
type SecretOverrides = { [K in keyof SecretState]?: SecretState[K] | undefined };

/** A secret every check passes under the sample policy; each test breaks one thing. */
const secret = (overrides: SecretOverrides = {}): SecretState => {
  const base: SecretState = {
    arn: ARN,
    name: 'prod/app/db',
    rotationEnabled: true,
    rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:app-rotation',
    rotationSchedule: 'rate(30 days)',
    createdDate: new Date('2025-01-10T08:00:00Z'),
    lastChangedDate: new Date('2026-11-10T00:05:00Z'),
    lastRotatedDate: new Date('2026-11-10T00:05:00Z'),
    nextRotationDate: new Date('2026-12-10T00:00:00Z'),
    lastAccessedDate: midnightDaysAgo(0),
    kmsKeyId: ALLOWED_KEY,
    tags: {},
    versions: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'] },
  };
  return Object.fromEntries(Object.entries({ ...base, ...overrides }).filter(([, value]) => value !== undefined)) as unknown as SecretState;
};

const policyWith = (overrides: Partial<Policy>): Policy => ({ ...samplePolicy, ...overrides });

const run = (rule: SweepRuleId, state: SecretState, policy: Policy = samplePolicy): CheckResult =>
  sweepCheckOf(rule)(state, { policy, now: NOW });

/** The verdict of a check that needs no closer look. */
const verdict = (rule: SweepRuleId, state: SecretState, policy?: Policy): Decided => {
  const result = run(rule, state, policy);
  if (result.kind === 'closer-look') throw new Error(`${rule} asked for a closer look (${result.look})`);
  return result;
};

/** Without a `delete` in the type: omit optional fields of the base secret. */
const without = (state: SecretState, ...keys: (keyof SecretState)[]): SecretState =>
  Object.fromEntries(Object.entries(state).filter(([key]) => !keys.includes(key as keyof SecretState))) as unknown as SecretState;

describe('Table: the sweep triggers of the catalogue', () => {
  it('reports every rule with a sweep trigger, and only those, each once', () => {
    // Prepare
    const sweepRules = rules.filter((rule) => rule.triggers.some((trigger) => trigger.source === 'sweep')).map((rule) => rule.id);

    // Assess
    expect([...SWEEP_RULE_IDS].sort()).toEqual([...sweepRules].sort());
    expect(new Set(SWEEP_RULE_IDS).size).toBe(SWEEP_RULE_IDS.length);
  });

  it('gives each sweep rule exactly one check of its own', () => {
    // Act
    const checks = SWEEP_RULE_IDS.map((id) => rules.find((rule) => rule.id === id)?.triggers.filter((t) => t.source === 'sweep') ?? []);

    // Assess
    expect(checks.map((found) => found.length)).toEqual(SWEEP_RULE_IDS.map(() => 1));
    expect(new Set(SWEEP_RULE_IDS.map(sweepCheckOf)).size).toBe(SWEEP_RULE_IDS.length);
  });

  it('passes a compliant secret on every check, without a closer look', () => {
    // Act
    const results = SWEEP_RULE_IDS.map((rule) => run(rule, secret()));

    // Assess
    expect(results.map((r) => r.kind)).toEqual(SWEEP_RULE_IDS.map(() => 'pass'));
  });

  it('judges a secret scheduled for deletion by scheduled-for-deletion alone', () => {
    // Prepare: it would fail every other check.
    const deleted = secret({
      deletedDate: new Date('2026-11-23T17:45:00Z'),
      rotationEnabled: false,
      createdDate: new Date('2024-01-01T00:00:00Z'),
      lastRotatedDate: new Date('2024-01-01T00:00:00Z'),
      lastAccessedDate: midnightDaysAgo(400),
      kmsKeyId: undefined,
      name: 'prod/shared/gone',
      versions: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] },
    });

    // Act
    const results = Object.fromEntries(SWEEP_RULE_IDS.map((rule) => [rule, run(rule, deleted)]));

    // Assess
    const { 'scheduled-for-deletion': scheduled, ...others } = results;
    expect(scheduled).toEqual({
      kind: 'fail',
      reason:
        'marked for deletion on 2026-11-23T17:45:00.000Z: Secrets Manager deletes it for good when its recovery window ends, between 2026-11-30 and 2026-12-23; restore it if anything still needs it',
      evidence: {},
    });
    for (const result of Object.values(others)) {
      expect(result).toEqual({
        kind: 'pass',
        reason: 'scheduled for deletion (since 2026-11-23T17:45:00.000Z): only scheduled-for-deletion applies',
      });
    }
  });
});

describe('Function: daysBetween', () => {
  it.each([
    ['the same day, whatever the hours', '2026-11-25T00:00:00Z', '2026-11-25T23:59:59Z', 0],
    ['one second across midnight', '2026-11-24T23:59:59Z', '2026-11-25T00:00:00Z', 1],
    ['90 days back at midnight, at noon', '2026-08-27T00:00:00Z', '2026-11-25T12:00:00Z', 90],
    ['a later date', '2026-11-26T00:00:00Z', '2026-11-25T12:00:00Z', -1],
  ])('counts UTC midnights: %s', (_label, earlier, later, expected) => {
    expect(daysBetween(new Date(earlier), new Date(later))).toBe(expected);
  });
});

describe('Check: unused (SecretsManager.3)', () => {
  it.each([
    [89, 'pass'],
    [90, 'pass'],
    [91, 'fail'],
  ] as const)('a secret last read %i days ago (unusedDays 90): %s', (daysAgo, expected) => {
    // Act
    const result = verdict('unused', secret({ lastAccessedDate: midnightDaysAgo(daysAgo) }));

    // Assess
    expect(result.kind).toBe(expected);
  });

  it('says when it was last read, how long ago, and the threshold', () => {
    // Act
    const result = verdict('unused', secret({ lastAccessedDate: midnightDaysAgo(91) }));

    // Assess
    expect(result).toEqual({
      kind: 'fail',
      reason: 'last read on 2026-08-26, 91 days ago, more than the 90 days of unusedDays',
      evidence: { lastAccessedDate: '2026-08-26T00:00:00.000Z', createdDate: '2025-01-10T08:00:00.000Z', thresholdDays: 90 },
    });
  });

  it('judges by day: the hour of the sweep does not change the verdict', () => {
    // Prepare
    const state = secret({ lastAccessedDate: new Date('2026-08-27T00:00:00Z') });

    // Act
    const early = sweepCheckOf('unused')(state, { policy: samplePolicy, now: new Date('2026-11-25T00:00:00Z') });
    const late = sweepCheckOf('unused')(state, { policy: samplePolicy, now: new Date('2026-11-25T23:59:59Z') });
    const nextDay = sweepCheckOf('unused')(state, { policy: samplePolicy, now: new Date('2026-11-26T00:00:00Z') });

    // Assess
    expect([early.kind, late.kind, nextDay.kind]).toEqual(['pass', 'pass', 'fail']);
  });

  it.each([
    ['2026-08-27T23:59:59Z', 'pass'],
    ['2026-08-26T23:59:59Z', 'fail'],
  ] as const)('counts a secret never read from its creation (%s): %s', (created, expected) => {
    // Act
    const result = verdict('unused', without(secret({ createdDate: new Date(created) }), 'lastAccessedDate'));

    // Assess
    expect(result.kind).toBe(expected);
    if (result.kind === 'fail') {
      expect(result.reason).toBe('never read since it was created on 2026-08-26, 91 days ago, more than the 90 days of unusedDays');
      expect(result.evidence).toEqual({ createdDate: '2026-08-26T23:59:59.000Z', thresholdDays: 90 });
    }
  });

  it('follows the policy: unusedDays 30 fails a secret read 31 days ago', () => {
    expect(verdict('unused', secret({ lastAccessedDate: midnightDaysAgo(31) }), policyWith({ unusedDays: 30 })).kind).toBe('fail');
    expect(verdict('unused', secret({ lastAccessedDate: midnightDaysAgo(30) }), policyWith({ unusedDays: 30 })).kind).toBe('pass');
  });

  it('without a creation date, counts from LastChangedDate (a lower bound of the age) and notes it', () => {
    // Prepare
    const state = without(secret({ lastChangedDate: new Date('2026-05-01T10:00:00Z') }), 'lastAccessedDate', 'createdDate');

    // Act
    const result = verdict('unused', state);

    // Assess
    expect(result).toEqual({
      kind: 'fail',
      reason:
        'never read since it was last changed on 2026-05-01 (creation date unknown), 208 days ago, more than the 90 days of unusedDays',
      evidence: { thresholdDays: 90 },
      notes: [
        'the listing gave no CreatedDate: the age is counted from LastChangedDate 2026-05-01T10:00:00.000Z, so the secret is at least that old',
      ],
    });
  });

  it('passes a secret never read whose age is unknown: no evidence, no finding', () => {
    expect(verdict('unused', without(secret(), 'lastAccessedDate', 'createdDate', 'lastChangedDate'))).toEqual({
      kind: 'pass',
      reason: 'never read, but neither CreatedDate nor LastChangedDate is known: its age cannot be told',
    });
  });

  it('does not judge a secret another service owns', () => {
    // Act
    const result = verdict(
      'unused',
      without(secret({ owningService: 'rds', createdDate: new Date('2024-01-01T00:00:00Z') }), 'lastAccessedDate'),
    );

    // Assess
    expect(result).toMatchObject({ kind: 'pass', reason: expect.stringContaining('managed by rds') });
  });
});

describe('Check: rotation-missing (SecretsManager.1)', () => {
  it('passes a secret with rotation on', () => {
    expect(verdict('rotation-missing', secret({ createdDate: new Date('2020-01-01T00:00:00Z') })).kind).toBe('pass');
  });

  it.each([
    [6, 'pass'],
    [7, 'pass'],
    [8, 'fail'],
  ] as const)('a secret without rotation created %i days ago (gracePeriodDays 7): %s', (daysAgo, expected) => {
    // Act
    const result = verdict('rotation-missing', secret({ rotationEnabled: false, createdDate: new Date(NOW.getTime() - daysAgo * DAY) }));

    // Assess
    expect(result.kind).toBe(expected);
  });

  it('says when the secret was created and names the grace period', () => {
    // Act
    const result = verdict('rotation-missing', secret({ rotationEnabled: false, createdDate: new Date('2026-11-01T16:20:00Z') }));

    // Assess
    expect(result).toEqual({
      kind: 'fail',
      reason: 'automatic rotation is off 24 days after the secret was created on 2026-11-01, past the 7 days of rotation.gracePeriodDays',
      evidence: { createdDate: '2026-11-01T16:20:00.000Z', thresholdDays: 7 },
    });
  });

  it('with gracePeriodDays 0, fails a secret from the day after its creation', () => {
    // Prepare
    const policy = policyWith({ rotation: { ...samplePolicy.rotation, gracePeriodDays: 0 } });

    // Act
    const today = verdict('rotation-missing', secret({ rotationEnabled: false, createdDate: new Date('2026-11-25T01:00:00Z') }), policy);
    const yesterday = verdict(
      'rotation-missing',
      secret({ rotationEnabled: false, createdDate: new Date('2026-11-24T23:00:00Z') }),
      policy,
    );

    // Assess
    expect([today.kind, yesterday.kind]).toEqual(['pass', 'fail']);
  });

  it('tells a secret another service owns to turn on its managed rotation', () => {
    // Act
    const result = verdict(
      'rotation-missing',
      secret({ rotationEnabled: false, owningService: 'rds', createdDate: new Date('2026-01-01T00:00:00Z') }),
    );

    // Assess
    expect(result).toMatchObject({ kind: 'fail', reason: expect.stringContaining('rds manages it, so turn on its managed rotation') });
  });

  it('does not guess the grace period when no date tells the age', () => {
    expect(verdict('rotation-missing', without(secret({ rotationEnabled: false }), 'createdDate', 'lastChangedDate')).kind).toBe('pass');
  });
});

describe('Check: rotation-overdue (SecretsManager.2 and .4)', () => {
  it('fails a secret whose NextRotationDate has passed, under SecretsManager.2', () => {
    // Act
    const result = verdict('rotation-overdue', secret({ nextRotationDate: new Date(NOW.getTime() - 1) }));

    // Assess
    expect(result).toEqual({
      kind: 'fail',
      reason: 'the scheduled rotation due 2026-11-25T11:59:59.999Z has not happened',
      evidence: { lastRotatedDate: '2026-11-10T00:05:00.000Z', nextRotationDate: '2026-11-25T11:59:59.999Z', thresholdDays: 90 },
      control: 'SecretsManager.2',
    });
  });

  it('passes a secret whose NextRotationDate is exactly now: not late yet', () => {
    expect(verdict('rotation-overdue', secret({ nextRotationDate: NOW })).kind).toBe('pass');
  });

  it('ignores a NextRotationDate when rotation is off (rotation-missing says that)', () => {
    expect(verdict('rotation-overdue', secret({ rotationEnabled: false, nextRotationDate: new Date('2026-11-01T00:00:00Z') })).kind).toBe(
      'pass',
    );
  });

  it.each([
    [89, 'pass'],
    [90, 'pass'],
    [91, 'fail'],
  ] as const)('a secret last rotated %i days ago (maxAgeDays 90): %s', (daysAgo, expected) => {
    // Act
    const result = verdict(
      'rotation-overdue',
      secret({ lastRotatedDate: new Date(NOW.getTime() - daysAgo * DAY), nextRotationDate: new Date('2027-05-01T00:00:00Z') }),
    );

    // Assess
    expect(result.kind).toBe(expected);
    if (result.kind === 'fail') expect(result.control).toBe('SecretsManager.4');
  });

  it('counts a secret never rotated from its creation', () => {
    // Act
    const result = verdict(
      'rotation-overdue',
      without(secret({ rotationEnabled: false, createdDate: new Date('2026-08-01T00:00:00Z') }), 'lastRotatedDate', 'nextRotationDate'),
    );

    // Assess
    expect(result).toEqual({
      kind: 'fail',
      reason: 'never rotated since it was created on 2026-08-01, 116 days ago, more than the 90 days of rotation.maxAgeDays',
      evidence: { createdDate: '2026-08-01T00:00:00.000Z', thresholdDays: 90 },
      control: 'SecretsManager.4',
    });
  });

  it('passes a secret never rotated, created exactly maxAgeDays ago', () => {
    expect(
      verdict('rotation-overdue', without(secret({ createdDate: midnightDaysAgo(90) }), 'lastRotatedDate', 'nextRotationDate')).kind,
    ).toBe('pass');
  });

  it('says both when the schedule was missed and the value is too old, under SecretsManager.2', () => {
    // Act
    const result = verdict(
      'rotation-overdue',
      secret({ lastRotatedDate: new Date('2026-05-01T00:00:00Z'), nextRotationDate: new Date('2026-05-31T00:00:00Z') }),
    );

    // Assess
    expect(result).toMatchObject({
      kind: 'fail',
      control: 'SecretsManager.2',
      reason:
        'the scheduled rotation due 2026-05-31T00:00:00.000Z has not happened; last rotated on 2026-05-01, 208 days ago, more than the 90 days of rotation.maxAgeDays',
    });
  });

  it('passes when no date at all tells the age, and nothing is scheduled', () => {
    expect(
      verdict('rotation-overdue', without(secret(), 'lastRotatedDate', 'createdDate', 'lastChangedDate', 'nextRotationDate')).kind,
    ).toBe('pass');
  });
});

describe('Check: default-kms-key', () => {
  const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
  const ALIAS_ARN = 'arn:aws:kms:us-east-1:123456789012:alias/app-secrets';

  it('fails the AWS managed key with its alias as evidence', () => {
    expect(verdict('default-kms-key', without(secret(), 'kmsKeyId'))).toEqual({
      kind: 'fail',
      reason: 'encrypted with the AWS managed key alias/aws/secretsmanager, not a customer managed key',
      evidence: { kmsKeyId: 'alias/aws/secretsmanager' },
    });
  });

  it('names the key and the policy field when a customer managed key is not allowed', () => {
    expect(verdict('default-kms-key', secret({ kmsKeyId: OTHER_KEY }))).toEqual({
      kind: 'fail',
      reason: `encrypted with ${OTHER_KEY}, which is not one of the policy's allowed keys (kms.allowedKeys)`,
      evidence: { kmsKeyId: OTHER_KEY },
    });
  });

  it('says an alias is not resolved, and which ARN to allow', () => {
    // Act
    const result = verdict('default-kms-key', secret({ kmsKeyId: 'alias/app-secrets' }));

    // Assess
    expect(result).toMatchObject({
      kind: 'fail',
      reason: expect.stringContaining(
        `aliases are not resolved to their keys (that needs KMS calls the service does not make): if ${ALIAS_ARN} points to an allowed key, add ${ALIAS_ARN} to kms.allowedKeys`,
      ),
      evidence: { kmsKeyId: 'alias/app-secrets' },
    });
  });
});

describe('Check: stale-pending', () => {
  const pendingSecret = secret({ versions: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'], v3: ['AWSPENDING'] } });
  const versionsWithPending = (createdDate?: Date): SecretVersion[] => [
    { versionId: 'v1', stages: ['AWSCURRENT'], createdDate: new Date('2026-11-10T00:05:00Z') },
    { versionId: 'v2', stages: ['AWSPREVIOUS'] },
    { versionId: 'v3', stages: ['AWSPENDING'], ...(createdDate ? { createdDate } : {}) },
  ];
  const decideWith = (versions: readonly SecretVersion[]): Decided => {
    const result = run('stale-pending', pendingSecret);
    if (result.kind !== 'closer-look' || result.look !== 'versions')
      throw new Error(`expected a closer look at versions, got ${result.kind}`);
    return result.decide(versions);
  };

  it('passes without a closer look when no version holds AWSPENDING', () => {
    expect(run('stale-pending', secret())).toEqual({ kind: 'pass', reason: 'no version holds AWSPENDING' });
  });

  it('passes without a closer look when AWSPENDING sits on the AWSCURRENT version', () => {
    expect(run('stale-pending', secret({ versions: { v1: ['AWSCURRENT', 'AWSPENDING'], v2: ['AWSPREVIOUS'] } }))).toMatchObject({
      kind: 'pass',
    });
  });

  it('asks for the versions when AWSPENDING is on a version of its own', () => {
    expect(run('stale-pending', pendingSecret)).toMatchObject({ kind: 'closer-look', look: 'versions' });
  });

  it('fails a pending version older than the 24-hour rotation window, with its id and date', () => {
    // Act
    const result = decideWith(versionsWithPending(new Date('2026-11-21T00:03:00Z')));

    // Assess
    expect(result).toEqual({
      kind: 'fail',
      reason:
        'version v3 has held AWSPENDING without AWSCURRENT since 2026-11-21T00:03:00.000Z (4 days), past the 24-hour rotation window: a rotation failed or was abandoned, and the label blocks every later rotation',
      evidence: { pendingVersionId: 'v3', pendingCreatedDate: '2026-11-21T00:03:00.000Z', thresholdDays: 1 },
    });
  });

  it.each([
    ['exactly 24 hours old', 'pass', 24 * HOUR],
    ['24 hours and a second old', 'fail', 24 * HOUR + 1000],
    ['2 hours old (a rotation in progress)', 'pass', 2 * HOUR],
  ] as const)('judges a pending version %s: %s', (_label, expected, age) => {
    expect(decideWith(versionsWithPending(new Date(NOW.getTime() - age))).kind).toBe(expected);
  });

  it('passes when the creation date is unknown: a stale label cannot be told from a rotation in progress', () => {
    expect(decideWith(versionsWithPending())).toMatchObject({
      kind: 'pass',
      reason: expect.stringContaining('creation date of version v3 is unknown'),
    });
  });

  it('passes when the closer look finds the label gone (the rotation finished meanwhile)', () => {
    expect(decideWith([{ versionId: 'v3', stages: ['AWSCURRENT'], createdDate: new Date('2026-11-21T00:03:00Z') }])).toMatchObject({
      kind: 'pass',
    });
  });
});

describe('Check: resource-policy-missing', () => {
  const shared = secret({ name: 'prod/shared/session-signing-key' });
  const decideWith = (resourcePolicy: string | undefined): Decided => {
    const result = run('resource-policy-missing', shared);
    if (result.kind !== 'closer-look' || result.look !== 'resource-policy')
      throw new Error(`expected a closer look at the resource policy, got ${result.kind}`);
    return result.decide(resourcePolicy);
  };

  it('passes without a closer look when the policy requires none for the name', () => {
    expect(run('resource-policy-missing', secret({ name: 'prod/app/db' }))).toEqual({
      kind: 'pass',
      reason: 'the policy requires no resource policy for this name (requireResourcePolicy)',
    });
  });

  it('asks for the resource policy when the name matches requireResourcePolicy', () => {
    expect(run('resource-policy-missing', shared)).toMatchObject({ kind: 'closer-look', look: 'resource-policy' });
  });

  it.each([
    ['none', undefined],
    ['a blank one', '  '],
  ])('fails a required secret with %s, naming the glob', (_label, resourcePolicy) => {
    expect(decideWith(resourcePolicy)).toEqual({
      kind: 'fail',
      reason: 'has no resource policy, but the policy requires one for secrets matching prod/shared/* (requireResourcePolicy)',
      evidence: { policyMatch: 'prod/shared/*' },
    });
  });

  it('passes a required secret that has one', () => {
    expect(decideWith('{"Version":"2012-10-17","Statement":[]}').kind).toBe('pass');
  });
});

describe('Check: scheduled-for-deletion', () => {
  it('passes a secret not scheduled for deletion', () => {
    expect(verdict('scheduled-for-deletion', secret())).toEqual({ kind: 'pass', reason: 'not scheduled for deletion' });
  });
});

describe('Function: isExempt', () => {
  it.each([
    ['carries the exemption tag', true, { 'remediation:exempt': 'SEC-1234' }],
    ['carries it with an empty value', true, { 'remediation:exempt': '' }],
    ['carries other tags only', false, { team: 'payments' }],
  ])('a secret that %s: exempt %s', (_label, expected, tags) => {
    expect(isExempt(secret({ tags }), samplePolicy)).toBe(expected);
  });

  it("follows the policy's exemptionTag", () => {
    expect(isExempt(secret({ tags: { 'sweep:skip': 'yes' } }), policyWith({ exemptionTag: 'sweep:skip' }))).toBe(true);
  });
});
