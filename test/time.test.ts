import { afterEach, describe, expect, it, vi } from 'vitest';
import { epochSeconds, sleep } from '../shared/time.js';

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

describe('epochSeconds', () => {
  it('counts whole seconds since the epoch, dropping the milliseconds', () => {
    expect(epochSeconds(new Date('2026-01-01T00:00:00.999Z'))).toBe(1_767_225_600);
    expect(epochSeconds(new Date('1970-01-01T00:00:01.000Z'))).toBe(1);
  });

  it('puts a time a few milliseconds past a whole second in that second, not after it', () => {
    expect(epochSeconds(new Date('2026-03-01T04:10:00.412Z'))).toBe(epochSeconds(new Date('2026-03-01T04:10:00Z')));
  });
});
