/**
 * One listed secret through every check, against the sandbox account for the closer looks: which
 * per-secret calls it makes (none for a compliant secret), the findings it builds (the shape
 * classify's have, valid under findingSchema()), their stable ids, exemptions, and errors.
 */
import { describe, expect, it } from 'vitest';
import { findingSchema, type Finding } from '../../shared/contracts/finding.js';
import { rules } from '../../shared/domain/catalogue.js';
import { InvalidSecretStateError, PermissionDeniedError, SecretNotFoundError, TransientAwsError } from '../../shared/errors.js';
import type { SecretState } from '../../shared/ports/secrets.js';
import { loadAccountSeed, sandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { AccountSeed, SecretSeed } from '../../shared/sandbox/seed.js';
import { SWEEP_RULE_IDS } from '../../shared/domain/catalogue.js';
import { inspectSecret, SWEEP_ACTOR, sweepFindingId, type SweepContext } from '../../shared/sweep/inspect-secret.js';
import { samplePolicy } from '../helpers/policy.js';
import { FIXED_NOW, sandboxWith } from '../helpers/sandbox.js';

const RUN_ID = 'sweep-20261125T1200Z-1a2b3c4d';
const context: SweepContext = { policy: samplePolicy, now: FIXED_NOW, runId: RUN_ID };
const ALLOWED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const arnOf = (name: string, suffix = 'AbCdEf') => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-${suffix}`;

/** A secret every check passes under the sample policy (events/policy.yml), as a seed. */
const compliant = (overrides: Partial<SecretSeed> = {}): SecretSeed => ({
  name: 'prod/app/db',
  arn: arnOf(overrides.name ?? 'prod/app/db'),
  createdDate: '2025-01-10T08:00:00Z',
  lastChangedDate: '2026-11-10T00:05:00Z',
  lastAccessedDate: '2026-11-25T00:00:00Z',
  rotationEnabled: true,
  rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:app-rotation',
  rotationSchedule: 'rate(30 days)',
  lastRotatedDate: '2026-11-10T00:05:00Z',
  nextRotationDate: '2026-12-10T00:00:00Z',
  kmsKeyId: ALLOWED_KEY,
  versions: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'] },
  ...overrides,
});

const date = (iso: string | undefined): Date | undefined => (iso === undefined ? undefined : new Date(iso));

/**
 * What ListSecrets says about a seeded secret (metadata only; no version dates, no resource
 * policy): the listing the sweep judges from. CreatedDate defaults as the seed documents.
 */
const listed = (
  seed: SecretSeed,
  where: Pick<AccountSeed, 'account' | 'region'> = { account: '123456789012', region: 'us-east-1' },
  now = FIXED_NOW,
): SecretState => {
  const created = date(seed.createdDate ?? seed.lastChangedDate) ?? now;
  const optional = {
    deletedDate: date(seed.deletedDate),
    rotationLambdaArn: seed.rotationLambdaArn,
    lastRotatedDate: date(seed.lastRotatedDate),
    lastChangedDate: date(seed.lastChangedDate),
    owningService: seed.owningService,
    kmsKeyId: seed.kmsKeyId,
    rotationSchedule: seed.rotationSchedule,
    lastAccessedDate: date(seed.lastAccessedDate),
    nextRotationDate: date(seed.nextRotationDate),
  };
  return {
    arn: seed.arn ?? `arn:aws:secretsmanager:${where.region}:${where.account}:secret:${seed.name}-XxXxXx`,
    name: seed.name,
    rotationEnabled: seed.rotationEnabled ?? false,
    tags: { ...seed.tags },
    versions: structuredClone(seed.versions),
    createdDate: created,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
};

/** The sandbox holding `seeds`, and one inspection of the first, as the sweep would make it. */
const inspectSeeded = async (seed: SecretSeed, overrides: Partial<SweepContext> = {}) => {
  const account = sandboxWith(seed);
  const inspection = await inspectSecret(listed(seed), account.secrets, { ...context, ...overrides });
  return { account, inspection };
};

const rulesOf = (findings: readonly Finding[]) => findings.map((f) => f.rule);

describe('Function: inspectSecret', () => {
  it('makes no per-secret call and no finding for a compliant secret', async () => {
    // Act
    const { account, inspection } = await inspectSeeded(compliant());

    // Assess
    expect(inspection).toEqual({ findings: [], exempt: false, perSecretCalls: 0, unjudged: [] });
    expect(account.secrets.calls).toEqual([]);
  });

  it('finds what the listing shows without a single per-secret call', async () => {
    // Prepare: rotation off for 24 days, read 120 days ago, the AWS managed key.
    const seed = compliant({
      createdDate: '2026-11-01T16:20:00Z',
      lastAccessedDate: '2026-07-28T00:00:00Z',
      rotationEnabled: false,
      lastRotatedDate: undefined,
      nextRotationDate: undefined,
      kmsKeyId: undefined,
    });

    // Act
    const { account, inspection } = await inspectSeeded(seed);

    // Assess
    expect(rulesOf(inspection.findings)).toEqual(['rotation-missing', 'unused', 'default-kms-key']);
    expect(inspection.perSecretCalls).toBe(0);
    expect(account.secrets.calls).toEqual([]);
  });

  it('builds findings of the shape classify makes: the catalogue entry, the sweep as actor, the run as event', async () => {
    // Prepare
    const seed = compliant({
      rotationEnabled: false,
      createdDate: '2026-11-01T16:20:00Z',
      lastRotatedDate: undefined,
      nextRotationDate: undefined,
    });

    // Act
    const { inspection } = await inspectSeeded(seed);

    // Assess
    const rule = rules.find((r) => r.id === 'rotation-missing');
    expect(inspection.findings).toEqual([
      {
        id: `sweep/2026-11-25/rotation-missing/${arnOf('prod/app/db')}`,
        rule: 'rotation-missing',
        title: rule?.title,
        severity: rule?.severity,
        reason: 'automatic rotation is off 24 days after the secret was created on 2026-11-01, past the 7 days of rotation.gracePeriodDays',
        control: 'SecretsManager.1',
        secret: {
          id: arnOf('prod/app/db'),
          arn: arnOf('prod/app/db'),
          name: 'prod/app/db',
          account: '123456789012',
          region: 'us-east-1',
          foundAt: 'ListSecrets.SecretList[].ARN',
        },
        actor: { kind: 'sweep', principal: 'secrets-remediator sweep', isPerson: false, isAllowedAdmin: false },
        event: {
          id: RUN_ID,
          name: 'ScheduledSweep',
          detailType: 'Scheduled Sweep',
          time: '2026-11-25T12:00:00.000Z',
          account: '123456789012',
          region: 'us-east-1',
        },
        evidence: { createdDate: '2026-11-01T16:20:00.000Z', thresholdDays: 7 },
        actions: ['enable-rotation'],
        needsRemediation: true,
        notes: [],
      },
    ]);
    expect(findingSchema().parse(inspection.findings[0])).toEqual(inspection.findings[0]);
  });

  it('plans no action for a rule whose catalogue entry has none', async () => {
    // Act
    const { inspection } = await inspectSeeded(compliant({ lastAccessedDate: '2026-07-28T00:00:00Z' }));

    // Assess
    expect(inspection.findings).toMatchObject([
      { rule: 'unused', severity: 'low', control: 'SecretsManager.3', actions: [], needsRemediation: false },
    ]);
  });

  it('looks at the versions once for a pending version of its own, and finds it stale', async () => {
    // Prepare
    const seed = compliant({
      versions: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'], v3: ['AWSPENDING'] },
      versionCreatedDates: { v1: '2026-11-10T00:05:00Z', v3: '2026-11-21T00:03:00Z' },
    });

    // Act
    const { account, inspection } = await inspectSeeded(seed);

    // Assess
    expect(account.secrets.calls).toEqual([{ operation: 'listVersions', secretId: arnOf('prod/app/db') }]);
    expect(inspection.perSecretCalls).toBe(1);
    expect(inspection.findings).toMatchObject([
      {
        rule: 'stale-pending',
        severity: 'high',
        actions: ['clear-stale-pending'],
        needsRemediation: true,
        evidence: { pendingVersionId: 'v3', pendingCreatedDate: '2026-11-21T00:03:00.000Z', thresholdDays: 1 },
      },
    ]);
  });

  it('looks at the versions and finds nothing during a rotation in progress', async () => {
    // Prepare
    const seed = compliant({ versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] }, versionCreatedDates: { v3: '2026-11-25T10:30:00Z' } });

    // Act
    const { inspection } = await inspectSeeded(seed);

    // Assess
    expect(inspection).toEqual({ findings: [], exempt: false, perSecretCalls: 1, unjudged: [] });
  });

  it.each([
    ['without a resource policy', undefined, ['resource-policy-missing']],
    [
      'with a resource policy',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}',
      [],
    ],
  ])('reads the resource policy of a secret requireResourcePolicy names, %s', async (_label, resourcePolicy, expected) => {
    // Prepare
    const seed = compliant({
      name: 'prod/shared/session-key',
      arn: arnOf('prod/shared/session-key'),
      ...(resourcePolicy ? { resourcePolicy } : {}),
    });

    // Act
    const { account, inspection } = await inspectSeeded(seed);

    // Assess
    expect(account.secrets.calls).toEqual([{ operation: 'getResourcePolicy', secretId: arnOf('prod/shared/session-key') }]);
    expect(rulesOf(inspection.findings)).toEqual(expected);
    expect(inspection.findings.map((f) => f.evidence)).toEqual(expected.map(() => ({ policyMatch: 'prod/shared/*' })));
  });

  it('makes each closer look once, at most two calls, when both are needed', async () => {
    // Prepare
    const seed = compliant({
      name: 'prod/shared/session-key',
      arn: arnOf('prod/shared/session-key'),
      versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] },
      versionCreatedDates: { v3: '2026-11-20T00:00:00Z' },
    });

    // Act
    const { account, inspection } = await inspectSeeded(seed);

    // Assess
    expect(account.secrets.calls.map((c) => c.operation).sort()).toEqual(['getResourcePolicy', 'listVersions']);
    expect(inspection.perSecretCalls).toBe(2);
    expect(rulesOf(inspection.findings)).toEqual(['stale-pending', 'resource-policy-missing']);
  });

  it('judges an exempt secret not at all: no finding, no call, counted as exempt', async () => {
    // Prepare: it would fail every check, closer looks included.
    const seed = compliant({
      name: 'prod/shared/load-test',
      arn: arnOf('prod/shared/load-test'),
      tags: { 'remediation:exempt': 'SEC-1234' },
      rotationEnabled: false,
      createdDate: '2024-01-01T00:00:00Z',
      lastAccessedDate: undefined,
      lastRotatedDate: undefined,
      nextRotationDate: undefined,
      kmsKeyId: undefined,
      versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] },
      versionCreatedDates: { v3: '2024-01-02T00:00:00Z' },
    });

    // Act
    const { account, inspection } = await inspectSeeded(seed);
    const withoutTag = await inspectSecret({ ...listed(seed), tags: {} }, account.secrets, context);

    // Assess
    expect(inspection).toEqual({ findings: [], exempt: true, perSecretCalls: 0, unjudged: [] });
    expect(rulesOf(withoutTag.findings).sort()).toEqual([...SWEEP_RULE_IDS].filter((r) => r !== 'scheduled-for-deletion').sort());
  });

  it('reports a secret scheduled for deletion once, without a closer look', async () => {
    // Prepare
    const seed = compliant({
      name: 'prod/shared/retired',
      arn: arnOf('prod/shared/retired'),
      deletedDate: '2026-11-23T17:45:00Z',
      kmsKeyId: undefined,
      versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] },
    });

    // Act
    const { account, inspection } = await inspectSeeded(seed);

    // Assess
    expect(rulesOf(inspection.findings)).toEqual(['scheduled-for-deletion']);
    expect(inspection.findings[0]).toMatchObject({ severity: 'medium', practices: [7], actions: [], needsRemediation: false });
    expect(account.secrets.calls).toEqual([]);
  });

  it('keeps a finding id per rule, secret and UTC day: the same all day, another tomorrow', async () => {
    // Prepare
    const seed = compliant({ lastAccessedDate: '2026-07-28T00:00:00Z' });
    const account = sandboxWith(seed);

    // Act
    const morning = await inspectSecret(listed(seed), account.secrets, {
      ...context,
      runId: 'run-a',
      now: new Date('2026-11-25T00:00:01Z'),
    });
    const evening = await inspectSecret(listed(seed), account.secrets, {
      ...context,
      runId: 'run-b',
      now: new Date('2026-11-25T23:59:59Z'),
    });
    const tomorrow = await inspectSecret(listed(seed), account.secrets, {
      ...context,
      runId: 'run-c',
      now: new Date('2026-11-26T00:00:00Z'),
    });

    // Assess
    expect(morning.findings.map((f) => f.id)).toEqual([sweepFindingId('unused', arnOf('prod/app/db'), FIXED_NOW)]);
    expect(evening.findings.map((f) => f.id)).toEqual(morning.findings.map((f) => f.id));
    expect(tomorrow.findings.map((f) => f.id)).toEqual([`sweep/2026-11-26/unused/${arnOf('prod/app/db')}`]);
    expect(evening.findings[0]?.event.id).toBe('run-b');
  });

  it('drops the finding of a closer look at a secret that vanished since the listing, and keeps the others', async () => {
    // Prepare: listed, but no longer in the account.
    const seed = compliant({
      name: 'prod/shared/gone',
      arn: arnOf('prod/shared/gone'),
      kmsKeyId: undefined,
      versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] },
    });
    const account = sandboxWith(compliant());

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, context);

    // Assess
    expect(rulesOf(inspection.findings)).toEqual(['default-kms-key']);
    expect(inspection.perSecretCalls).toBe(2);
  });

  it('lets other errors of a closer look escape, for the caller to retry', async () => {
    // Prepare
    const seed = compliant({ name: 'prod/shared/session-key', arn: arnOf('prod/shared/session-key') });
    const account = sandboxWith(seed);
    account.secrets.failNext('getResourcePolicy', new TransientAwsError('ThrottlingException: Rate exceeded'));

    // Act
    const act = inspectSecret(listed(seed), account.secrets, context);

    // Assess
    await expect(act).rejects.toThrow(TransientAwsError);
  });

  it('takes account and Region from the ARN, else from the run, and notes an odd account', async () => {
    // Prepare
    const seed = compliant({
      name: 'Appuser-pyodbc',
      arn: 'arn:aws:secretsmanager:us-west-2:accountid:secret:Appuser-pyodbc-WoDpmU',
      kmsKeyId: undefined,
    });
    const account = sandboxWith(seed);

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, { ...context, account: '123456789012', region: 'us-east-1' });

    // Assess
    expect(inspection.findings).toMatchObject([
      {
        rule: 'default-kms-key',
        secret: { account: 'accountid', region: 'us-west-2', name: 'Appuser-pyodbc' },
        event: { account: 'accountid', region: 'us-west-2' },
        notes: ["account 'accountid' is not a 12-digit AWS account id"],
      },
    ]);
  });

  it('keeps the name from the listing when the ARN is redacted', async () => {
    // Prepare
    const seed = compliant({
      name: 'IcaSecretsPortal',
      arn: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
      kmsKeyId: undefined,
    });
    const account = sandboxWith(seed);

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, context);

    // Assess
    expect(inspection.findings[0]?.secret).toEqual({
      id: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
      arn: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
      name: 'IcaSecretsPortal',
      account: '843407916570',
      region: 'ap-southeast-2',
      foundAt: 'ListSecrets.SecretList[].ARN',
    });
  });

  it('carries a stand-in date as a note on the finding', async () => {
    // Prepare: no CreatedDate in the listing, never read.
    const seed = compliant({ lastAccessedDate: undefined });
    const { createdDate: _never, ...unlisted } = listed(seed);
    const state: SecretState = { ...unlisted, lastChangedDate: new Date('2026-05-01T10:00:00Z') };

    // Act
    const inspection = await inspectSecret(state, sandboxWith(seed).secrets, context);

    // Assess
    expect(inspection.findings).toMatchObject([
      {
        rule: 'unused',
        notes: [
          'the listing gave no CreatedDate: the age is counted from LastChangedDate 2026-05-01T10:00:00.000Z, so the secret is at least that old',
        ],
      },
    ]);
  });

  it('never reports SecretNotFoundError as a finding of its own', async () => {
    // Prepare
    const seed = compliant({ versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] } });
    const account = sandboxWith(seed);
    account.secrets.failNext('listVersions', new SecretNotFoundError('ResourceNotFoundException'));

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, context);

    // Assess
    expect(inspection).toEqual({ findings: [], exempt: false, perSecretCalls: 1, unjudged: [] });
  });

  it('leaves the checks unjudged whose closer look AWS denies, says why, and judges the others', async () => {
    // Prepare: a resource policy that denies everyone but the application's role, this sweep included.
    const seed = compliant({ name: 'prod/shared/session-key', arn: arnOf('prod/shared/session-key'), kmsKeyId: undefined });
    const account = sandboxWith(seed);
    const denied = new PermissionDeniedError(
      'GetResourcePolicy: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/sweep/fn is not authorized to perform: secretsmanager:GetResourcePolicy with an explicit deny in a resource-based policy',
    );
    account.secrets.failNext('getResourcePolicy', denied);

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, context);

    // Assess
    expect(rulesOf(inspection.findings)).toEqual(['default-kms-key']);
    expect(inspection.unjudged).toEqual([{ rule: 'resource-policy-missing', reason: 'AccessDenied', message: denied.message }]);
    expect(inspection.perSecretCalls).toBe(1);
  });

  it('leaves the checks unjudged whose closer look is invalid for the secret’s state', async () => {
    // Prepare
    const seed = compliant({ versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] } });
    const account = sandboxWith(seed);
    account.secrets.failNext(
      'listVersions',
      new InvalidSecretStateError(
        'ListSecretVersionIds: InvalidRequestException: You can’t perform this operation on the secret because it was marked for deletion.',
      ),
    );

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, context);

    // Assess
    expect(inspection).toMatchObject({
      findings: [],
      exempt: false,
      perSecretCalls: 1,
      unjudged: [{ rule: 'stale-pending', reason: 'InvalidSecretState' }],
    });
  });

  it('judges one look when the other is denied: both asked, each answered on its own', async () => {
    // Prepare: a stale AWSPENDING (versions readable), the resource policy denied.
    const seed = compliant({
      name: 'prod/shared/session-key',
      arn: arnOf('prod/shared/session-key'),
      versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] },
      versionCreatedDates: { v3: '2026-11-20T00:00:00Z' },
    });
    const account = sandboxWith(seed);
    account.secrets.failNext('getResourcePolicy', new PermissionDeniedError('GetResourcePolicy: AccessDeniedException: explicit deny'));

    // Act
    const inspection = await inspectSecret(listed(seed), account.secrets, context);

    // Assess
    expect(rulesOf(inspection.findings)).toEqual(['stale-pending']);
    expect(inspection.unjudged.map((u) => u.rule)).toEqual(['resource-policy-missing']);
    expect(inspection.perSecretCalls).toBe(2);
  });
});

describe('Sandbox: a sweep of the default account (events/policy.yml)', () => {
  const sweepDefaultAccount = async () => {
    const seed = loadAccountSeed();
    const now = new Date(seed.now ?? '');
    const account = sandboxAccount(seed, { now: () => now });
    const inspected = [];
    for (const secret of seed.secrets) {
      const calls = account.secrets.calls.length;
      const inspection = await inspectSecret(listed(secret, seed, now), account.secrets, {
        policy: samplePolicy,
        now,
        runId: 'sandbox-sweep',
      });
      inspected.push({ name: secret.name, inspection, calls: account.secrets.calls.length - calls });
    }
    return { seed, inspected };
  };

  it('judges by the seed’s own now, so ages read the same on any day', async () => {
    // Act
    const { seed } = await sweepDefaultAccount();

    // Assess
    expect(seed.now).toBe('2026-11-25T12:00:00Z');
  });

  it('trips every sweep check at least once, and every finding is valid', async () => {
    // Act
    const { inspected } = await sweepDefaultAccount();

    // Assess
    const findings = inspected.flatMap((i) => i.inspection.findings);
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(SWEEP_RULE_IDS));
    for (const finding of findings) expect(findingSchema().parse(finding)).toEqual(finding);
    expect(findings.every((f) => f.actor.kind === SWEEP_ACTOR.kind)).toBe(true);
  });

  it.each([
    ['prod/search/api-key', ['rotation-missing']],
    ['prod/inventory/db', ['rotation-overdue']],
    ['staging/analytics/etl', ['rotation-overdue']],
    ['prod/notifications/smtp', ['rotation-overdue', 'stale-pending']],
    ['dev/experiments/feature-flags-token', ['unused']],
    ['dev/experiments/never-read', ['unused']],
    ['prod/analytics/warehouse-reader', ['default-kms-key']],
    ['prod/shared/session-signing-key', ['resource-policy-missing']],
    ['staging/payments/sftp-key', ['scheduled-for-deletion']],
  ])('finds exactly what %s was seeded for', async (name, expected) => {
    // Act
    const { inspected } = await sweepDefaultAccount();

    // Assess
    expect(rulesOf(inspected.find((i) => i.name === name)?.inspection.findings ?? [])).toEqual(expected);
  });

  it('has clearly compliant secrets, the exempt one counted apart, and closer looks only where needed', async () => {
    // Act
    const { inspected } = await sweepDefaultAccount();

    // Assess
    const byName = Object.fromEntries(inspected.map((i) => [i.name, i]));
    for (const name of [
      'prod/checkout/stripe-webhook',
      'prod/checkout/tax-api',
      'prod/shared/partner-api-key',
      'rds!db-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    ]) {
      expect(byName[name]?.inspection.findings, name).toEqual([]);
    }
    expect(inspected.filter((i) => i.inspection.exempt).map((i) => i.name)).toEqual(['dev/sandbox/load-test-token']);
    expect(byName['prod/checkout/stripe-webhook']?.calls).toBe(0);
    expect(byName['prod/checkout/tax-api']?.calls).toBe(1); // AWSPENDING of a rotation in progress
    expect(byName['prod/shared/partner-api-key']?.calls).toBe(1); // required resource policy
    expect(inspected.every((i) => i.calls === i.inspection.perSecretCalls && i.calls <= 2)).toBe(true);
  });
});
