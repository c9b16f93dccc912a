/**
 * Doing a thing once however often it is delivered: the one claim protocol every feature uses.
 *
 * 1. Claim the key in the ledger (a conditional write: of two concurrent deliveries one wins).
 *    Taken by another → `in-progress`, or `done-before` with the value it recorded.
 * 2. Do the work.
 * 3. The work threw → release the claim and rethrow, so Lambda's retry (or the next run) may act.
 * 4. The work returned → record its value under the key until `keepUntil` (48 hours unless the
 *    caller says otherwise), so a redelivery answers the value instead of acting again.
 *
 * The same lifecycle as Powertools' idempotency utility (its `IdempotencyHandler`), written here
 * rather than used because the service's keys are semantic (a finding and an action, a channel
 * of an alert), the outcome of a duplicate differs per caller (report the first result again,
 * answer "busy", fail so Lambda retries), one caller forgets instead of recording (a digest whose
 * time ran out), and the same protocol must run on the in-memory sandbox ledger; Powertools'
 * persistence layer keys records by a payload hash in an item shape of its own.
 *
 * How long a claim holds while its work runs: exactly as long as the invocation may still run
 * (`context.getRemainingTimeInMillis()`, passed in as `remainingMs`), rounded up to the next
 * second (the table stores seconds). So a live invocation never loses its claim to a duplicate,
 * and once the invocation is over — finished, crashed or timed out — the claim is free for the
 * retry, which Lambda only starts after the failed invocation ended. No constant has to be kept
 * in step with a timeout in serverless.yml.
 *
 * When the ledger itself fails — weighing "acted twice" against "never acted":
 * - claim fails: nothing was done; the error propagates and the retry starts from scratch.
 * - release fails (after the work threw): the work's own error is rethrown (it says what went
 *   wrong, and whether retrying helps); the release failure is logged as an error. The claim
 *   still expires with this invocation, before any retry, so the retry acts: the work is never
 *   lost to a claim nobody holds.
 * - complete fails (after the work succeeded): logged as an error, and the value is returned as
 *   if recorded. Rethrowing would make Lambda retry work that is done, and the retry — finding
 *   the claim expired — would act a second time (a second alert, a second count); answering the
 *   value keeps it to the rare redelivery that arrives after this invocation ended. Every action
 *   re-reads before it writes, so for writes such a redelivery finds nothing left to do.
 * Each failure is logged with `ledgerFailure: 'release' | 'complete'`, a field a metric filter can count.
 */
import { logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { LedgerPort } from '../ports/ledger.js';
import { rememberFrom } from './keys.js';

export interface OncePorts {
  readonly ledger: LedgerPort;
  readonly clock: Clock;
}

export interface OnceOptions<T> {
  /**
   * How long this invocation may still run, in milliseconds: `context.getRemainingTimeInMillis()`.
   * The claim holds that long while the work runs.
   */
  readonly remainingMs: number;
  /** How the value is stored (default `JSON.stringify`); must not give an empty string. */
  readonly encode?: (value: T) => string;
  /** How a stored value is read back (default `JSON.parse`). */
  readonly decode?: (stored: string) => T;
  /**
   * Until when the value is remembered, from the value and the time of the claim (default: 48
   * hours after the claim). `undefined`: not remembered — the claim is released, and the next
   * delivery does the work again (a job left half-done on purpose).
   */
  readonly keepUntil?: (value: T, claimedAt: Date) => Date | undefined;
}

/** What {@link once} answers. */
export type OnceOutcome<T> =
  /** This call did the work; `value` is what it returned. */
  | { readonly kind: 'done'; readonly value: T }
  /** An earlier delivery did it; `value` is what it recorded. */
  | { readonly kind: 'done-before'; readonly value: T }
  /** Another delivery holds the claim: it is at work, or died at it and its claim has not expired yet. */
  | { readonly kind: 'in-progress' };

/** When a claim taken at `now` by an invocation with `remainingMs` left stops holding. */
export const inProgressUntil = (now: Date, remainingMs: number): Date => {
  if (!Number.isFinite(remainingMs) || remainingMs < 0)
    throw new RangeError(`remainingMs must be a time left in milliseconds, not ${remainingMs}`);
  return new Date(Math.ceil((now.getTime() + remainingMs) / 1000) * 1000);
};

/**
 * Runs `work` unless `key` was (or is being) handled: see the module's description for the
 * protocol and for what happens when the ledger fails.
 *
 * @throws what `work` throws (after releasing the claim), or the ledger's error when the claim
 *   could not be taken.
 * @example
 * const sent = await once({ ledger, clock }, claimKey.channel(key, 'sns'), () => notifier.publish(message), {
 *   remainingMs: context.getRemainingTimeInMillis(),
 * });
 * if (sent.kind === 'in-progress') throw new AlertInProgressError(key);
 */
export const once = async <T>(ports: OncePorts, key: string, work: () => Promise<T>, options: OnceOptions<T>): Promise<OnceOutcome<T>> => {
  const {
    encode = JSON.stringify,
    decode = JSON.parse as (stored: string) => T,
    keepUntil = (_value: T, claimedAt: Date) => rememberFrom(claimedAt),
  } = options;
  const claimedAt = ports.clock.now();
  const claim = await ports.ledger.claim(key, inProgressUntil(claimedAt, options.remainingMs));
  if (!claim.claimed) return claim.outcome === undefined ? { kind: 'in-progress' } : { kind: 'done-before', value: decode(claim.outcome) };

  let value: T;
  try {
    value = await work();
  } catch (error) {
    await releaseOrLog(ports.ledger, key, 'the work failed');
    throw error;
  }
  const until = keepUntil(value, claimedAt);
  if (until === undefined) {
    await releaseOrLog(ports.ledger, key, 'the work asked to be done again');
    return { kind: 'done', value };
  }
  try {
    await ports.ledger.complete(key, encode(value), until);
  } catch (error) {
    logger.error('ledger: outcome not recorded; a redelivery after this invocation may act again', {
      key,
      ledgerFailure: 'complete',
      error: error as Error,
    });
  }
  return { kind: 'done', value };
};

/** Releases `key`; a failure is logged, not thrown: the claim expires with the invocation anyway. */
const releaseOrLog = async (ledger: LedgerPort, key: string, why: string): Promise<void> => {
  try {
    await ledger.release(key);
  } catch (error) {
    logger.error(`ledger: claim not released after ${why}; it frees itself when this invocation ends`, {
      key,
      ledgerFailure: 'release',
      error: error as Error,
    });
  }
};
