/**
 * The pace of the listing's ListSecrets calls: one queue that lets at most `callsPerSecond` calls
 * start in any rolling second (retries included), larger priorities first, and a pause that holds
 * every call back when the account's quota ran out. See docs/sweep.md ("Reading 500,000 secrets").
 */
import PQueue from 'p-queue';

/**
 * Added to the pacing window: calls spaced exactly 1 s apart by our clock can reach AWS closer
 * together (network jitter; a clock read a millisecond apart), and a throttle costs a backoff.
 */
const PACING_MARGIN_MS = 20;

/**
 * Calls paced under a per-second quota. A p-queue in strict mode (a sliding window) rather than a
 * fixed window: no burst of 2 × cap across a window boundary, which a per-second quota would
 * throttle. Unpaced when `callsPerSecond` is Infinity.
 * @example
 * const paced = new PacedCalls(100, sleep);
 * const page = await paced.run(() => secrets.listSecrets(request), shard.share);
 * paced.pauseFor(backoffDelay(attempt)); // after a throttle (backoffDelay: shared/retry.ts): every call waits
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
