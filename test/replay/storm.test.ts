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
import type { Policy } from '../../shared/policy/schema.js';
import { eventsDir } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';
import { replayStorm, type StormShape, stormEvents } from '../helpers/storm.js';

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
    const alertOutcomes = chains.map((invocations) =>
      invocations.filter((i) => i.target === 'alert').map((i) => (i.output as { status: string }).status),
    );
    expect(alertOutcomes).toEqual([['sent'], ['sent'], ['held']]);
    expect(flush.output).toMatchObject({
      status: 'flushed',
      digests: [{ status: 'sent', rule: 'rotation-failed', count: 1, parts: 1, channels: ['sns', 'slack'] }],
    });
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

/** The sample policy (every channel on) with `digestAfter` alerts sent one by one per window. */
const policyWith = (digestAfter: number): Policy => ({ ...samplePolicy, alerts: { ...samplePolicy.alerts, digestAfter } });

/** What each storm's digest says its findings share (or how they divide), in the email. */
const LEADS_WITH: Readonly<Record<StormShape, RegExp>> = {
  'one caller, many prefixes':
    /What they share\n {2}Caller: arn:aws:iam::123456789012:user\/alice\n[^]*By name prefix\n {2}20 findings: team-\d+\//,
  'many callers, one prefix':
    /What they share\n(?: {2}.*\n)* {2}Name prefix: prod\/payments\/\n[^]*By caller\n {2}25 findings: arn:aws:iam::123456789012:user\/user-\d+\n/,
  'rotation-failed, one rotation function':
    /What they share\n(?: {2}.*\n)* {2}Name prefix: prod\/payments\/\n {2}Rotation function: arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation\n/,
};

describe('Replay: a storm of 1,000 findings of one rule', () => {
  it.each([
    ['one caller, many prefixes', 5],
    ['many callers, one prefix', 5],
    ['rotation-failed, one rotation function', 5],
    ['one caller, many prefixes', 2],
  ] as const)(
    'sends at most 10 messages a channel (%s, digestAfter %i), the first alerts included, loses no finding, and leads with the common cause',
    async (shape: StormShape, digestAfter) => {
      // Prepare
      const { events, seeds } = stormEvents(shape);

      // Act
      const storm = await replayStorm(events, seeds, policyWith(digestAfter));

      // Assess: what the summary counts is what each channel was sent.
      expect(storm.findings).toHaveLength(1000);
      expect(storm.summary).toMatchObject({ events: 1000, findings: 1000, alerts: digestAfter, rejected: 0 });
      expect(storm.summary.messages).toEqual({
        sns: storm.email.length,
        chatbot: storm.email.filter((m) => m.chatbot).length,
        slack: storm.slack.length,
      });
      expect(storm.summary.messages.slack).toBe(digestAfter + 1);
      for (const [channel, count] of Object.entries(storm.summary.messages)) expect(count, channel).toBeLessThanOrEqual(10);
      // Every finding is in the email: its id and its secret, whether it went alone or in the digest.
      const email = storm.email.map((m) => m.body).join('\n');
      expect(storm.findings.filter((f) => !email.includes(`finding ${f.id}`))).toEqual([]);
      expect(storm.findings.filter((f) => !email.includes(f.secret.name ?? f.secret.id))).toEqual([]);
      // The digest says first what the storm shares.
      expect(storm.email.find((m) => m.attributes.secret === 'digest')?.body).toMatch(LEADS_WITH[shape]);
    },
  );
});
