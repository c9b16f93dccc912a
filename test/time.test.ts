import { afterEach, describe, expect, it, vi } from 'vitest';
import { alignedWindow, epochSeconds, sleep } from '../shared/time.js';

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

describe('alignedWindow', () => {
  it('puts an instant in the window of the given length that starts at a multiple of it since the epoch', () => {
    expect(alignedWindow(new Date('2026-01-01T10:17:42Z'), 15 * 60_000)).toEqual({
      start: new Date('2026-01-01T10:15:00Z'),
      end: new Date('2026-01-01T10:30:00Z'),
    });
  });

  it('includes its start and leaves its end to the next window', () => {
    const hour = 3_600_000;
    expect(alignedWindow(new Date('2026-01-01T10:00:00Z'), hour).start).toEqual(new Date('2026-01-01T10:00:00Z'));
    expect(alignedWindow(new Date('2026-01-01T10:59:59.999Z'), hour).end).toEqual(new Date('2026-01-01T11:00:00Z'));
    expect(alignedWindow(new Date('2026-01-01T11:00:00Z'), hour).start).toEqual(new Date('2026-01-01T11:00:00Z'));
  });
});
