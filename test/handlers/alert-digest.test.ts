/**
 * The alert-digest handler after the alert handler held a storm (both real middy chains over one
 * set of in-memory ports, a clock the test moves): every finding reaches on-call exactly once,
 * on its own or in a digest. The digest flush itself: test/alerts/digest-flush.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AlertOutcome } from '../../shared/handlers/alert.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { alertRig, alertSettings, findingEventOf, findingFor, flushAt, sentIds, statusesOf } from '../helpers/alerts.js';

const VALUE_CHANGED = 'value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json';

describe('Handler: alert-digest, after a storm the alert handler held', () => {
  it('sends at most digestAfter of a burst of 1,000 findings one by one and all the others in few digest messages: none lost, none twice', async () => {
    // Prepare: 1,000 findings of one rule within a window, the first 100 delivered twice.
    const rig = alertRig(alertSettings());
    const template = await findingEventOf(VALUE_CHANGED);
    const burst = Array.from({ length: 1000 }, (_, n) => findingFor(template, n));
    const deliveries = [...burst, ...burst.slice(0, 100)];
    const outcomes: AlertOutcome[] = [];

    // Act
    for (const [n, event] of deliveries.entries()) {
      rig.at(new Date(Date.parse('2026-11-25T12:01:00Z') + n * 150).toISOString());
      outcomes.push(await rig.alert(structuredClone(event), localContext('alert')));
    }
    const individual = rig.ports.notifier.sent.length;
    const early = await flushAt(rig, '2026-11-25T12:06:59Z');
    const flushed = await flushAt(rig, '2026-11-25T12:07:00Z');
    const again = await flushAt(rig, '2026-11-25T12:08:00Z');

    // Assess
    expect(statusesOf(outcomes)).toEqual({ sent: 5, held: 995, duplicate: 100 });
    expect(individual).toBe(5);
    expect(early.digests).toEqual([]);
    expect(flushed.digests).toHaveLength(1);
    const [digest] = flushed.digests;
    expect(digest).toMatchObject({ status: 'sent', rule: 'value-changed-by-hand', count: 995, channels: ['sns'] });
    const everyId = [...sentIds(outcomes), ...(digest?.findingIds ?? [])];
    expect(everyId).toHaveLength(1000);
    expect(new Set(everyId)).toEqual(new Set(burst.map((e) => e.detail.id)));
    const digestMessages = rig.ports.notifier.sent.slice(individual);
    expect(digestMessages).toHaveLength(digest?.parts ?? -1);
    // Few: an SNS message holds ~256 KB, so 995 one-line findings fit in a handful.
    expect(digestMessages.length).toBeLessThanOrEqual(5);
    const text = digestMessages.map((m) => m.body).join('\n');
    expect(burst.slice(5).filter((e) => !text.includes(`- ${e.detail.secret.name} (`))).toEqual([]);
    expect(again.digests).toEqual([]);
    expect(rig.ports.notifier.sent).toHaveLength(individual + digestMessages.length);
  });
});
