/**
 * Time, written once: waiting, the epoch seconds DynamoDB's TTL reads, and the fixed windows
 * that counters and digests fall into. A ground-floor module (no imports), open to every folder.
 */

/**
 * Resolves after `ms` milliseconds. Hand-written rather than `node:timers/promises`: this one
 * goes through the global `setTimeout`, so a test's fake clock controls it like every other timer.
 * @example
 * await sleep(backoffDelay(attempt));
 */
export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Whole seconds since the epoch: what DynamoDB's time to live reads (a Number attribute), and
 * what the ledger's dated keys carry.
 * @example
 * epochSeconds(new Date('2026-01-01T00:00:00.999Z')); // 1767225600
 */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A fixed span of time: from `start` (included) to `end` (excluded). */
export interface AlignedWindow {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The window of `lengthMs` that `at` falls in, windows aligned to the epoch: every caller, on
 * any machine, puts the same instant in the same window, so a count or a digest kept per window
 * needs no coordination. `lengthMs` > 0.
 * @example
 * alignedWindow(new Date('2026-01-01T10:17:00Z'), 15 * 60_000); // 10:15:00 to 10:30:00
 */
export const alignedWindow = (at: Date, lengthMs: number): AlignedWindow => {
  const start = Math.floor(at.getTime() / lengthMs) * lengthMs;
  return { start: new Date(start), end: new Date(start + lengthMs) };
};
