/**
 * The remediation use case on the sandbox account, with the clear-stale-pending action: look,
 * guard, plan, act, verify, report honestly — and act once per finding.
 */
import { describe, expect, it } from 'vitest';
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import type { CloudTrailRecord } from '../../shared/contracts/cloudtrail-event.js';
import type { Finding, Mode } from '../../shared/contracts/finding.js';
import { remediate } from '../../shared/actions/runner.js';
import { InvalidSecretStateError, PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
import type { SecretsPort } from '../../shared/ports/secrets.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { samplePolicy } from '../helpers/policy.js';
import { findingFromRecord } from '../helpers/records.js';
import { remediationContext } from '../helpers/remediation.js';
import { defaultSandbox, fixedClock, sandboxWith } from '../helpers/sandbox.js';

const PAYMENTS = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
const STALE = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003';

const ROTATION_FAILED = 'rotation-failed/fires.RotationFailed.authored.set-secret.json';

/** rotation-failed on prod/payments/db, with the caller `userIdentity` in its record when given. */
const paymentsFinding = (userIdentity?: CloudTrailRecord['userIdentity']): Finding =>
  findingFromRecord(ROTATION_FAILED, 'rotation-failed', (record) => (userIdentity ? { ...record, userIdentity } : record));

const contextFor = remediationContext;

const resultOf = async (account: SandboxAccount, mode: Mode, finding = paymentsFinding()) => {
  const outcome = await remediate(clearStalePendingAction, finding, contextFor(account, mode));
  if (outcome.kind !== 'result') throw new Error('expected a result');
  return outcome.result;
};

const writes = (account: SandboxAccount) =>
  account.secrets.calls.filter((c) => !['describeSecret', 'listVersions', 'getResourcePolicy'].includes(c.operation));

describe('Use case: remediate (clear-stale-pending)', () => {
  it('in enforce mode re-reads, removes AWSPENDING, verifies, and reports before and after', async () => {
    // Prepare
    const account = defaultSandbox();
    const before = account.secrets.versionsOf(PAYMENTS);

    // Act
    const result = await resultOf(account, 'enforce');

    // Assess
    expect(before?.[STALE]).toEqual(['AWSPENDING']);
    expect(account.secrets.versionsOf(PAYMENTS)).toEqual({
      '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0001': ['AWSCURRENT'],
      '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002': ['AWSPREVIOUS'],
    });
    expect(result).toMatchObject({
      type: 'clear-stale-pending',
      outcome: 'applied',
      mode: 'enforce',
      versionId: STALE,
      before,
      after: account.secrets.versionsOf(PAYMENTS),
    });
    expect(account.secrets.calls.map((c) => c.operation)).toEqual([
      'describeSecret',
      'listVersions',
      'removeStagingLabel',
      'describeSecret',
      'listVersions',
    ]);
  });

  it('in dry-run mode plans the same change and writes nothing', async () => {
    const account = defaultSandbox();
    const before = account.secrets.snapshot();

    const result = await resultOf(account, 'dry-run');

    expect(result).toMatchObject({
      outcome: 'planned',
      mode: 'dry-run',
      versionId: STALE,
      reason: expect.stringMatching(/^dry run: would remove AWSPENDING from version/),
    });
    expect(result.after).not.toHaveProperty(STALE);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(writes(account)).toEqual([]);
  });

  it('skips a secret that no longer exists', async () => {
    // Prepare: the secret the rotation failed on has been deleted for good since.
    const account = sandboxWith({ name: 'prod/other/db', versions: { a: ['AWSCURRENT'] } });

    // Act
    const result = await resultOf(account, 'enforce');

    // Assess
    expect(result).toEqual({
      type: 'clear-stale-pending',
      mode: 'enforce',
      account: '123456789012',
      region: 'us-east-1',
      outcome: 'skipped',
      reason: 'the secret no longer exists',
    });
    expect(writes(account)).toEqual([]);
  });

  it('blocks a secret that carries the exemption tag, and says what it would have done', async () => {
    const account = sandboxWith({
      name: 'prod/payments/db',
      arn: PAYMENTS,
      tags: { 'remediation:exempt': 'incident-4411' },
      versions: { a: ['AWSCURRENT'], [STALE]: ['AWSPENDING'] },
    });

    const result = await resultOf(account, 'enforce');

    expect(result).toMatchObject({
      outcome: 'blocked',
      reason: expect.stringMatching(/^exempt: the secret carries the tag remediation:exempt \(it would remove AWSPENDING/),
    });
    expect(writes(account)).toEqual([]);
  });

  it('blocks a change an allowed admin caused', async () => {
    // Prepare: the record names a session of the SecretsAdmin role, which the policy allows.
    const account = defaultSandbox();
    const finding = paymentsFinding({
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLESECADMIN:alice',
      arn: 'arn:aws:sts::123456789012:assumed-role/SecretsAdmin/alice',
      accountId: '123456789012',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLESECADMIN',
          arn: 'arn:aws:iam::123456789012:role/SecretsAdmin',
          accountId: '123456789012',
          userName: 'SecretsAdmin',
        },
      },
    });

    // Act
    const result = await resultOf(account, 'enforce', finding);

    // Assess
    expect(finding.actor).toMatchObject({ principal: 'arn:aws:iam::123456789012:role/SecretsAdmin', isAllowedAdmin: true });
    expect(result).toMatchObject({ outcome: 'blocked', reason: expect.stringContaining('is an allowed admin') });
    expect(writes(account)).toEqual([]);
  });

  it('acts on a change by a caller CloudTrail gives no known type, even with the ARN of an allowed admin', async () => {
    // Prepare: nothing vouches for an identity of unknown type, so no allowed-admin glob excuses it.
    const account = defaultSandbox();
    const finding = paymentsFinding({ type: 'Unknown', arn: 'arn:aws:iam::123456789012:role/SecretsAdmin' });

    // Act
    const result = await resultOf(account, 'enforce', finding);

    // Assess
    expect(finding.actor).toMatchObject({ kind: 'unknown', isAllowedAdmin: false });
    expect(result).toMatchObject({ outcome: 'applied' });
    expect(writes(account).map((c) => c.operation)).toEqual(['removeStagingLabel']);
  });

  it('blocks once the write limit per secret and hour is reached, saying what it would have done', async () => {
    // Prepare: another finding already took this hour's one write to the secret.
    const account = defaultSandbox();
    const policy = { ...samplePolicy, limits: { ...samplePolicy.limits, writesPerSecretPerHour: 1 } };
    const hourEnd = new Date(Math.floor(fixedClock.now().getTime() / 3_600_000) * 3_600_000 + 3_600_000);
    expect(await account.ledger.takeWrite(`secret#${PAYMENTS}`, 1, hourEnd)).toBe(true);

    // Act
    const outcome = await remediate(clearStalePendingAction, paymentsFinding(), contextFor(account, 'enforce', policy));

    // Assess
    expect(outcome).toMatchObject({
      kind: 'result',
      result: {
        outcome: 'blocked',
        reason: expect.stringMatching(/^write limit reached: 1 writes to this secret this hour.*\(it would remove AWSPENDING/),
      },
    });
    expect(writes(account)).toEqual([]);
  });

  it('gives a throttled write its slot back, so the retry acts even at a limit of one write an hour', async () => {
    const account = defaultSandbox();
    const policy = { ...samplePolicy, limits: { ...samplePolicy.limits, writesPerSecretPerHour: 1 } };
    account.secrets.failNext('removeStagingLabel', new TransientAwsError('UpdateSecretVersionStage: ThrottlingException: rate exceeded'));

    await expect(remediate(clearStalePendingAction, paymentsFinding(), contextFor(account, 'enforce', policy))).rejects.toThrow(
      TransientAwsError,
    );
    const retry = await remediate(clearStalePendingAction, paymentsFinding(), contextFor(account, 'enforce', policy));

    expect(retry).toMatchObject({ kind: 'result', result: { outcome: 'applied' } });
  });

  it('reports failed, not applied, when the write is denied, and nothing changes', async () => {
    const account = defaultSandbox();
    account.secrets.failNext(
      'removeStagingLabel',
      new PermissionDeniedError('UpdateSecretVersionStage: AccessDeniedException: not allowed'),
    );
    const before = account.secrets.snapshot();

    const result = await resultOf(account, 'enforce');

    expect(result).toMatchObject({ outcome: 'failed', versionId: STALE, reason: expect.stringContaining('access denied') });
    expect(result.after).toEqual(result.before);
    expect(account.secrets.snapshot()).toEqual(before);
  });

  it('reports failed when AWS refuses the write itself (the state changed, or the change is not allowed)', async () => {
    const account = defaultSandbox();
    account.secrets.failNext(
      'removeStagingLabel',
      new InvalidSecretStateError('UpdateSecretVersionStage: InvalidRequestException: marked for deletion'),
    );

    const result = await resultOf(account, 'enforce');

    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'AWS refused the change: UpdateSecretVersionStage: InvalidRequestException: marked for deletion',
    });
  });

  it('releases the claim when something unexpected escapes, so the retry acts', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('removeStagingLabel', new Error('socket hang up') as never);

    await expect(resultOf(account, 'enforce')).rejects.toThrow('socket hang up');
    const retry = await resultOf(account, 'enforce');

    expect(retry.outcome).toBe('applied');
  });

  it('lets throttling escape, leaving the secret as it was and the finding unclaimed, so the retry acts', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('removeStagingLabel', new TransientAwsError('UpdateSecretVersionStage: ThrottlingException: rate exceeded'));

    await expect(resultOf(account, 'enforce')).rejects.toThrow(TransientAwsError);
    expect(account.secrets.versionsOf(PAYMENTS)?.[STALE]).toEqual(['AWSPENDING']);
    const retry = await resultOf(account, 'enforce');
    expect(retry.outcome).toBe('applied');
  });

  it('acts once per finding: a redelivery is a duplicate that carries the first result', async () => {
    const account = defaultSandbox();
    const first = await resultOf(account, 'enforce');

    const again = await remediate(clearStalePendingAction, paymentsFinding(), contextFor(account, 'enforce'));

    expect(again).toEqual({ kind: 'duplicate', result: first });
    expect(account.secrets.calls.filter((c) => c.operation === 'removeStagingLabel')).toHaveLength(1);
  });

  it('still reports applied when only the verifying re-read fails', async () => {
    const account = defaultSandbox();
    const secrets = account.secrets;
    let reads = 0;
    const flaky: SecretsPort = {
      describeSecret: async (id) => {
        reads += 1;
        if (reads === 2) throw new TransientAwsError('DescribeSecret: ThrottlingException');
        return secrets.describeSecret(id);
      },
      removeStagingLabel: (request) => secrets.removeStagingLabel(request),
      listVersions: (id) => secrets.listVersions(id),
      enableRotation: (settings) => secrets.enableRotation(settings),
      restoreSecret: (id) => secrets.restoreSecret(id),
      getResourcePolicy: (id) => secrets.getResourcePolicy(id),
      putResourcePolicy: (request) => secrets.putResourcePolicy(request),
      listSecrets: (request) => secrets.listSecrets(request),
      deleteResourcePolicy: (id) => secrets.deleteResourcePolicy(id),
    };

    const outcome = await remediate(clearStalePendingAction, paymentsFinding(), { ...contextFor(account, 'enforce'), secrets: flaky });

    expect(outcome).toMatchObject({
      kind: 'result',
      result: { outcome: 'applied', reason: expect.stringContaining('not verified: TransientAwsError') },
    });
    expect(secrets.versionsOf(PAYMENTS)).not.toHaveProperty(STALE);
  });
});
