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
