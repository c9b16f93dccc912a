/**
 * The pace of the listing's ListSecrets calls: one queue that lets at most `callsPerSecond` calls
 * start in any rolling second (retries included), larger priorities first, and a pause that holds
 * every call back when the account's quota ran out. See docs/sweep.md ("Reading 500,000 secrets").
 */
import PQueue from 'p-queue';

/** Backoff before retry n: up to BASE × 2^(n-1), at most CAP; half of it fixed, half random ("equal jitter"). */
const BACKOFF_BASE_MS = 200;
export const BACKOFF_CAP_MS = 5_000;
/**
 * Added to the pacing window: calls spaced exactly 1 s apart by our clock can reach AWS closer
 * together (network jitter; a clock read a millisecond apart), and a throttle costs a backoff.
 */
const PACING_MARGIN_MS = 20;

/**
 * The wait before retry `attempt` (1 for the first retry): exponential, capped at
 * `BACKOFF_CAP_MS`, with equal jitter (half fixed, half random) so that retries spread out
 * but never come back at once. Shared by every retry of the sweep: ListSecrets, the
 * DescribeSecret lookups, and the closer looks (`run-sweep.ts`).
 * @example
 * await sleep(backoffDelay(attempt)); // 100–200 ms, 200–400 ms, ... never above 5 s
 */
export const backoffDelay = (attempt: number, random: () => number = Math.random): number => {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
};

/**
 * Calls paced under a per-second quota. A p-queue in strict mode (a sliding window) rather than a
 * fixed window: no burst of 2 × cap across a window boundary, which a per-second quota would
 * throttle. Unpaced when `callsPerSecond` is Infinity.
 * @example
 * const paced = new PacedCalls(100, sleep);
 * const page = await paced.run(() => secrets.listSecrets(request), shard.share);
 * paced.pauseFor(backoffDelay(attempt)); // after a throttle: every call waits
 */
export class PacedCalls {
  readonly #queue: PQueue;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Pauses not yet over: the queue starts again when the last one ends. */
  #pauses = 0;

  public constructor(callsPerSecond: number, sleep: (ms: number) => Promise<void>) {
    if (!(callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be above 0, got ${callsPerSecond}`);
    this.#sleep = sleep;
    this.#queue = !Number.isFinite(callsPerSecond)
      ? new PQueue()
      : callsPerSecond >= 1
        ? new PQueue({ intervalCap: Math.floor(callsPerSecond), interval: 1000 + PACING_MARGIN_MS, strict: true })
        : new PQueue({ intervalCap: 1, interval: Math.ceil(1000 / callsPerSecond) + PACING_MARGIN_MS, strict: true });
  }

  /** Runs `call` when the pace allows; a higher `priority` goes first among the calls waiting. */
  public run<T>(call: () => Promise<T>, priority: number): Promise<T> {
    return this.#queue.add(call, { priority });
  }

  /**
   * Holds every call not yet started for `ms`; overlapping pauses end with the last one. The quota
   * is the account's, shared with whatever else calls there: when it runs out, every call slows
   * down, not only the one that met it.
   */
  public pauseFor(ms: number): void {
    this.#pauses++;
    this.#queue.pause();
    void this.#sleep(ms).then(() => {
      if (--this.#pauses === 0) this.#queue.start();
    });
  }
}
