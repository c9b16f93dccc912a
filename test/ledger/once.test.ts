/**
 * The one claim protocol: claim, work, release on throw, record the value — on the sandbox's
 * in-memory ledger (the same contract as the DynamoDB adapter), with a clock the test moves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REMEMBER_MS } from '../../shared/ledger/keys.js';
import { inProgressUntil, once } from '../../shared/ledger/once.js';
import { logger } from '../../shared/logger.js';
import type { LedgerPort } from '../../shared/ports/ledger.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';

const START = new Date('2026-11-25T12:00:00Z');

const rig = () => {
  let now = START;
  const clock = { now: () => now };
  const ledger = new MemoryLedger(() => now);
  return { clock, ledger, ports: { ledger, clock }, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
};

/** A ledger whose `operation` fails, and that records what it was asked. */
const failing = (inner: LedgerPort, operation: 'complete' | 'release'): LedgerPort & { calls: string[] } => {
  const calls: string[] = [];
  return {
    calls,
    claim: async (key, until) => (calls.push(`claim ${key} until ${until.toISOString()}`), inner.claim(key, until)),
    complete: async (key, outcome, until) => {
      calls.push(`complete ${key}`);
      if (operation === 'complete') throw new Error('DynamoDB unavailable');
      return inner.complete(key, outcome, until);
    },
    release: async (key) => {
      calls.push(`release ${key}`);
      if (operation === 'release') throw new Error('DynamoDB unavailable');
      return inner.release(key);
    },
    takeWrite: (scope, limit, until) => inner.takeWrite(scope, limit, until),
    returnWrite: (scope, until) => inner.returnWrite(scope, until),
    count: (scope, until) => inner.count(scope, until),
    counted: (scope, until) => inner.counted(scope, until),
  };
};

afterEach(() => vi.restoreAllMocks());

describe('Function: once', () => {
  it('does the work when the claim is free and answers its value', async () => {
    const { ports } = rig();
    const work = vi.fn(() => Promise.resolve({ sent: 1 }));

    const outcome = await once(ports, 'alert#f-1', work, { remainingMs: 30_000 });

    expect(outcome).toEqual({ kind: 'done', value: { sent: 1 } });
    expect(work).toHaveBeenCalledOnce();
  });

  it('answers the recorded value to a later delivery, without working again', async () => {
    const { ports, advance } = rig();
    await once(ports, 'alert#f-1', () => Promise.resolve({ sent: 1 }), { remainingMs: 30_000 });
    advance(REMEMBER_MS - 1000);
    const work = vi.fn(() => Promise.resolve({ sent: 2 }));

    const outcome = await once(ports, 'alert#f-1', work, { remainingMs: 30_000 });

    expect(outcome).toEqual({ kind: 'done-before', value: { sent: 1 } });
    expect(work).not.toHaveBeenCalled();
  });

  it('forgets a recorded value after 48 hours, so the key may be used again', async () => {
    const { ports, advance } = rig();
    await once(ports, 'k', () => Promise.resolve(1), { remainingMs: 30_000 });
    advance(REMEMBER_MS + 1000);

    expect(await once(ports, 'k', () => Promise.resolve(2), { remainingMs: 30_000 })).toEqual({ kind: 'done', value: 2 });
  });

  it('answers in-progress to a delivery that arrives while another works, and does not work', async () => {
    const { ports } = rig();
    let finish: (value: string) => void = () => undefined;
    const first = once(ports, 'k', () => new Promise<string>((resolve) => (finish = resolve)), { remainingMs: 30_000 });
    const work = vi.fn(() => Promise.resolve('second'));

    const second = await once(ports, 'k', work, { remainingMs: 30_000 });
    finish('first');

    expect(second).toEqual({ kind: 'in-progress' });
    expect(work).not.toHaveBeenCalled();
    expect(await first).toEqual({ kind: 'done', value: 'first' });
  });

  it('holds the claim exactly as long as the invocation may still run, rounded up to the second', async () => {
    const { clock, ledger } = rig();
    const recording = failing(ledger, 'complete');
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    await once({ ledger: recording, clock }, 'k', () => Promise.resolve('v'), { remainingMs: 29_400 });

    expect(recording.calls[0]).toBe('claim k until 2026-11-25T12:00:30.000Z');
    expect(inProgressUntil(START, 900_000)).toEqual(new Date('2026-11-25T12:15:00Z'));
  });

  it('lets a retry act once the invocation that died holding the claim is over', async () => {
    const { ports, advance } = rig();
    let abandoned = false;
    // The first delivery never finishes: its invocation is stopped at its timeout.
    void once(ports, 'k', () => new Promise<string>(() => (abandoned = true)), { remainingMs: 30_000 });
    advance(29_000);
    const during = await once(ports, 'k', () => Promise.resolve('retry'), { remainingMs: 30_000 });
    advance(2_000);

    const after = await once(ports, 'k', () => Promise.resolve('retry'), { remainingMs: 30_000 });

    expect(abandoned).toBe(true);
    expect(during).toEqual({ kind: 'in-progress' });
    expect(after).toEqual({ kind: 'done', value: 'retry' });
  });

  it('releases the claim when the work throws, rethrows the error, and lets the next delivery act', async () => {
    const { ports } = rig();
    const failure = new Error('SNS unavailable');

    await expect(once(ports, 'k', () => Promise.reject(failure), { remainingMs: 30_000 })).rejects.toBe(failure);
    const retry = await once(ports, 'k', () => Promise.resolve('sent'), { remainingMs: 30_000 });

    expect(retry).toEqual({ kind: 'done', value: 'sent' });
  });

  it("rethrows the work's own error when the release fails too, and logs the release failure for a metric", async () => {
    const { clock, ledger } = rig();
    const recording = failing(ledger, 'release');
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const failure = new Error('Slack refused the message');

    await expect(once({ ledger: recording, clock }, 'k', () => Promise.reject(failure), { remainingMs: 30_000 })).rejects.toBe(failure);

    expect(recording.calls).toEqual(['claim k until 2026-11-25T12:00:30.000Z', 'release k']);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('claim not released'),
      expect.objectContaining({ key: 'k', ledgerFailure: 'release' }),
    );
  });

  it('answers the value when recording it fails, logs the failure for a metric, and does not rethrow (a retry would act twice)', async () => {
    const { clock, ledger } = rig();
    const recording = failing(ledger, 'complete');
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const work = vi.fn(() => Promise.resolve('published'));

    const outcome = await once({ ledger: recording, clock }, 'k', work, { remainingMs: 30_000 });

    expect(outcome).toEqual({ kind: 'done', value: 'published' });
    expect(work).toHaveBeenCalledOnce();
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('outcome not recorded'),
      expect.objectContaining({ key: 'k', ledgerFailure: 'complete' }),
    );
  });

  it('propagates a failed claim without working (nothing was done, the retry starts over)', async () => {
    const { clock, ledger } = rig();
    const broken: LedgerPort = { ...failing(ledger, 'complete'), claim: () => Promise.reject(new Error('DynamoDB unavailable')) };
    const work = vi.fn(() => Promise.resolve('v'));

    await expect(once({ ledger: broken, clock }, 'k', work, { remainingMs: 30_000 })).rejects.toThrow('DynamoDB unavailable');
    expect(work).not.toHaveBeenCalled();
  });

  it('stores and reads back with the given encoding, and remembers until the given time', async () => {
    const { ports, advance } = rig();
    const options = {
      remainingMs: 30_000,
      encode: String,
      decode: Number,
      keepUntil: (_: number, at: Date) => new Date(at.getTime() + 60_000),
    };
    await once(ports, 'count', () => Promise.resolve(7), options);

    const soon = await once(ports, 'count', () => Promise.resolve(8), options);
    advance(61_000);
    const later = await once(ports, 'count', () => Promise.resolve(8), options);

    expect(soon).toEqual({ kind: 'done-before', value: 7 });
    expect(later).toEqual({ kind: 'done', value: 8 });
  });

  it('forgets the claim when keepUntil answers undefined, so the next delivery does the work again', async () => {
    const { ports } = rig();
    const options = {
      remainingMs: 30_000,
      keepUntil: (value: string) => (value === 'deferred' ? undefined : new Date(START.getTime() + REMEMBER_MS)),
    };
    await once(ports, 'digest#w', () => Promise.resolve('deferred'), options);

    expect(await once(ports, 'digest#w', () => Promise.resolve('sent'), options)).toEqual({ kind: 'done', value: 'sent' });
    expect(await once(ports, 'digest#w', () => Promise.resolve('again'), options)).toEqual({ kind: 'done-before', value: 'sent' });
  });

  it('refuses a remaining time that is not one', () => {
    expect(() => inProgressUntil(START, Number.NaN)).toThrow(RangeError);
    expect(() => inProgressUntil(START, -1)).toThrow(RangeError);
  });
});
