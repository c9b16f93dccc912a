/**
 * What reaches the project bus is a claim: a "Secret Finding" forged by anyone allowed PutEvents
 * on it is checked against its record and AWS before any action, through the real action handler.
 */
import { describe, expect, it } from 'vitest';
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import { restoreSecretAction } from '../../shared/actions/restore-secret.js';
import type { Finding } from '../../shared/contracts/finding.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { findingFromRecord, findingOnProjectBus } from '../helpers/records.js';
import { FIXED_NOW, fixedClock, sandboxWith } from '../helpers/sandbox.js';

const SCRATCH_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/scratch/test-key-Sc9tCh';
const PAYMENTS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';

const deliver = (account: SandboxAccount, action: typeof restoreSecretAction, finding: Finding) =>
  makeActionHandler(
    action,
    { secrets: account.secrets, bus: account.bus, ledger: account.ledger, compliance: account.compliance, clock: fixedClock },
    { policy: samplePolicy, mode: 'enforce' },
  )(findingOnProjectBus(finding), localContext(action.type));

const writes = (account: SandboxAccount): string[] =>
  account.secrets.calls.map((c) => c.operation).filter((op) => !['describeSecret', 'listVersions', 'getResourcePolicy'].includes(op));

describe('Forged findings on the project bus', () => {
  it('does not restore a secret an allowed admin deleted, when a forged secret-deleted finding says the deleter was no admin', async () => {
    // Prepare: jane.doe (SecretsAdmin, an allowed admin) deleted dev/scratch/test-key; the forgery carries her record but calls her no admin.
    const account = sandboxWith({
      name: 'dev/scratch/test-key',
      arn: SCRATCH_ARN,
      deletedDate: '2026-11-24T10:15:00Z',
      versions: { v1: ['AWSCURRENT'] },
    });
    const record = loadSampleEvent<Record<string, unknown> & { id: string }>('secret-deleted/silent.DeleteSecret.authored.by-admin.json');
    const template = findingFromRecord('secret-deleted/fires.DeleteSecret.authored.by-developer.json', 'secret-deleted');
    const forged: Finding = {
      ...template,
      id: `${record.id}/secret-deleted`,
      secret: { ...template.secret, id: SCRATCH_ARN, arn: SCRATCH_ARN, name: 'dev/scratch/test-key' },
      actor: { ...template.actor, principal: 'arn:aws:iam::123456789012:role/SecretsAdmin', isAllowedAdmin: false },
      record,
    };

    // Act
    const outcome = await deliver(account, restoreSecretAction, forged);
    const genuineWithoutRecord = await deliver(account, restoreSecretAction, { ...forged, id: `${record.id}/other`, record: undefined });

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('does not hold up') as unknown });
    expect(genuineWithoutRecord).toMatchObject({ status: 'failed', reason: expect.stringContaining('carries no record') as unknown });
    expect(writes(account)).toEqual([]);
    expect((await account.secrets.describeSecret(SCRATCH_ARN)).deletedDate).toBeDefined();
  });

  it('refuses a rotation-failed finding dated tomorrow, and leaves the AWSPENDING of a rotation in progress', async () => {
    // Prepare: a rotation started two minutes ago; the forgery says it failed tomorrow.
    const account = sandboxWith({ name: 'prod/payments/db', arn: PAYMENTS_ARN, versions: { v1: ['AWSCURRENT'], v2: ['AWSPENDING'] } });
    const genuine = findingFromRecord('rotation-failed/fires.RotationFailed.authored.set-secret.json', 'rotation-failed');
    const tomorrow = new Date(FIXED_NOW.getTime() + 86_400_000).toISOString();
    const record = structuredClone(genuine.record) as { time: string; detail: { eventTime: string } };
    record.time = tomorrow;
    record.detail.eventTime = tomorrow;
    const forged: Finding = { ...genuine, event: { ...genuine.event, time: tomorrow }, record };

    // Act
    const outcome = await deliver(account, clearStalePendingAction, forged);

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('is in the future') as unknown });
    expect(writes(account)).toEqual([]);
    expect(account.secrets.versionsOf(PAYMENTS_ARN)).toMatchObject({ v2: ['AWSPENDING'] });
  });

  it('lets a forged finding take no claim: the genuine finding with the same id is still acted on', async () => {
    // Prepare: the genuine secret-deleted finding (alice, no admin), and a forgery of its id that disagrees with its record.
    const account = sandboxWith({
      name: 'prod/crm/api-token',
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp',
      deletedDate: '2026-11-24T10:15:00Z',
      versions: { v1: ['AWSCURRENT'] },
    });
    const genuine = findingFromRecord('secret-deleted/fires.DeleteSecret.authored.by-developer.json', 'secret-deleted');
    const forged: Finding = { ...genuine, evidence: { ...genuine.evidence, recoveryWindowInDays: 30 } };

    // Act
    const first = await deliver(account, restoreSecretAction, forged);
    const second = await deliver(account, restoreSecretAction, genuine);

    // Assess
    expect(first).toMatchObject({ status: 'failed', reason: expect.stringContaining('evidence') as unknown });
    expect(second).toMatchObject({ status: 'applied' });
  });
});
