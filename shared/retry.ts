/**
 * Retrying, written once: the capped, equal-jitter backoff and one loop around it, for every
 * caller that retries by hand (the sweep's listing and closer looks, the Slack webhook). A
 * ground-floor module, open to every folder: it imports only errors.ts and time.ts, never a
 * folder of shared/. The AWS SDK's own retries (smithy's StandardRetryStrategy) stay inside the
 * SDK clients; this is for what they do not cover, or where the caller must see each retry
 * (to pause its other calls, to stop, to count).
 */
import { TransientAwsError } from './errors.js';
import { sleep as wait } from './time.js';

/** The first backoff (before retry 1) is up to this; it doubles each time. */
export const BACKOFF_BASE_MS = 200;
/** No backoff is longer than this. */
export const BACKOFF_CAP_MS = 5_000;

export interface Backoff {
  /** The ceiling of the first backoff; it doubles each retry. Default `BACKOFF_BASE_MS`. */
  readonly baseMs?: number;
  /** The highest ceiling. Default `BACKOFF_CAP_MS`. */
  readonly capMs?: number;
}

/**
 * The wait before retry `attempt` (1 for the first retry): a ceiling of `baseMs` × 2^(attempt-1),
 * at most `capMs`, half of it fixed and half random ("equal jitter"). The fixed half keeps a
 * retry from coming back at once; the random half spreads out callers that failed together.
 * @example
 * backoffDelay(1); // 100–200 ms; then 200–400 ms, 400–800 ms, ... never above 5 s
 * backoffDelay(3, { baseMs: 500, capMs: 8000 }, () => 0); // 1000
 */
export const backoffDelay = (attempt: number, backoff: Backoff = {}, random: () => number = Math.random): number => {
  const { baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS } = backoff;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
};

/**
 * Whether retrying may fix the failure: throttling (`ThrottlingError`) and the other transient
 * AWS failures (5xx, timeouts, network), as the adapters classify them. The default of `retry`.
 */
export const isTransient = (error: unknown): boolean => error instanceof TransientAwsError;

/** A retry about to wait: what `beforeWait` is told. */
export interface PendingRetry {
  /** The attempt that just failed (1 for the first). */
  readonly attempt: number;
  readonly error: unknown;
  /** How long the wait before the next attempt will be. */
  readonly delayMs: number;
}

/**
 * Why retrying ended without a result: `final`, the failure is not one to retry; `attempts`,
 * the last attempt failed; `budget`, the next wait would end at or past the deadline.
 */
export interface RetryEnding {
  readonly reason: 'final' | 'attempts' | 'budget';
  /** Attempts made. */
  readonly attempts: number;
  /** For `budget`: the wait that did not fit. */
  readonly delayMs?: number;
}

export interface RetryOptions {
  /** Attempts in all, the first included (≥ 1). */
  readonly maxAttempts: number;
  /** Which failures to retry. Default `isTransient`: throttling and transient AWS failures. */
  readonly retryIf?: (error: unknown) => boolean;
  readonly backoff?: Backoff;
  /** A wait the failure itself asks for (an HTTP Retry-After), in place of the backoff; undefined: back off. */
  readonly waitAskedBy?: (error: unknown) => number | undefined;
  /**
   * An instant on `now`'s clock (ms) that no wait may reach: a retry whose wait would end at or
   * past it is not made. Keeps the whole inside a Lambda invocation's time, whatever a server asks.
   */
  readonly deadline?: number;
  /**
   * Called before each wait: to count or log the retry, or to hold back other calls that share
   * the quota (the listing pauses every ListSecrets call after a throttle).
   */
  readonly beforeWait?: (retry: PendingRetry) => void;
  /**
   * What `retry` throws when it ends without a result. Default: the last failure itself, so a
   * caller that adds nothing sees the error it would have seen without retrying.
   */
  readonly finalError?: (error: unknown, ending: RetryEnding) => unknown;
  /** Injectable for tests: waiting (default `sleep` of time.ts), the clock (for `deadline`), jitter. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface StoppableRetryOptions extends RetryOptions {
  /** Asked before each wait and after it: true ends the retries, and `retry` answers undefined. */
  readonly shouldStop: () => boolean;
}

/**
 * Calls `call` until it succeeds, retrying the failures `retryIf` accepts after `backoffDelay`
 * (or the wait the failure asks for), within `maxAttempts` and the `deadline`. `call` gets the
 * attempt number (1 for the first), for callers that treat a retry differently (a higher priority).
 * With `shouldStop`, answers undefined when it says stop before or after a wait.
 * @example
 * const policy = await retry(() => secrets.getResourcePolicy(id), { maxAttempts: 5 });
 */
export function retry<T>(call: (attempt: number) => Promise<T>, options: StoppableRetryOptions): Promise<T | undefined>;
export function retry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T>;
export async function retry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions & { readonly shouldStop?: () => boolean },
): Promise<T | undefined> {
  const {
    maxAttempts,
    retryIf = isTransient,
    backoff,
    waitAskedBy,
    deadline = Number.POSITIVE_INFINITY,
    beforeWait,
    finalError = (error: unknown) => error,
    sleep = wait,
    now = Date.now,
    random = Math.random,
    shouldStop,
  } = options;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new RangeError(`maxAttempts must be a whole number from 1, got ${maxAttempts}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!retryIf(error)) throw finalError(error, { reason: 'final', attempts: attempt });
      if (attempt >= maxAttempts) throw finalError(error, { reason: 'attempts', attempts: attempt });
      const delayMs = waitAskedBy?.(error) ?? backoffDelay(attempt, backoff, random);
      if (now() + delayMs >= deadline) throw finalError(error, { reason: 'budget', attempts: attempt, delayMs });
      if (shouldStop?.() === true) return undefined;
      beforeWait?.({ attempt, error, delayMs });
      await sleep(delayMs);
      if (shouldStop?.() === true) return undefined;
    }
  }
}
