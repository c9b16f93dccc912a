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
import { CENSUS_CONCURRENCY, censusBudgetMs, censusSizes, type SecretCountOf, takeCensus } from './census.js';
import { type RecordPorts, recordOnce } from './ledger-records.js';
import { largestFirst, readShardSizes, type ShardSizes } from './shard-sizes.js';

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

/**
 * The sizes to order the shards by: those the last run recorded (shard-sizes.ts); without them
 * (the organisation's first run, or the record expired, or it named no account-region) a census
 * of `targets` within the time the invocation can spare (census.ts); undefined without either.
 */
const sizesFor = async (
  ports: CoordinatorPorts,
  targets: readonly ShardTarget[],
  input: { readonly runId: string; readonly remainingMs?: number | undefined },
): Promise<ShardSizes | undefined> => {
  const recorded = await readShardSizes(ports);
  if (recorded && recorded.shards.length > 0) return recorded;
  if (!ports.secretCountOf || input.remainingMs === undefined) return recorded;
  const started = Date.now();
  const census = await takeCensus(targets, ports.secretCountOf, {
    concurrency: CENSUS_CONCURRENCY,
    budgetMs: censusBudgetMs(input.remainingMs),
  });
  logger.info('organisation census taken', { counted: census.counted.length, unknown: census.unknown, ms: Date.now() - started });
  return censusSizes(input.runId, census);
};

/**
 * Lists the scope, records the run, and publishes its shards, ten to a PutEvents call (the bus
 * adapter retries the entries PutEvents refused), the largest account-regions first: of the last
 * run (shard-sizes.ts) or, on a run without them, of the census (census.ts). Each batch's shards are registered before the
 * batch is published, so a shard never arrives before its registration. Safe to run again for
 * the same run (a retried schedule): registrations keep their first value, and a shard delivered
 * twice is swept once (the claim of its invocation).
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
  // The largest account-regions first: the organisation finishes when they do.
  const usual = shardTargets(run.accounts, run.regions);
  const targets = largestFirst(usual, await sizesFor(ports, usual, input));
  const registration = JSON.stringify({ startedAt: run.startedAt, shards: targets.length } satisfies ShardRegistration);

  const queue = new PQueue({ concurrency: COORDINATOR_CONCURRENCY });
  const batches: ShardTarget[][] = [];
  for (let start = 0; start < targets.length; start += SHARDS_PER_PUT) batches.push(targets.slice(start, start + SHARDS_PER_PUT));
  const sent = await Promise.allSettled(
    batches.map((batch) =>
      queue.add(async () => {
        await Promise.all(batch.map((t) => recordOnce(ports, claimKey.sweepOrgShard(input.runId, t.account, t.region), registration)));
        const shards = batch.map((t) => ({
          detailType: SWEEP_SHARD_DETAIL_TYPE,
          detail: { runId: input.runId, ...t } satisfies SweepShard,
          resources: [],
        }));
        await ports.bus.publish(shards, { retryFailedEntries: FAILED_ENTRY_RESENDS });
      }),
    ),
  );
  // Every batch is tried; then the first failure fails the invocation, and Lambda's retry
  // publishes again (a shard delivered twice is swept once).
  const failure = sent.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  logger.info('organisation sweep coordinated', { accounts: run.accounts.length, regions: run.regions.length, shards: targets.length });
  return { runId: input.runId, accounts: run.accounts.length, regions: run.regions.length, shards: targets.length, run };
};
