/**
 * A storm in the local replay, as `npm start` shows it: the sample policy sends two alerts of a
 * rule per window one by one (digestAfter: 2), so the third rotation failure in
 * 123456789012/us-east-1 is held; flushing the digests at the end of the replay sends it, to the
 * topic (with Chatbot's document) and to the sandbox's Slack.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flushDigests, runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { loadEvent } from '../../shared/replay/load-events.js';
import { routesFor } from '../../shared/rules/routes.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { eventsDir } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const STORM = [
  'rotation-failed/fires.RotationFailed.authored.secret-gone.json',
  'rotation-failed/fires.RotationFailed.authored.set-secret.json',
  'rotation-failed/fires.TestRotationFailed.authored.pending-is-current.json',
];

describe('Replay: a storm and its digest', () => {
  it('sends the first two alerts of a rule one by one and the third in the digest flushed at the end', async () => {
    // Prepare
    const account = defaultSandbox();
    const ports = { ...account, digest: new MemoryDigest() };
    const handlers = localHandlers(ports, { policy: samplePolicy, mode: 'dry-run' });
    const deps = { handlers, bus: account.bus, notifier: account.notifier, routes: routesFor(samplePolicy) };

    // Act
    const chains = [];
    for (const file of STORM) {
      const loaded = loadEvent(join(eventsDir, file));
      if (!loaded.event.ok) throw new Error(loaded.event.problem);
      chains.push(await runChain(loaded.event.value, deps));
    }
    const flush = await flushDigests(deps);

    // Assess
    const alertOutcomes = chains.map((invocations) => invocations.filter((i) => i.target === 'alert').map((i) => (i.output as { status: string }).status));
    expect(alertOutcomes).toEqual([['sent'], ['sent'], ['held']]);
    expect(flush.output).toMatchObject({ status: 'flushed', digests: [{ status: 'sent', rule: 'rotation-failed', count: 1, parts: 1, channels: ['sns', 'slack'] }] });
    expect(flush.alerts).toHaveLength(1);
    expect(flush.alerts[0]?.chatbot).toMatchObject({ version: '1.0', source: 'custom' });
    expect(account.notifier.sent).toHaveLength(3);
    expect(account.chat.sent).toHaveLength(3);
    expect(ports.digest.openWindows).toEqual([]);
  });

  it('flushes nothing when no storm happened', async () => {
    // Prepare
    const account = defaultSandbox();
    const handlers = localHandlers(account, { policy: samplePolicy, mode: 'dry-run' });

    // Act
    const flush = await flushDigests({ handlers, notifier: account.notifier });

    // Assess
    expect(flush).toMatchObject({ target: 'alert-digest', output: { status: 'flushed', digests: [] }, alerts: [] });
  });
});
