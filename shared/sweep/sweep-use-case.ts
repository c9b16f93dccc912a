/**
 * The sweep invocation (the sweep function's use case): on its schedule (or a continuation it sent itself), reads the whole account with
 * ListSecrets pages, publishes a "Secret Finding" per problem to the project bus — so the same
 * remediation and alerts follow as for events — and, at the end, one summary to the alert
 * topic. Read-only plus PutEvents and Publish. When the Lambda's time runs short it stops
 * between pages and sends a "Sweep Continuation" carrying the checkpoint; that event brings it
 * back to continue where it stopped, reading no shard twice.
 *
 * Organisation mode (`organisation.enabled`): the schedule starts the coordinator
 * (coordinator.ts), which publishes one "Sweep Shard" per account-region in scope; each shard is
 * a run of its own over the member's read role for that account and region, continuing itself
 * like any run; its figures are gathered in the ledger, and the last shard sends one
 * organisation summary instead of a summary per shard (coordinator-shards.ts).
 */
import { runSweep, type SweepCheckpoint, type SweepReads } from './run-sweep.js';
import { emptyCounts, type SweepCounts } from './summary.js';
import { renderSweepSummary } from './sweep-summary.js';
import { censusWindow, type SecretCountsFor } from './census.js';
import { coordinateSweep, type Hub, type ShardTarget } from './coordinator.js';
import { ListAccountError } from './list-account.js';
import { admitShard, checkShardRun, finishShard } from './coordinator-shards.js';
import { shardFigures } from './coordinator-summary.js';
import { readRecord, recordOnce } from './ledger-records.js';
import { type Continuation, MAX_CHECKPOINT_BYTES, SWEEP_CONTINUATION_DETAIL_TYPE, type Trigger } from '../contracts/sweep-continuation.js';
import { shardRunId, type SweepShard } from '../contracts/sweep-shard.js';
import { findingBusEvent } from '../contracts/finding.js';
import { InvalidEventError, PermissionDeniedError, RemediationError } from '../errors.js';
import { claimKey } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import { logger } from '../logger.js';
import { recordFinding, recordSweep } from '../metrics.js';
import type { Policy } from '../policy/schema.js';
import type { Clock, EventBusPort, LedgerPort, NotifierPort } from '../ports/index.js';
import type { OrganisationAccountsPort } from '../ports/organisation-accounts.js';

/**
 * An organisation's shard splits (or restarts) only a part of its listing estimated at 200 pages
 * (20,000 secrets) or more: about 30 s read as one chain at 150 ms a page. The shards run side by
 * side, so the organisation takes as long as its slowest account-region, and a chain of half a
 * minute is not it; splitting further buys seconds nobody waits for with the member's ListSecrets
 * quota, which its own applications share (every split drops a page and adds a partial last page
 * per child). From 100 pages, 100,000 secrets took 1,238 calls and 50,000 took 752; from 200,
 * 1,048 and 548, in 25 and 13 s (150 ms a call, 100 a second): one call a page, near enough. A
 * large account-region still splits to finish at the pace of its quota (500,000 secrets: a minute).
 */
export const SHARD_MIN_SPLIT_PAGES = 200;

/** Time kept back when stopping: the pages in flight, their findings' PutEvents, the continuation. */
export const RESERVE_MILLIS = 60_000;

export type SweepOutcome =
  | { readonly status: 'complete'; readonly runId: string; readonly counts: SweepCounts }
  /** This invocation of the run is (being) done by another delivery of the same event. */
  | { readonly status: 'duplicate'; readonly runId: string; readonly invocation: number }
  | { readonly status: 'continued'; readonly runId: string; readonly invocation: number; readonly secretsSoFar: number }
  /** Organisation mode: the schedule published one shard per account-region. */
  | { readonly status: 'coordinated'; readonly runId: string; readonly shards: number };

/**
 * The Secrets Manager reads of one account and region (`place`) for a deployment at `hub`:
 * through the member read role there (assumed for `session`, which CloudTrail in the member
 * shows), or the function's own in the hub's own account and region. Throws PermissionDeniedError
 * (MemberAccessError) naming the role when it cannot be assumed.
 */
export type SweepReadsFor = (request: { readonly hub: Hub; readonly place: ShardTarget; readonly session: string }) => Promise<SweepReads>;

/** What organisation mode adds: Organizations to list the scope, and the reads per account-region. */
export interface OrganisationSweepPorts {
  readonly accounts: OrganisationAccountsPort;
  readonly readsFor: SweepReadsFor;
  /** The secret counts for the census of a run without recorded sizes (census.ts); absent: no census. */
  readonly secretCounts?: SecretCountsFor;
}

export interface SweepPorts {
  readonly secrets: SweepReads;
  readonly bus: EventBusPort;
  readonly notifier: NotifierPort;
  readonly clock: Clock;
  /** Claims each invocation of a run, so a duplicated schedule or continuation event does not fork the run. */
  readonly ledger: LedgerPort;
  /** Present where organisation mode can run (the Lambda wires it; single-account tests need not). */
  readonly organisationSweep?: OrganisationSweepPorts;
}

/** The shard's read role could not be assumed. */
class UnreadableShardError extends Error {}

/** Whether `error` says the shard's account-region cannot be read at all: its read role, or its listing, refused. */
const isUnreadable = (error: unknown): error is Error =>
  error instanceof UnreadableShardError || (error instanceof ListAccountError && error.cause instanceof PermissionDeniedError);

/** Where a run reads, and how it ends: the single account's summary, or a shard's share of the organisation's. */
interface RunScope {
  readonly reads: SweepReads;
  readonly shard?: SweepShard;
  /** A shard's registration: the run's clock and size, from the coordinator's ledger entry. */
  readonly registration?: { readonly startedAt: string; readonly shards: number };
}

/**
 * The sweep use case over its ports: each call runs one invocation of a run (the one `trigger`
 * names), until the run is done or `shouldStop` says time is short.
 */
export const sweepUseCase = (ports: SweepPorts, settings: { readonly policy: Policy }) => {
  const { policy } = settings;

  /** When the run began, as its first invocation recorded it; a continuation of a run nobody started is refused. */
  const recordedStart = async (runId: string): Promise<string> => {
    const started = await readRecord(ports, claimKey.sweepStart(runId));
    if (started === undefined)
      throw new InvalidEventError([
        `detail.checkpoint.runId: no sweep run ${runId} started here (or its start is not recorded yet); a continuation only continues a run this sweep started`,
      ]);
    return started;
  };

  const organisationPorts = (): OrganisationSweepPorts => {
    if (!ports.organisationSweep)
      throw new InvalidEventError(['detail: this sweep function is not wired for organisation mode: it takes no shards']);
    return ports.organisationSweep;
  };

  /** The shard a trigger names, checked against the scope and the coordinator's registration; its reads. */
  const shardScope = async (trigger: Trigger, shard: SweepShard): Promise<RunScope> => {
    const hub = { account: trigger.event.account, region: trigger.event.region };
    const registration = await admitShard(ports, policy, hub, shard);
    if (trigger.continuation) checkShardRun(shard, trigger.continuation.checkpoint.runId);
    const reads = await organisationPorts()
      .readsFor({ hub, place: { account: shard.account, region: shard.region }, session: shardRunId(shard) })
      .catch((error: unknown) => {
        throw error instanceof PermissionDeniedError ? new UnreadableShardError(error.message, { cause: error }) : error;
      });
    return { reads, shard, registration };
  };

  /** One invocation's share of the run: list and judge until done or short of time. */
  const sweepOnce = async (
    trigger: Trigger,
    runId: string,
    invocation: number,
    shouldStop: () => boolean,
    remainingMs: number,
  ): Promise<SweepOutcome> => {
    const scope: RunScope = trigger.shard ? await shardScope(trigger, trigger.shard) : { reads: ports.secrets };
    // A shard's clock is its coordinator's (the ledger entry), never the time the event arrived or claims.
    const now = scope.registration ? new Date(scope.registration.startedAt) : ports.clock.now();
    const claimed = trigger.continuation?.checkpoint as SweepCheckpoint | undefined;
    // The run's clock is the one its first invocation recorded: a continuation is a claim on the
    // project bus, and its startedAt could move the checks' "now" anywhere.
    const resumeFrom = claimed ? { ...claimed, startedAt: await recordedStart(runId) } : undefined;
    if (!claimed) await recordOnce(ports, claimKey.sweepStart(runId), now.toISOString());
    const report = await runSweep(
      scope.reads,
      (findings) => ports.bus.publish(findings.map(findingBusEvent)).then(() => findings.forEach(recordFinding)),
      {
        policy,
        now,
        runId,
        ...(resumeFrom ? { resumeFrom } : {}),
        ...(scope.shard ? { minSplitPages: SHARD_MIN_SPLIT_PAGES } : {}),
        shouldStop,
      },
    );
    const listCalls = (trigger.continuation?.listCalls ?? 0) + report.listing.calls;
    if (report.checkpoint) {
      // PutEvents takes at most 256 KB an entry, envelope included: refuse clearly rather than
      // have EventBridge refuse the continuation (measured: ~30 KB at 500,000 secrets).
      if ((report.checkpointBytes ?? 0) > MAX_CHECKPOINT_BYTES) {
        throw new RemediationError(
          `the sweep's checkpoint is ${report.checkpointBytes} bytes, more than a continuation event can carry (${MAX_CHECKPOINT_BYTES})`,
        );
      }
      const next: Continuation = {
        checkpoint: report.checkpoint as unknown as Continuation['checkpoint'],
        invocation: invocation + 1,
        listCalls,
        ...(scope.shard ? { shard: scope.shard } : {}),
      };
      await ports.bus.publish([{ detailType: SWEEP_CONTINUATION_DETAIL_TYPE, detail: next, resources: [] }]);
      logger.info('sweep continues in a new invocation', { secretsSoFar: report.counts.secrets, findingsSoFar: report.counts.findings });
      return { status: 'continued', runId, invocation: invocation + 1, secretsSoFar: report.counts.secrets };
    }
    const finishedAt = ports.clock.now().toISOString();
    if (scope.shard && scope.registration) {
      const figures = shardFigures(scope.shard, report.counts, { listCalls, invocations: invocation, finishedAt });
      await finishShard(ports, {
        shard: scope.shard,
        figures,
        registration: scope.registration,
        hub: { account: trigger.event.account, region: trigger.event.region },
        remainingMs,
      });
    } else {
      const where = { account: trigger.event.account, region: trigger.event.region };
      await ports.notifier.publish(
        renderSweepSummary({
          runId,
          ...where,
          startedAt: report.startedAt,
          finishedAt,
          invocations: invocation,
          counts: report.counts,
          listCalls,
        }),
      );
    }
    logger.info('sweep complete', { counts: report.counts, listCalls });
    recordSweep({
      secrets: report.counts.secrets,
      findings: report.counts.findings,
      listCalls,
      durationMs: ports.clock.now().getTime() - Date.parse(report.startedAt),
    });
    return { status: 'complete', runId, counts: report.counts };
  };

  /**
   * A shard whose account-region cannot be read at all (its read role not assumable, ListSecrets
   * refused) is a finished shard with a reason, not a failed invocation: retrying cannot fix it,
   * and the organisation summary must still go out, naming it.
   */
  const sweepShardOrRecordRefusal = async (
    trigger: Trigger,
    runId: string,
    invocation: number,
    shouldStop: () => boolean,
    remainingMs: number,
  ): Promise<SweepOutcome> => {
    try {
      return await sweepOnce(trigger, runId, invocation, shouldStop, remainingMs);
    } catch (error) {
      const shard = trigger.shard;
      if (!isUnreadable(error) || !shard) throw error;
      const hub = { account: trigger.event.account, region: trigger.event.region };
      const registration = await admitShard(ports, policy, hub, shard);
      logger.error('shard not readable: recorded as such for the organisation summary', {
        account: shard.account,
        region: shard.region,
        error,
      });
      const figures = shardFigures(shard, emptyCounts(), {
        listCalls: trigger.continuation?.listCalls ?? 0,
        invocations: invocation,
        finishedAt: ports.clock.now().toISOString(),
        failed: error.message,
      });
      await finishShard(ports, { shard, figures, registration, hub, remainingMs });
      return { status: 'complete', runId, counts: emptyCounts() };
    }
  };

  /** Organisation mode's schedule: the coordinator, once per run. */
  const coordinate = async (trigger: Trigger, runId: string, remainingMs: number): Promise<SweepOutcome> => {
    const { accounts, secretCounts } = organisationPorts();
    const hub = { account: trigger.event.account, region: trigger.event.region };
    const now = ports.clock.now();
    const window = censusWindow(now);
    const coordinated = await coordinateSweep(
      {
        ledger: ports.ledger,
        clock: ports.clock,
        bus: ports.bus,
        organizations: accounts,
        ...(secretCounts ? { secretCountOf: (place: ShardTarget) => secretCounts({ hub, place, session: runId, window }) } : {}),
      },
      { runId, hub, now, policy, remainingMs },
    );
    return { status: 'coordinated', runId, shards: coordinated.shards };
  };

  /**
   * One invocation of a run, done once under `sweep#<run>#<invocation>` through the claim
   * protocol (shared/ledger/once.ts). `remainingMs`: the invocation's time left.
   */
  return async (trigger: Trigger, shouldStop: () => boolean, remainingMs: number): Promise<SweepOutcome> => {
    const scheduled = !trigger.continuation && !trigger.shard;
    const runId =
      trigger.continuation?.checkpoint.runId ?? (trigger.shard ? shardRunId(trigger.shard) : runIdOf(trigger.event.time, trigger.event.id));
    const invocation = trigger.continuation?.invocation ?? 1;
    logger.appendKeys({ runId, invocation, ...(trigger.shard ? { account: trigger.shard.account, region: trigger.shard.region } : {}) });
    if (trigger.shard && !policy.organisation.enabled) {
      throw new InvalidEventError([
        `detail: shard ${trigger.shard.account}/${trigger.shard.region} refused: organisation mode is off (organisation.enabled is false)`,
      ]);
    }
    const work =
      scheduled && policy.organisation.enabled
        ? () => coordinate(trigger, runId, remainingMs)
        : () => sweepShardOrRecordRefusal(trigger, runId, invocation, shouldStop, remainingMs);
    // EventBridge delivers at least once: a second delivery of the same schedule or continuation
    // would read the same shards again and fork the run (two chains, two summaries, twice the quota).
    const swept = await once(ports, claimKey.sweep(runId, invocation), work, {
      remainingMs,
      encode: (outcome) => outcome.status,
      decode: (): SweepOutcome => ({ status: 'duplicate', runId, invocation }),
    });
    if (swept.kind === 'done') return swept.value;
    logger.info('sweep invocation handled by another delivery');
    return { status: 'duplicate', runId, invocation };
  };
};

/** `sweep-20261125T0300Z-1a2b3c4d`: sortable by time, unique per scheduled event. */
const runIdOf = (time: string, eventId: string): string =>
  `sweep-${time.replace(/[-:]/g, '').replace(/\.\d+/, '').slice(0, 13)}Z-${eventId.replace(/[^\w]/g, '').slice(0, 8)}`;
