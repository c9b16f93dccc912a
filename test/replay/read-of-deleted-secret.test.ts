/**
 * A read of a secret scheduled for deletion must not undo an allowed admin's deliberate deletion.
 * Through the replay chain as AWS would run it (classify, restore-secret, alert) against the
 * sandbox account, whose CloudTrail event history holds the DeleteSecret calls of its deleted
 * secrets: who deleted the secret is asked of that history at action time, never of the finding.
 */
import { describe, expect, it, vi } from 'vitest';
import { type Invocation, runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { routesFor } from '../../shared/rules/routes.js';
import { MemoryCloudTrailHistory } from '../../shared/sandbox/memory-cloudtrail-history.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const SCRATCH = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/scratch/test-key-Sc9tCh';
const STRIPE = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/billing/stripe-key-St4rPk';
const CRM = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const READER = 'arn:aws:iam::123456789012:role/crm-sync-task-role';
const ADMIN = 'arn:aws:iam::123456789012:role/SecretsAdmin';

interface Read {
  detail: { requestParameters: { secretId: string } };
}

/** The sample read refused because the secret is marked for deletion, of `secretId`, by crm-sync-task-role. */
const readOf = (secretId: string): Read => {
  const read = loadSampleEvent<Read>('deleted-secret-in-use/fires.GetSecretValue.authored.marked-for-deletion.json');
  return { ...read, detail: { ...read.detail, requestParameters: { secretId } } };
};

const replay = async (account: SandboxAccount, event: unknown): Promise<Invocation[]> =>
  runChain(event, {
    handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce' }),
    bus: account.bus,
    notifier: account.notifier,
    routes: routesFor(samplePolicy),
  });

const restoreResult = (invocations: Invocation[]) =>
  invocations.find((i) => i.target === 'restore-secret')?.output as { status: string; reason: string } | undefined;
const restored = (account: SandboxAccount): string[] =>
  account.secrets.calls.filter((c) => c.operation === 'restoreSecret').map((c) => c.secretId);

describe('Replay: a read of a secret scheduled for deletion', () => {
  it("leaves an allowed admin's deletion alone and alerts, high, naming the reader and the admin", async () => {
    // Prepare: jane.doe (role SecretsAdmin, an allowed admin) deleted dev/scratch/test-key; CloudTrail's history shows it.
    const account = defaultSandbox();

    // Act
    const invocations = await replay(account, readOf('dev/scratch/test-key'));

    // Assess
    expect(restored(account)).toEqual([]);
    expect(restoreResult(invocations)).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('left the deletion alone') as unknown,
    });
    expect(account.secrets.snapshot()['dev/scratch/test-key']).toMatchObject({ deleted: true });
    expect(account.notifier.sent).toHaveLength(1);
    const [alert] = account.notifier.sent;
    expect(alert?.subject).toBe('[HIGH] deleted-secret-in-use: dev/scratch/test-key (123456789012/us-east-1)');
    expect(alert?.body).toContain(
      `left the deletion alone: ${ADMIN} (assumed-role), an allowed admin, deleted it at 2026-11-24T10:15:00Z, and ${READER} still reads it`,
    );
    // Asked of CloudTrail, at action time: the DeleteSecret calls of the minutes up to the deletion date.
    expect(account.history.requests).toEqual([
      {
        lookupAttribute: { key: 'EventName', value: 'DeleteSecret' },
        startTime: new Date('2026-11-24T10:10:00Z'),
        endTime: new Date('2026-11-24T10:15:00.999Z'),
      },
    ]);
  });

  it('restores a secret deleted by someone who is not an allowed admin, naming the deleter and the reader', async () => {
    // Prepare: alice (an IAM user, no admin) deleted prod/crm/api-token.
    const account = defaultSandbox();

    // Act
    const invocations = await replay(account, readOf('prod/crm/api-token'));

    // Assess
    expect(restored(account)).toEqual([CRM]);
    expect(restoreResult(invocations)).toMatchObject({
      status: 'applied',
      reason: `restore prod/crm/api-token: marked for deletion 2026-11-24T10:15:00.000Z by arn:aws:iam::123456789012:user/alice (iam-user, not an allowed admin) at 2026-11-24T10:15:00Z, and still read by ${READER}`,
    });
  });

  it('restores a protected secret even when an allowed admin deleted it, without asking CloudTrail', async () => {
    // Prepare: prod/billing/stripe-key carries remediation:protected; SecretsAdmin deleted it.
    const account = defaultSandbox();

    // Act
    const invocations = await replay(account, readOf(STRIPE));

    // Assess
    expect(restored(account)).toEqual([STRIPE]);
    expect(restoreResult(invocations)).toMatchObject({
      status: 'applied',
      reason: expect.stringContaining('it carries the protected tag remediation:protected') as unknown,
    });
    expect(account.history.requests).toEqual([]);
  });

  it('leaves the deletion alone when CloudTrail cannot be read, and says how to restore it by hand', async () => {
    // Prepare: LookupEvents fails (throttled past the SDK's retries, or not allowed).
    const account = defaultSandbox();
    vi.spyOn(account.history, 'lookupEvents').mockRejectedValue(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const invocations = await replay(account, readOf('prod/crm/api-token'));

    // Assess
    expect(restored(account)).toEqual([]);
    expect(restoreResult(invocations)).toMatchObject({
      status: 'skipped',
      reason:
        "left the deletion alone: could not tell who deleted it (CloudTrail's event history could not be read (LookupEvents: ThrottlingException)); " +
        `${READER} still reads it. Restore by hand with \`aws secretsmanager restore-secret --secret-id ${CRM} --region us-east-1\` if the deletion was not intended`,
    });
    expect(account.notifier.sent.map((m) => m.subject)).toEqual([
      '[HIGH] deleted-secret-in-use: prod/crm/api-token (123456789012/us-east-1)',
    ]);
    expect(account.notifier.sent[0]?.body).toContain(READER);
  });

  it('leaves the deletion alone when CloudTrail shows no DeleteSecret of it yet (its history lags)', async () => {
    // Prepare: an account whose history holds no record of the deletion.
    const seeded = defaultSandbox();
    const account: SandboxAccount = { ...seeded, history: new MemoryCloudTrailHistory([]) };

    // Act
    const invocations = await replay(account, readOf(SCRATCH));

    // Assess
    expect(restored(account)).toEqual([]);
    expect(restoreResult(invocations)?.reason).toMatch(
      /^left the deletion alone: could not tell who deleted it \(CloudTrail's event history shows no DeleteSecret of it between 2026-11-24T10:10:00.000Z to 2026-11-24T10:15:00.999Z \(CloudTrail can take minutes to show a call\)\)/,
    );
  });
});
