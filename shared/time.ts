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
