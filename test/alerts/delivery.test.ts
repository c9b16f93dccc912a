/** Delivering an alert once per channel, through the ledger's claim protocol, on the sandbox. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Channels, deliverOnce } from '../../shared/alerts/delivery.js';
import type { AlertRenderings } from '../../shared/alerts/render.js';
import { ConfigError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import { fixedClock, FIXED_NOW } from '../helpers/sandbox.js';

const renderings = {
  sns: { subject: 'Secret finding', text: 'a finding', attributes: {} },
  slack: { text: 'a finding', blocks: [] },
} as unknown as AlertRenderings;

const snsOnly: Channels = { sns: true, chatbot: false, slack: false };
const keepUntil = new Date(FIXED_NOW.getTime() + 3_600_000);

afterEach(() => vi.restoreAllMocks());

describe('Function: deliverOnce', () => {
  it('publishes once per key: a redelivery delivers on no channel', async () => {
    const notifier = new RecordingNotifier();
    const ports = { notifier, ledger: new MemoryLedger(fixedClock.now), clock: fixedClock };

    const first = await deliverOnce(ports, 'alert#f-1', renderings, snsOnly, keepUntil, () => 30_000);
    const again = await deliverOnce(ports, 'alert#f-1', renderings, snsOnly, keepUntil, () => 30_000);

    expect(first).toEqual(['sns']);
    expect(again).toEqual([]);
    expect(notifier.sent).toHaveLength(1);
  });

  it('answers the channel as delivered when only recording the delivery failed, so the invocation is not retried into a second publish', async () => {
    const notifier = new RecordingNotifier();
    const ledger = new MemoryLedger(fixedClock.now);
    vi.spyOn(ledger, 'complete').mockRejectedValue(new Error('DynamoDB unavailable'));
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const delivered = await deliverOnce({ notifier, ledger, clock: fixedClock }, 'alert#f-1', renderings, snsOnly, keepUntil, () => 30_000);

    expect(delivered).toEqual(['sns']);
    expect(notifier.sent).toHaveLength(1);
    expect(errors).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ key: 'alert#f-1#sns', ledgerFailure: 'complete' }));
  });

  it('refuses Slack without a chat port as a configuration fault, sending nothing', async () => {
    const notifier = new RecordingNotifier();
    const ports = { notifier, ledger: new MemoryLedger(fixedClock.now), clock: fixedClock };

    const attempt = deliverOnce(ports, 'alert#f-1', renderings, { sns: true, chatbot: false, slack: true }, keepUntil, () => 30_000);

    await expect(attempt).rejects.toThrow(ConfigError);
    expect(notifier.sent).toEqual([]);
  });
});
