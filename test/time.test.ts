import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep } from '../shared/time.js';

describe('sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves once its milliseconds have passed, not before, on the clock a test controls', async () => {
    vi.useFakeTimers();
    let done = false;
    const waiting = sleep(500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });
});
