/**
 * The organisation's census: how many secrets each account-region holds, taken by the coordinator
 * when it has no sizes of a previous run (shard-sizes.ts) — the organisation's first run, or the
 * first after the sizes expired — so that even the first run publishes the largest account-regions
 * first. AWS counts them already: Secrets Manager publishes each account-region's secret count to
 * CloudWatch (shared/ports/secret-counts.ts), one GetMetricData call per account-region through
 * its read role, which is far cheaper than listing.
 *
 * The census is only an ordering hint, so it never stands in the way of the sweep: calls run a
 * bounded number at a time, it stops at a deadline taken from the invocation's time (the
 * publishing keeps the rest), and a count it could not get — the role refused, nothing published,
 * the deadline — is unknown: those account-regions go after the counted ones, in the usual order.
 * Nor does it hold the shards back: each count is handed to the coordinator as it arrives
 * (`onCounted`), and the coordinator publishes the counted account-regions while the others are
 * still being counted (coordinator.ts), so the sweep's slots do not sit idle for the census.
 */
import PQueue from 'p-queue';
import { memberTarget } from '../domain/organisation-scope.js';
import { logger } from '../logger.js';
import type { Policy } from '../policy/schema.js';
import type { CountWindow, SecretCountsPort } from '../ports/secret-counts.js';
import type { Hub, ShardTarget } from './coordinator.js';

/**
 * GetMetricData calls (and the AssumeRole before each) in flight. Each GetMetricData is made in
 * the member's own account and region, against its own quota; the AssumeRole calls count against
 * the hub, spread over the STS endpoints of the guarded regions: about 500 a second at 50 in flight
 * and 100 ms each. A throttled call is retried by the SDK, and a count the census could not get in
 * time is only unknown (its account-region keeps the usual order). 50 keeps the census of a
 * 4,000-account-region organisation near 16 s, during which the coordinator already publishes
 * what is counted.
 */
export const CENSUS_CONCURRENCY = 50;
/** The census's share of the invocation's remaining time: the publishing keeps the other half. */
const CENSUS_SHARE = 0.5;
/** The census never takes longer than this: 4,000 account-regions take about 16 s at CENSUS_CONCURRENCY. */
export const CENSUS_MAX_MS = 120_000;
/**
 * How far back to look for the latest count: Secrets Manager publishes about once an hour, so a
 * few hours find one even when an hour's point is late or missing.
 */
export const CENSUS_WINDOW_MS = 6 * 3_600_000;

/** One account-region's count, in the coordinator's terms. */
export type SecretCountOf = (place: ShardTarget) => Promise<number | undefined>;

/**
 * The secret count of `place` for a deployment at `hub`, through the member read role there
 * (assumed for `session`) or the function's own credentials in the hub's own account and region.
 */
export type SecretCountsFor = (request: {
  readonly hub: Hub;
  readonly place: ShardTarget;
  readonly session: string;
  readonly window: CountWindow;
}) => Promise<number | undefined>;

/** One account-region the census counted. */
export interface Counted {
  readonly account: string;
  readonly region: string;
  readonly secrets: number;
}

/** What the census found: the account-regions counted (in the targets' order) and how many stayed unknown. */
export interface Census {
  readonly counted: readonly Counted[];
  readonly unknown: number;
}

/** How long the census may take, given the invocation's remaining time: half of it, at most {@link CENSUS_MAX_MS}. */
export const censusBudgetMs = (remainingMs: number): number => Math.max(0, Math.min(CENSUS_MAX_MS, Math.floor(remainingMs * CENSUS_SHARE)));

/** The window that ends at `now` and looks {@link CENSUS_WINDOW_MS} back. */
export const censusWindow = (now: Date): CountWindow => ({ start: new Date(now.getTime() - CENSUS_WINDOW_MS), end: now });

/** A count the census keeps: a whole number of secrets, none below zero (anything else is unknown). */
const isCount = (secrets: number | undefined): secrets is number => secrets !== undefined && Number.isInteger(secrets) && secrets >= 0;

/**
 * Counts every target with `countOf`, at most `concurrency` at a time, until `budgetMs` has
 * passed: a count not in by then, failed, or not published (undefined, negative, not a number) is
 * unknown. `onCounted` hears each count the census keeps, once, as it arrives, and none after the
 * census has ended (so what it heard is exactly the census's `counted`): the coordinator publishes
 * from it while the rest is counted. Never throws: the census only orders the shards (a throwing
 * `onCounted` is logged, and its count kept).
 */
export const takeCensus = async (
  targets: readonly ShardTarget[],
  countOf: SecretCountOf,
  options: { readonly concurrency: number; readonly budgetMs: number; readonly onCounted?: (counted: Counted) => void },
): Promise<Census> => {
  const counts = new Map<ShardTarget, number>();
  let open = true;
  const queue = new PQueue({ concurrency: options.concurrency });
  for (const target of targets) {
    void queue.add(async () => {
      if (!open) return;
      try {
        const secrets = await countOf(target);
        if (!open || !isCount(secrets)) return;
        counts.set(target, secrets);
        // Inside the try: a throwing onCounted is logged like a failed count, never an unhandled rejection.
        options.onCounted?.({ account: target.account, region: target.region, secrets });
      } catch (error) {
        logger.debug('census: no count for an account-region', { account: target.account, region: target.region, error });
      }
    });
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, options.budgetMs);
  });
  await Promise.race([queue.onIdle(), deadline]);
  clearTimeout(timer);
  // Late answers are not waited for, and the calls not started yet are not made.
  open = false;
  queue.clear();
  const counted = targets.flatMap((t) => {
    const secrets = counts.get(t);
    return secrets === undefined ? [] : [{ account: t.account, region: t.region, secrets }];
  });
  return { counted, unknown: targets.length - counted.length };
};

/**
 * The counts through the member read roles (`memberTarget`, role `read`): `counts` is the adapter
 * that reaches a target.
 */
export const secretCountsThroughMembers =
  (organisation: Policy['organisation'], stage: string, counts: SecretCountsPort): SecretCountsFor =>
  ({ hub, place, session, window }) =>
    counts.secretCount(memberTarget({ organisation, stage, hub, place, role: 'read', session }), window);
