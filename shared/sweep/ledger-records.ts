/**
 * Facts a sweep writes once and reads back later — when a run started, what an organisation run
 * covers, a shard's figures — kept in the ledger as completed claims (the claim protocol of
 * shared/ledger/once.ts: a claim holds a key, its completion records a value under it). Only the
 * service's roles write the ledger, so a value read back is evidence, where an event on the
 * project bus is only a claim.
 */
import { REMEMBER_MS } from '../ledger/keys.js';
import type { Clock } from '../ports/clock.js';
import type { LedgerPort } from '../ports/ledger.js';

/** How long a key is held while its value is written or probed: within one call, so a minute is plenty. */
const HOLD_MS = 60_000;

export interface RecordPorts {
  readonly ledger: LedgerPort;
  readonly clock: Clock;
}

/**
 * Records `value` under `key` for two days, unless a value is recorded there already (the first
 * one stays: a redelivery must not move a run's clock). Answers the value that is recorded.
 */
export const recordOnce = async ({ ledger, clock }: RecordPorts, key: string, value: string): Promise<string> => {
  const now = clock.now();
  const claim = await ledger.claim(key, new Date(now.getTime() + HOLD_MS));
  if (claim.claimed) {
    await ledger.complete(key, value, new Date(now.getTime() + REMEMBER_MS));
    return value;
  }
  return claim.outcome ?? value;
};

/**
 * The value recorded under `key`, or undefined when nothing is (the probe's claim is released at
 * once). A key held but not completed yet reads as undefined too.
 */
export const readRecord = async ({ ledger, clock }: RecordPorts, key: string): Promise<string | undefined> => {
  const claim = await ledger.claim(key, new Date(clock.now().getTime() + HOLD_MS));
  if (claim.claimed) {
    await ledger.release(key);
    return undefined;
  }
  return claim.outcome;
};
