/**
 * The organisation sweep's coordinator. In organisation mode the scheduled sweep does not read an
 * account itself: it lists the accounts in scope (Organizations, paged, ACTIVE accounts only,
 * minus the exclusions; or the policy's own list) × the regions guarded, records the run in the
 * ledger, and publishes one "Sweep Shard" per account-region on the project bus. Each shard is a
 * sweep of its own (sweep-use-case.ts) through the member's read role, in parallel with the
 * others up to the sweep function's reserved concurrency; quotas are per account and region, so
 * the shards do not slow one another.
 *
 * The ledger, not the bus, is the evidence. Before a shard is published the coordinator
 * registers it under its key (`claimKey.sweepOrgShard`) with the run's clock and size; a shard
 * event whose registration is missing — forged, or for an account outside the scope — is refused.
 *
 * The order is the largest account-regions first (shard-sizes.ts): by the sizes the last run
 * recorded, or, on a run without them, by a census (census.ts) that does not hold the shards back:
 * while it counts, each slot of the sweep function expected free takes the largest counted so
 * far, so the slots sweep during the census and a large account-region counted late still goes
 * ahead of the small ones. Only as many as there are slots: the census counts far faster than the
 * slots sweep, and shards published beyond them would queue in Lambda in the order counted.
 */
import PQueue from 'p-queue';
import * as z from '../contracts/zod.js';
import { SWEEP_SHARD_DETAIL_TYPE, type SweepShard } from '../contracts/sweep-shard.js';
import { guardedRegions, type Hub, needsAncestry, scopeOf } from '../domain/organisation-scope.js';
import { claimKey } from '../ledger/keys.js';
import { logger } from '../logger.js';
import type { Policy } from '../policy/schema.js';
import type { EventBusPort } from '../ports/bus.js';
import type { OrganisationAccount, OrganisationAccountsPort, Page } from '../ports/organisation-accounts.js';
import { CENSUS_CONCURRENCY, type Counted, censusBudgetMs, type SecretCountOf, takeCensus } from './census.js';
import { type RecordPorts, recordOnce } from './ledger-records.js';
import { largestFirst, readShardSizes } from './shard-sizes.js';

/** One account and region to sweep. */
export interface ShardTarget {
  readonly account: string;
  readonly region: string;
}

export type { Hub } from '../domain/organisation-scope.js';

/** PutEvents takes at most 10 entries a call. */
export const SHARDS_PER_PUT = 10;
/**
 * Times the shards PutEvents refused are sent again before the coordinator fails (and Lambda
 * retries it, publishing every shard again): a refused entry is usually throttling, gone in a moment.
 */
const FAILED_ENTRY_RESENDS = 3;
/** Registrations and PutEvents calls the coordinator has in flight: far below DynamoDB's and EventBridge's quotas. */
const COORDINATOR_CONCURRENCY = 10;

/** Every page of a paged Organizations call. */
const allPages = async <T>(page: (nextToken?: string) => Promise<Page<T>>): Promise<T[]> => {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await page(nextToken);
    items.push(...answer.items);
    nextToken = answer.nextToken;
  } while (nextToken);
  return items;
};

const activeIds = (accounts: readonly OrganisationAccount[]): string[] => accounts.filter((a) => a.active).map((a) => a.id);

/**
 * The accounts under an OU (or the root), nested OUs included — as a StackSet aimed at the OU
 * deploys to them, so the sweep covers what the member stacks cover.
 */
const accountsUnder = async (organizations: OrganisationAccountsPort, ou: string): Promise<string[]> => {
  const accounts: string[] = [];
  const pending = [ou];
  const seen = new Set<string>();
  for (let parent = pending.shift(); parent !== undefined; parent = pending.shift()) {
    if (seen.has(parent)) continue;
    seen.add(parent);
    accounts.push(...activeIds(await allPages((token) => organizations.listAccountsForParent(parent, token))));
    pending.push(...(await allPages((token) => organizations.listOrganizationalUnitsForParent(parent, token))));
  }
  return accounts;
};

/**
 * The member accounts in scope, sorted: with no OU and no account listed, every ACTIVE account of
 * the organisation (ListAccounts); otherwise the accounts listed and the ACTIVE accounts under the
 * listed OUs. The hub's own account, when given, is guarded too. Exclusions always win.
 */
export const accountsInScope = async (
  organizations: OrganisationAccountsPort,
  organisation: Policy['organisation'],
  hub?: Hub,
): Promise<string[]> => {
  const { organizationalUnits, accounts, exclude } = organisation.members;
  const whole = organizationalUnits.length === 0 && accounts.length === 0;
  const found = whole ? activeIds(await allPages((token) => organizations.listAccounts(token))) : [...accounts];
  for (const ou of whole ? [] : organizationalUnits) found.push(...(await accountsUnder(organizations, ou)));
  const excluded = new Set(exclude);
  return [...new Set([...found, ...(hub ? [hub.account] : [])])].filter((account) => !excluded.has(account)).sort();
};

/**
 * Every account × every region, each account-region once (in the order first given): an account
 * both listed and under a listed OU, or a region listed twice, is one shard. The run's size is
 * this list's length, and a shard counts itself once, so a shard listed twice would keep the run
 * from ever completing.
 */
export const shardTargets = (accounts: readonly string[], regions: readonly string[]): ShardTarget[] => {
  const uniqueRegions = [...new Set(regions)];
  return [...new Set(accounts)].flatMap((account) => uniqueRegions.map((region) => ({ account, region })));
};

/**
 * Why a shard may not be swept by the policy alone, or undefined when it may: organisation mode
 * off, or what the organisation scope (shared/domain/organisation-scope.ts) says against the
 * account-region. Whether an account lies under a listed OU cannot be judged without
 * Organizations: for those the coordinator's registration in the ledger answers.
 */
export const shardScopeProblem = (organisation: Policy['organisation'], hub: Hub, shard: ShardTarget): string | undefined => {
  if (!organisation.enabled) return 'organisation mode is off (organisation.enabled is false): the sweep takes no shards';
  if (needsAncestry(organisation, hub, shard.account) && guardedRegions(organisation, hub).includes(shard.region)) return undefined;
  const verdict = scopeOf(organisation, hub, shard);
  return verdict.guarded ? undefined : `outside the scope: ${verdict.reason}`;
};

/** What the coordinator records for the whole run (read by the organisation summary). */
export const OrganisationRunSchema = z.object({
  startedAt: z.iso.datetime({ offset: true }),
  accounts: z.array(z.string()),
  regions: z.array(z.string()),
});
export type OrganisationRun = z.infer<typeof OrganisationRunSchema>;

/** What the coordinator registers per shard: the run's clock and how many shards it has. */
export const ShardRegistrationSchema = z.object({
  startedAt: z.iso.datetime({ offset: true }),
  shards: z.int().check(z.minimum(1)),
});
export type ShardRegistration = z.infer<typeof ShardRegistrationSchema>;

export interface CoordinatorPorts extends RecordPorts {
  readonly organizations: OrganisationAccountsPort;
  readonly bus: EventBusPort;
  /**
   * An account-region's secret count, for the census a run without recorded sizes takes
   * (census.ts). Absent: no census, the usual order.
   */
  readonly secretCountOf?: SecretCountOf;
}

export interface Coordinated {
  readonly runId: string;
  readonly accounts: number;
  readonly regions: number;
  readonly shards: number;
}

/** A target's key: an account-region is one shard. */
const placeKey = (t: ShardTarget): string => `${t.account}#${t.region}`;

/** `targets` in batches of {@link SHARDS_PER_PUT}, in their order: one PutEvents call each. */
const batchesOf = <T>(targets: readonly T[]): T[][] => {
  const batches: T[][] = [];
  for (let start = 0; start < targets.length; start += SHARDS_PER_PUT) batches.push(targets.slice(start, start + SHARDS_PER_PUT));
  return batches;
};

/**
 * How long a shard is expected to hold its slot of the sweep function, from its count: a second
 * and a half for the invocation and its ledger records, then about 2 ms a secret (ListSecrets
 * pages of 100 at 100–200 ms, the closer looks). Only the census's pacing uses it (below), and it
 * errs long on purpose: a guess too long leaves a slot idle a moment, a guess too short queues
 * small shards in Lambda ahead of a large one counted later — the very delay the census is for.
 */
export const expectedShardMs = (secrets: number): number => 1_500 + 2 * secrets;

/** The census's pacing: when each slot of the sweep function is expected to be free (ms, as Date.now), and the counted targets waiting. */
export interface Pacing {
  readonly slots: readonly number[];
  readonly waiting: readonly Counted[];
}

/**
 * The counted targets to publish `now`: one for each slot expected free by then, the largest
 * waiting first, each slot then expected busy for its shard ({@link expectedShardMs}). What
 * Lambda has no slot for would queue there in the order it came, ahead of any larger shard the
 * census counts later; held here, it is overtaken. `wakeAt`: when the next slot is expected free,
 * while targets wait.
 */
export const releaseToFreeSlots = (
  pacing: Pacing,
  now: number,
): { readonly release: Counted[]; readonly pacing: Pacing; readonly wakeAt?: number } => {
  if (pacing.waiting.length === 0) return { release: [], pacing };
  if (!pacing.slots.some((at) => at <= now)) return { release: [], pacing, wakeAt: Math.min(...pacing.slots) };
  // A stable sort: equal counts keep the order they arrived in.
  const sorted = [...pacing.waiting].sort((a, b) => b.secrets - a.secrets);
  const slots = [...pacing.slots];
  const release: Counted[] = [];
  for (let i = 0; i < slots.length && release.length < sorted.length; i++) {
    if ((slots[i] as number) > now) continue;
    const next = sorted[release.length] as Counted;
    release.push(next);
    slots[i] = now + expectedShardMs(next.secrets);
  }
  const waiting = sorted.slice(release.length);
  return { release, pacing: { slots, waiting }, ...(waiting.length > 0 ? { wakeAt: Math.min(...slots) } : {}) };
};

/**
 * What is left to publish when the census has ended: the counted targets still waiting, largest
 * first, then the targets it never counted (refused, no count, out of time) in their `usual`
 * order — the order a run without sizes keeps. `counted` holds every target the census counted,
 * published or waiting, so no target is left out and none is published twice.
 */
export const afterCensus = (usual: readonly ShardTarget[], counted: ReadonlySet<string>, waiting: readonly Counted[]): ShardTarget[] => [
  ...[...waiting].sort((a, b) => b.secrets - a.secrets),
  ...usual.filter((t) => !counted.has(placeKey(t))),
];

/** Publishes batches of shards, each registered first, at most {@link COORDINATOR_CONCURRENCY} at a time. */
interface ShardPublisher {
  /** Queues `batch` (its registrations, then its PutEvents call); a failure is kept for `finish` to throw. */
  send(batch: readonly ShardTarget[]): void;
  /** Waits for every batch sent, then throws the first failure (in the order sent), if any. */
  finish(): Promise<void>;
}

const shardPublisher = (ports: CoordinatorPorts, runId: string, registration: string): ShardPublisher => {
  const queue = new PQueue({ concurrency: COORDINATOR_CONCURRENCY });
  const outcomes: Promise<PromiseSettledResult<void>>[] = [];
  const publish = async (batch: readonly ShardTarget[]): Promise<void> => {
    // Registered before published: a shard never arrives before its registration.
    await Promise.all(batch.map((t) => recordOnce(ports, claimKey.sweepOrgShard(runId, t.account, t.region), registration)));
    const shards = batch.map((t) => ({
      detailType: SWEEP_SHARD_DETAIL_TYPE,
      // Named one by one: a counted target carries its count, which is not the shard's.
      detail: { runId, account: t.account, region: t.region } satisfies SweepShard,
      resources: [],
    }));
    await ports.bus.publish(shards, { retryFailedEntries: FAILED_ENTRY_RESENDS });
  };
  return {
    send: (batch) => {
      // Settled at once, so a batch that fails during the census is no unhandled rejection.
      outcomes.push(
        queue
          .add(() => publish(batch))
          .then(
            (): PromiseSettledResult<void> => ({ status: 'fulfilled', value: undefined }),
            (reason: unknown): PromiseSettledResult<void> => ({ status: 'rejected', reason }),
          ),
      );
    },
    finish: async () => {
      // Every batch is tried; then the first failure fails the invocation, and Lambda's retry
      // publishes again (a shard delivered twice is swept once).
      const failure = (await Promise.all(outcomes)).find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
};

/**
 * The census, publishing as it counts, paced by the sweep function's slots: counted targets wait
 * here, and each slot expected free takes the largest waiting ({@link releaseToFreeSlots}), so
 * the slots sweep while the rest of the organisation is counted and a large account-region
 * counted late still starts as soon as a slot frees. When the census ends, what is left goes out
 * at once (`afterCensus`): the largest counted first, then the uncounted.
 */
const publishWhileCounting = async (
  publisher: ShardPublisher,
  usual: readonly ShardTarget[],
  countOf: SecretCountOf,
  options: { readonly remainingMs: number; readonly slots: number },
): Promise<void> => {
  let slots: readonly number[] = Array.from({ length: options.slots }, () => 0);
  let waiting: readonly Counted[] = [];
  const arrived: Counted[] = [];
  let timer: NodeJS.Timeout | undefined;
  const release = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const next = releaseToFreeSlots({ slots, waiting: [...waiting, ...arrived.splice(0)] }, Date.now());
    ({ slots, waiting } = next.pacing);
    for (const batch of batchesOf(next.release)) publisher.send(batch);
    if (next.wakeAt !== undefined) timer = setTimeout(release, Math.max(0, next.wakeAt - Date.now()));
  };
  const started = Date.now();
  const census = await takeCensus(usual, countOf, {
    concurrency: CENSUS_CONCURRENCY,
    budgetMs: censusBudgetMs(options.remainingMs),
    onCounted: (place) => {
      arrived.push(place);
      // Only a free slot makes a count worth looking at now; otherwise the timer comes back for it.
      if (timer === undefined) release();
    },
  });
  // takeCensus hands over no count once it has returned: the pool is final, and no release is due.
  clearTimeout(timer);
  logger.info('organisation census taken', { counted: census.counted.length, unknown: census.unknown, ms: Date.now() - started });
  // Each target goes out once: the counted ones waiting (largest first), then the uncounted.
  const counted = new Set(census.counted.map(placeKey));
  for (const batch of batchesOf(afterCensus(usual, counted, [...waiting, ...arrived]))) publisher.send(batch);
};

/**
 * Publishes `usual`'s shards in the order of the sizes the last run recorded (shard-sizes.ts);
 * without them (the organisation's first run, or the record expired, or it named no
 * account-region), as a census of the time the invocation can spare counts them (census.ts); in
 * the usual order without either.
 */
const publishShards = async (
  ports: CoordinatorPorts,
  publisher: ShardPublisher,
  usual: readonly ShardTarget[],
  options: { readonly remainingMs: number | undefined; readonly slots: number },
): Promise<void> => {
  const recorded = await readShardSizes(ports);
  const { remainingMs, slots } = options;
  if ((recorded && recorded.shards.length > 0) || !ports.secretCountOf || remainingMs === undefined) {
    for (const batch of batchesOf(largestFirst(usual, recorded))) publisher.send(batch);
    return;
  }
  await publishWhileCounting(publisher, usual, ports.secretCountOf, { remainingMs, slots });
};

/**
 * Lists the scope, records the run, and publishes its shards, ten to a PutEvents call (the bus
 * adapter retries the entries PutEvents refused), the largest account-regions first: of the last
 * run (shard-sizes.ts) or, on a run without them, of the census (census.ts), published as it
 * counts. Each batch's shards are registered before the batch is published, so a shard never
 * arrives before its registration; the registration holds the run's size, known before the first
 * is published. Safe to run again for the same run (a retried schedule): registrations keep their
 * first value, and a shard delivered twice is swept once (the claim of its invocation).
 */
export const coordinateSweep = async (
  ports: CoordinatorPorts,
  input: {
    readonly runId: string;
    readonly hub: Hub;
    readonly now: Date;
    readonly policy: Policy;
    /** The invocation's time left: the census takes part of it. Absent: no census. */
    readonly remainingMs?: number;
  },
): Promise<Coordinated & { readonly run: OrganisationRun }> => {
  const { organisation } = input.policy;
  const accounts = await accountsInScope(ports.organizations, organisation, input.hub);
  const regions = [...guardedRegions(organisation, input.hub)];
  const recorded = await recordOnce(
    ports,
    claimKey.sweepOrg(input.runId),
    JSON.stringify({ startedAt: input.now.toISOString(), accounts, regions } satisfies OrganisationRun),
  );
  const run = z.parse(OrganisationRunSchema, JSON.parse(recorded));
  const usual = shardTargets(run.accounts, run.regions);
  const registration = JSON.stringify({ startedAt: run.startedAt, shards: usual.length } satisfies ShardRegistration);
  const publisher = shardPublisher(ports, input.runId, registration);
  // The largest account-regions first: the organisation finishes when they do.
  // The coordinator's own invocation holds one of the sweep function's slots while it publishes.
  const slots = Math.max(1, input.policy.organisation.sweepConcurrency - 1);
  await publishShards(ports, publisher, usual, { remainingMs: input.remainingMs, slots });
  await publisher.finish();
  logger.info('organisation sweep coordinated', { accounts: run.accounts.length, regions: run.regions.length, shards: usual.length });
  return { runId: input.runId, accounts: run.accounts.length, regions: run.regions.length, shards: usual.length, run };
};
