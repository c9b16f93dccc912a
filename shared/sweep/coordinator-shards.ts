/**
 * A shard of an organisation sweep, before and after its sweep: proving it belongs to its run
 * (the coordinator's registration in the ledger, and the policy's scope), and, when it has
 * finished, recording its figures, counting it once, and — when it is the last — sending the one
 * organisation summary.
 */
import * as z from '../contracts/zod.js';
import PQueue from 'p-queue';
import { shardRunId, type SweepShard } from '../contracts/sweep-shard.js';
import { InvalidEventError } from '../errors.js';
import { claimKey, rememberFrom, scopeKey } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import { logger } from '../logger.js';
import type { Policy } from '../policy/schema.js';
import type { MemberTarget } from '../ports/member-access.js';
import type { NotifierPort } from '../ports/notifier.js';
import { memberTarget } from '../domain/organisation-scope.js';
import type { SweepReads } from './run-sweep.js';
import type { SweepReadsFor } from './sweep-use-case.js';
import {
  type Hub,
  OrganisationRunSchema,
  type ShardRegistration,
  ShardRegistrationSchema,
  shardScopeProblem,
  shardTargets,
} from './coordinator.js';
import { renderOrganisationSummary, type ShardFigures, ShardFiguresSchema } from './coordinator-summary.js';
import { type RecordPorts, readRecord, recordOnce } from './ledger-records.js';
import { recordShardSizes } from './shard-sizes.js';

/** Ledger reads the last shard has in flight while it gathers the figures. */
const GATHER_CONCURRENCY = 25;

const parseJson = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The shard's registration, once the claim it makes is checked: in the policy's scope, and
 * registered by the coordinator of its run. A shard event is a claim on the project bus: one for
 * an account outside the scope, or for a run that did not register it, is refused (InvalidEventError).
 */
export const admitShard = async (ports: RecordPorts, policy: Policy, hub: Hub, shard: SweepShard): Promise<ShardRegistration> => {
  const problem = shardScopeProblem(policy.organisation, hub, shard);
  if (problem) throw new InvalidEventError([`detail: shard ${shard.account}/${shard.region} refused: ${problem}`]);
  const registered = z.safeParse(
    ShardRegistrationSchema,
    parseJson(await readRecord(ports, claimKey.sweepOrgShard(shard.runId, shard.account, shard.region))),
  );
  if (!registered.success) {
    throw new InvalidEventError([
      `detail: shard ${shard.account}/${shard.region} refused: run ${shard.runId}'s coordinator did not register it (not in the run's scope, or no such run)`,
    ]);
  }
  return registered.data;
};

/** A shard's continuation must continue that shard's own run, not another's. */
export const checkShardRun = (shard: SweepShard, checkpointRunId: string): void => {
  if (checkpointRunId !== shardRunId(shard)) {
    throw new InvalidEventError([
      `detail.checkpoint.runId: ${checkpointRunId} is not the run of shard ${shard.account}/${shard.region} (${shardRunId(shard)})`,
    ]);
  }
};

export interface FinishPorts extends RecordPorts {
  readonly notifier: NotifierPort;
}

export type ShardFinish =
  | { readonly last: false; readonly done: number; readonly shards: number }
  | { readonly last: true; readonly done: number; readonly shards: number; readonly summarySent: boolean };

/**
 * Records the shard's figures, counts it once towards its run, and when it is the last shard,
 * gathers every shard's figures and sends the organisation summary (once). Safe to repeat: the
 * figures keep their first value, the count is taken once per shard (a redelivery reads the
 * count it took), the summary is claimed.
 */
export const finishShard = async (
  ports: FinishPorts,
  input: {
    readonly shard: SweepShard;
    readonly figures: ShardFigures;
    readonly registration: ShardRegistration;
    readonly hub: Hub;
    readonly remainingMs: number;
  },
): Promise<ShardFinish> => {
  const { shard, registration } = input;
  await recordOnce(ports, claimKey.sweepOrgShardFigures(shard.runId, shard.account, shard.region), JSON.stringify(input.figures));
  // The same expiry for every shard of the run, so they all count on one item.
  const until = rememberFrom(new Date(registration.startedAt));
  const counted = await once(
    ports,
    claimKey.sweepOrgShardCounted(shard.runId, shard.account, shard.region),
    () => ports.ledger.count(scopeKey.sweepOrgShardsDone(shard.runId), until),
    {
      remainingMs: input.remainingMs,
      encode: String,
      decode: Number,
    },
  );
  if (counted.kind === 'in-progress') return { last: false, done: 0, shards: registration.shards };
  const done = counted.value;
  if (done < registration.shards) return { last: false, done, shards: registration.shards };
  const sent = await once(
    ports,
    claimKey.sweepOrgSummary(shard.runId),
    () => sendSummary(ports, shard.runId, input.hub, registration.shards),
    { remainingMs: input.remainingMs },
  );
  return { last: true, done, shards: registration.shards, summarySent: sent.kind === 'done' };
};

/** Reads the run and every shard's figures from the ledger, and publishes the organisation summary. */
const sendSummary = async (ports: FinishPorts, runId: string, hub: Hub, expectedShards: number): Promise<true> => {
  const run = z.parse(OrganisationRunSchema, parseJson(await readRecord(ports, claimKey.sweepOrg(runId))));
  const queue = new PQueue({ concurrency: GATHER_CONCURRENCY });
  const read = await Promise.all(
    shardTargets(run.accounts, run.regions).map((t) =>
      queue.add(async () =>
        z.safeParse(ShardFiguresSchema, parseJson(await readRecord(ports, claimKey.sweepOrgShardFigures(runId, t.account, t.region)))),
      ),
    ),
  );
  const shards = read.flatMap((figures) => (figures.success ? [figures.data] : []));
  const message = renderOrganisationSummary(
    { runId, hub, startedAt: run.startedAt, accounts: run.accounts.length, regions: run.regions, shards, expectedShards },
    ports.clock.now().toISOString(),
  );
  await ports.notifier.publish(message);
  logger.info('organisation sweep complete', { runId, shards: shards.length, expectedShards });
  // For the next run's order only: a failure here must not send the summary again.
  await recordShardSizes(ports, runId, shards).catch((error: unknown) =>
    logger.warn('shard sizes not recorded: the next run publishes its shards in the usual order', {
      runId,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return true;
};

/**
 * The shards' reads: each account-region through its member read role (`memberTarget`: the
 * function's own credentials in the hub's own account and region), the session named after the
 * shard's run so CloudTrail in the member ties the reads to it. `reads`: the adapter that reaches a target.
 */
export const sweepReadsThroughMembers =
  (organisation: Policy['organisation'], stage: string, reads: (target: MemberTarget) => Promise<SweepReads>): SweepReadsFor =>
  ({ hub, place, session }) =>
    reads(memberTarget({ organisation, stage, hub, place, role: 'read', session }));
