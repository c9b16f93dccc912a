/**
 * Predictable finding ids cannot be pre-claimed. A burst's finding is named after its principal
 * and window, a sweep finding after its day, rule and secret: anyone able to put a "Secret
 * Finding" on the project bus can send one with a genuine id before the genuine finding exists.
 * Through the replay chain (the project bus's rules, the action and alert functions) against the
 * sandbox: the forgery takes no slot of the genuine finding, whose repair and alert still happen.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Finding, FINDING_DETAIL_TYPE } from '../../shared/contracts/finding.js';
import { type Invocation, runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { loadEvent } from '../../shared/replay/load-events.js';
import { routesFor } from '../../shared/rules/routes.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { eventsDir } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { findingOnProjectBus, sweepFindingOn } from '../helpers/records.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const BURST = 'access-denied-burst/fires.AccessDenied.authored.11-calls-by-one-role.json';
const PAYMENTS = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';

const depsOf = (account: SandboxAccount) => ({
  handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce' }),
  bus: account.bus,
  notifier: account.notifier,
  routes: routesFor(samplePolicy),
});

const burstEvents = (): unknown => {
  const loaded = loadEvent(join(eventsDir, BURST));
  if (!loaded.event.ok) throw new Error(loaded.event.problem);
  return loaded.event.value;
};

const publishedFindings = (invocations: Invocation[]): Finding[] =>
  invocations
    .flatMap((i) => i.published)
    .filter((e) => e['detail-type'] === FINDING_DETAIL_TYPE)
    .map((e) => e.detail as Finding);

describe('Replay: forged findings with a genuine id', () => {
  it('still sends the burst alert when a forged access-denied-burst finding with its id reached the alert first', async () => {
    // Prepare: the genuine burst's finding id (access-denied-burst/<principal>/<window>), learnt in another sandbox.
    const [genuine] = publishedFindings(await runChain(burstEvents(), depsOf(defaultSandbox())));
    if (!genuine) throw new Error('the burst sample must raise its finding');
    const forged: Finding = { ...genuine, reason: 'one refused call, nothing to see', evidence: { ...genuine.evidence, deniedCount: 1 } };
    const account = defaultSandbox();

    // Act: the forgery first, then the burst itself.
    await runChain(findingOnProjectBus(forged), depsOf(account), 'project');
    const forgedAlerts = account.notifier.sent.length;
    const invocations = await runChain(burstEvents(), depsOf(account));

    // Assess
    expect(forged.id).toMatch(/^access-denied-burst\/arn:aws:iam::123456789012:role\/.+\/2026-11-24T/);
    expect(forgedAlerts).toBe(1);
    expect(invocations.filter((i) => i.target === 'alert').map((i) => (i.output as { status: string }).status)).toEqual(['sent']);
    expect(account.notifier.sent).toHaveLength(2);
    expect(account.notifier.sent[1]?.subject).toMatch(/^\[MEDIUM\] access-denied-burst: /);
    expect(account.notifier.sent[0]?.body).toContain('1 calls refused within 5 minutes');
    expect(account.notifier.sent[1]?.body).toContain(`${genuine.evidence.deniedCount} calls refused within 5 minutes`);
  });

  it("still makes the sweep's repair, once, and sends its alert when a forged finding with the sweep's id came first", async () => {
    // Prepare: the sweep's stale-pending finding on prod/payments/db (id sweep/<day>/stale-pending/<arn>),
    // and a forgery of its id that claims another version is the stale one.
    const account = defaultSandbox();
    const genuine = await sweepFindingOn(account, PAYMENTS, 'stale-pending');
    const forged: Finding = { ...genuine, reason: 'forged', evidence: { ...genuine.evidence, pendingVersionId: 'not-a-version' } };

    // Act
    const first = await runChain(findingOnProjectBus(forged), depsOf(account), 'project');
    const second = await runChain(findingOnProjectBus(genuine), depsOf(account), 'project');

    // Assess: the repair is the sweep's own (re-derived from the secret, not from the forgery), made
    // once; the genuine finding then finds nothing left to repair, and says so.
    expect(genuine.id).toBe(`sweep/2026-11-25/stale-pending/${PAYMENTS}`);
    expect(account.secrets.calls.filter((c) => c.operation === 'removeStagingLabel')).toHaveLength(1);
    expect(Object.values(account.secrets.versionsOf(PAYMENTS) ?? {}).flat()).not.toContain('AWSPENDING');
    expect(
      [...first, ...second].filter((i) => i.target === 'clear-stale-pending').map((i) => (i.output as { status: string }).status),
    ).toEqual(['applied', 'skipped']);
    // The genuine finding's alert goes out with the repair's result, whatever the forgery's did.
    const genuineAlert = second.filter((i) => i.target === 'alert').map((i) => i.output as { status: string });
    expect(genuineAlert).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(second.flatMap((i) => i.alerts).map((a) => a.subject)).toEqual([
      '[HIGH] stale-pending: prod/payments/db (123456789012/us-east-1)',
    ]);
  });
});
