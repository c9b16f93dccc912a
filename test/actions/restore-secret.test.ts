/** restore-secret through the real runner on the sandbox account: restore only what can and should be restored. */
import { describe, expect, it, vi } from 'vitest';
import { restoreSecretAction } from '../../shared/actions/restore-secret.js';
import type { ActionResult, Finding, Mode } from '../../shared/contracts/finding.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { findingFromRecord } from '../helpers/records.js';
import { sandboxWith, sandboxWithHistory } from '../helpers/sandbox.js';
import { loadSampleEvent } from '../helpers/events.js';
import { actionResult } from '../helpers/remediation.js';

const CRM_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const STRIPE_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/billing/stripe-key-St4rPk';
const DELETED_AT = '2026-11-24T10:15:00Z';

const DELETED_BY_DEVELOPER = 'secret-deleted/fires.DeleteSecret.authored.by-developer.json';

/** secret-deleted: alice (an IAM user, not an allowed admin) deleted prod/crm/api-token with a 7-day window. */
const deletedFinding = (): Finding => findingFromRecord(DELETED_BY_DEVELOPER, 'secret-deleted');

const crmToken = (extra: Partial<SecretSeed> = {}): SecretSeed => ({
  name: 'prod/crm/api-token',
  arn: CRM_ARN,
  deletedDate: DELETED_AT,
  versions: { 'v-current': ['AWSCURRENT'] },
  ...extra,
});

const run = (account: SandboxAccount, finding: Finding, mode: Mode): Promise<ActionResult> =>
  actionResult(restoreSecretAction, account, finding, mode);

const operations = (account: SandboxAccount): string[] => account.secrets.calls.map((c) => c.operation);

describe('Action: restore-secret', () => {
  it('needs exactly RestoreSecret and LookupEvents (who deleted a secret still read), and no Config rule covers it', () => {
    // Prepare
    const { type, permissions, configRule } = restoreSecretAction;

    // Act
    const declared = { type, permissions, configRule };

    // Assess
    expect(declared).toEqual({
      type: 'restore-secret',
      permissions: ['secretsmanager:RestoreSecret', 'cloudtrail:LookupEvents'],
      configRule: undefined,
    });
  });

  it('in enforce mode restores the secret, says when and by whom it was deleted, and verifies it', async () => {
    // Prepare
    const account = sandboxWith(crmToken());

    // Act
    const result = await run(account, deletedFinding(), 'enforce');
    const calls = operations(account);

    // Assess
    expect(result).toMatchObject({
      type: 'restore-secret',
      mode: 'enforce',
      outcome: 'applied',
      reason:
        'restore prod/crm/api-token: marked for deletion 2026-11-24T10:15:00.000Z by arn:aws:iam::123456789012:user/alice ' +
        '(to be deleted for good on Dec 1, 2026, 10:15:00 AM; recovery window: 7 days)',
    });
    expect(calls).toEqual(['describeSecret', 'restoreSecret', 'describeSecret']);
    expect(await account.secrets.describeSecret(CRM_ARN)).not.toHaveProperty('deletedDate');
    expect(account.compliance.reevaluated).toEqual([]);
  });

  it('in dry-run mode says what it would restore and writes nothing', async () => {
    // Prepare
    const account = sandboxWith(crmToken());

    // Act
    const result = await run(account, deletedFinding(), 'dry-run');

    // Assess
    expect(result).toMatchObject({
      mode: 'dry-run',
      outcome: 'planned',
      reason: expect.stringMatching(
        /^dry run: would restore prod\/crm\/api-token: marked for deletion 2026-11-24T10:15:00.000Z by arn:aws:iam::123456789012:user\/alice \(/,
      ),
    });
    expect(operations(account)).toEqual(['describeSecret']);
    expect(account.secrets.snapshot()['prod/crm/api-token']).toMatchObject({ deleted: true });
  });

  it('restores a secret that is still read while scheduled for deletion by someone who is no allowed admin, naming the deleter and the reader', async () => {
    // Prepare: CloudTrail's event history shows alice's DeleteSecret.
    const account = sandboxWithHistory([loadSampleEvent<{ detail: Record<string, unknown> }>(DELETED_BY_DEVELOPER).detail], crmToken());
    const finding = findingFromRecord(
      'deleted-secret-in-use/fires.GetSecretValue.authored.marked-for-deletion.json',
      'deleted-secret-in-use',
    );

    // Act
    const result = await run(account, finding, 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      reason:
        'restore prod/crm/api-token: marked for deletion 2026-11-24T10:15:00.000Z by arn:aws:iam::123456789012:user/alice (iam-user, not an allowed admin) ' +
        'at 2026-11-24T10:15:00Z, and still read by arn:aws:iam::123456789012:role/crm-sync-task-role',
    });
    expect(account.secrets.snapshot()['prod/crm/api-token']).toMatchObject({ deleted: false });
  });

  it('restores a protected secret even when an allowed admin deleted it', async () => {
    // Prepare
    const tags = { 'remediation:protected': 'true' };
    const account = sandboxWith({
      name: 'prod/billing/stripe-key',
      arn: STRIPE_ARN,
      deletedDate: DELETED_AT,
      tags,
      versions: { v1: ['AWSCURRENT'] },
    });
    const state = await account.secrets.describeSecret(STRIPE_ARN);
    const finding = findingFromRecord(
      'secret-deleted/fires.DeleteSecret.authored.protected-by-admin.json',
      'secret-deleted',
      undefined,
      state,
    );

    // Act
    const result = await run(account, finding, 'enforce');

    // Assess
    expect(finding.actor.isAllowedAdmin).toBe(true);
    expect(result).toMatchObject({ outcome: 'applied', reason: expect.stringContaining('by arn:aws:iam::123456789012:role/SecretsAdmin') });
    expect(account.secrets.snapshot()['prod/billing/stripe-key']).toMatchObject({ deleted: false });
  });

  it('refuses a secret deleted without recovery', async () => {
    // Prepare: alice deleted it with forceDeleteWithoutRecovery (which takes no recovery window),
    // and DescribeSecret still shows it while AWS finishes the deletion. That record raises
    // secret-force-deleted, never secret-deleted.
    const account = sandboxWith(crmToken());
    const forced = findingFromRecord(DELETED_BY_DEVELOPER, 'secret-force-deleted', (record) => ({
      ...record,
      requestParameters: { secretId: 'prod/crm/api-token', forceDeleteWithoutRecovery: true },
    }));

    // Act
    const result = await run(account, forced, 'enforce');

    // Assess
    expect(forced.evidence).toMatchObject({ forceDeleteWithoutRecovery: true });
    expect(result).toMatchObject({ outcome: 'blocked', reason: 'deleted without recovery: it cannot be restored' });
    expect(operations(account)).toEqual(['describeSecret']);
  });

  it('leaves a secret that is no longer scheduled for deletion', async () => {
    // Prepare
    const account = sandboxWith(crmToken({ deletedDate: undefined }));

    // Act
    const result = await run(account, deletedFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'not scheduled for deletion any more' });
    expect(operations(account)).toEqual(['describeSecret']);
  });

  it('reports failed when AWS accepts RestoreSecret but DescribeSecret still shows the deletion', async () => {
    // Prepare
    const account = sandboxWith(crmToken());
    vi.spyOn(account.secrets, 'restoreSecret').mockResolvedValue(undefined);

    // Act
    const result = await run(account, deletedFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      reason:
        'applied, but not verified: RestoreSecret succeeded, but DescribeSecret still shows it scheduled for deletion (2026-11-24T10:15:00.000Z)',
    });
  });
});
