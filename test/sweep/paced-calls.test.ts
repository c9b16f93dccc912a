/**
 * The listing's pace on its own: no more calls in any rolling second than the quota, larger
 * priorities first, and every call held back while a throttle pause lasts (the backoff between
 * retries: test/retry.test.ts). On a fake clock: speed itself belongs to `npm run bench`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PacedCalls } from '../../shared/sweep/paced-calls.js';

const fakeSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Queues `count` calls that note when they start, with the priorities given (default 0). */
const queueCalls = (paced: PacedCalls, count: number, priority: (i: number) => number = () => 0) => {
  const started: { readonly call: number; readonly at: number }[] = [];
  const done = Array.from({ length: count }, (_, call) =>
    paced.run(() => {
      started.push({ call, at: Date.now() });
      return Promise.resolve(call);
    }, priority(call)),
  );
  return { started, done: Promise.all(done) };
};

describe('Class: PacedCalls', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts no more calls in any rolling second than callsPerSecond', async () => {
    // Prepare
    vi.useFakeTimers();
    const paced = new PacedCalls(3, fakeSleep);

    // Act
    const { started, done } = queueCalls(paced, 10);
    await vi.runAllTimersAsync();
    await done;

    // Assess
    expect(started).toHaveLength(10);
    for (const { at } of started) {
      expect(started.filter((other) => other.at >= at && other.at < at + 1000).length).toBeLessThanOrEqual(3);
    }
  });

  it('paces below one call a second by spacing single calls', async () => {
    // Prepare
    vi.useFakeTimers();
    const paced = new PacedCalls(0.5, fakeSleep);

    // Act
    const { started, done } = queueCalls(paced, 3);
    await vi.runAllTimersAsync();
    await done;

    // Assess
    const gaps = started.slice(1).map((s, i) => s.at - (started[i]?.at ?? 0));
    expect(gaps.every((gap) => gap >= 2000)).toBe(true);
  });

  it('starts the waiting calls with the higher priority first', async () => {
    // Prepare
    vi.useFakeTimers();
    const paced = new PacedCalls(1, fakeSleep);

    // Act: call 0 takes the first second's slot; the rest wait and start by priority.
    const { started, done } = queueCalls(paced, 4, (i) => [0, 0.1, 2, 0.5][i] ?? 0);
    await vi.runAllTimersAsync();
    await done;

    // Assess
    expect(started.map((s) => s.call)).toStrictEqual([0, 2, 3, 1]);
  });

  it('holds every call back while a pause lasts, and overlapping pauses end with the last', async () => {
    // Prepare
    vi.useFakeTimers();
    const t0 = Date.now();
    const paced = new PacedCalls(Number.POSITIVE_INFINITY, fakeSleep);
    paced.pauseFor(500);
    paced.pauseFor(1500);

    // Act
    const { started, done } = queueCalls(paced, 3);
    await vi.advanceTimersByTimeAsync(1000);
    const duringPause = started.length;
    await vi.runAllTimersAsync();
    await done;

    // Assess
    expect(duringPause).toBe(0);
    expect(started).toHaveLength(3);
    expect(started.every((s) => s.at - t0 >= 1500)).toBe(true);
  });

  it('refuses a pace that is not above zero', () => {
    // Act
    const act = () => new PacedCalls(0, fakeSleep);

    // Assess
    expect(act).toThrow(RangeError);
  });
});
