/**
 * The sweep invocation (the sweep function's use case): on its schedule (or a continuation it sent itself), reads the whole account with
 * ListSecrets pages, publishes a "Secret Finding" per problem to the project bus — so the same
 * remediation and alerts follow as for events — and, at the end, one summary to the alert
 * topic. Read-only plus PutEvents and Publish. When the Lambda's time runs short it stops
 * between pages and sends a "Sweep Continuation" carrying the checkpoint; that event brings it
 * back to continue where it stopped, reading no shard twice.
 */
import { runSweep, type SweepCheckpoint, type SweepReads } from './run-sweep.js';
import type { SweepCounts } from './summary.js';
import { renderSweepSummary } from './sweep-summary.js';
import { type Continuation, MAX_CHECKPOINT_BYTES, SWEEP_CONTINUATION_DETAIL_TYPE, type Trigger } from '../contracts/sweep-continuation.js';
import { findingBusEvent } from '../contracts/finding.js';
import { InvalidEventError, RemediationError } from '../errors.js';
import { claimKey, REMEMBER_MS } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import { logger } from '../logger.js';
import { recordFinding, recordSweep } from '../metrics.js';
import type { Policy } from '../policy/schema.js';
import type { Clock, EventBusPort, LedgerPort, NotifierPort } from '../ports/index.js';

/** Time kept back when stopping: the pages in flight, their findings' PutEvents, the continuation. */
export const RESERVE_MILLIS = 60_000;

export type SweepOutcome =
  | { readonly status: 'complete'; readonly runId: string; readonly counts: SweepCounts }
  /** This invocation of the run is (being) done by another delivery of the same event. */
  | { readonly status: 'duplicate'; readonly runId: string; readonly invocation: number }
  | { readonly status: 'continued'; readonly runId: string; readonly invocation: number; readonly secretsSoFar: number };

export interface SweepPorts {
  readonly secrets: SweepReads;
  readonly bus: EventBusPort;
  readonly notifier: NotifierPort;
  readonly clock: Clock;
  /** Claims each invocation of a run, so a duplicated schedule or continuation event does not fork the run. */
  readonly ledger: LedgerPort;
}

/**
 * The sweep use case over its ports: each call runs one invocation of a run (the one `trigger`
 * names), until the run is done or `shouldStop` says time is short.
 */
/**
 * How long the run-start record is held while it is written or probed: it is completed (or
 * released) within the same call, so this only has to outlast that call.
 */
const START_RECORD_HOLD_MS = 60_000;

export const sweepUseCase = (ports: SweepPorts, settings: { readonly policy: Policy }) => {
  const recordStart = async (runId: string, now: Date): Promise<void> => {
    const key = claimKey.sweepStart(runId);
    const claim = await ports.ledger.claim(key, new Date(now.getTime() + START_RECORD_HOLD_MS));
    if (claim.claimed) await ports.ledger.complete(key, now.toISOString(), new Date(now.getTime() + REMEMBER_MS));
  };

  /** When the run began, as its first invocation recorded it; a continuation of a run nobody started is refused. */
  const recordedStart = async (runId: string): Promise<string> => {
    const key = claimKey.sweepStart(runId);
    const claim = await ports.ledger.claim(key, new Date(ports.clock.now().getTime() + START_RECORD_HOLD_MS));
    if (claim.claimed) {
      await ports.ledger.release(key);
      throw new InvalidEventError([`detail.checkpoint.runId: no sweep run ${runId} started here; a continuation only continues a run this sweep started`]);
    }
    if (claim.outcome === undefined) throw new InvalidEventError([`detail.checkpoint.runId: the start of sweep run ${runId} is not recorded`]);
    return claim.outcome;
  };

  /** One invocation's share of the run: list and judge until done or short of time. */
  const sweepOnce = async (trigger: Trigger, runId: string, invocation: number, shouldStop: () => boolean): Promise<SweepOutcome> => {
    const now = ports.clock.now();
    const claimed = trigger.continuation?.checkpoint as SweepCheckpoint | undefined;
    // The run's clock is the one its first invocation recorded: a continuation is a claim on the
    // project bus, and its startedAt could move the checks' "now" anywhere.
    const resumeFrom = claimed ? { ...claimed, startedAt: await recordedStart(runId) } : undefined;
    if (!claimed) await recordStart(runId, now);
    const report = await runSweep(ports.secrets, (findings) => ports.bus.publish(findings.map(findingBusEvent)).then(() => findings.forEach(recordFinding)), {
      policy: settings.policy,
      now,
      runId,
      ...(resumeFrom ? { resumeFrom } : {}),
      shouldStop,
    });
    const listCalls = (trigger.continuation?.listCalls ?? 0) + report.listing.calls;
    if (report.checkpoint) {
      // PutEvents takes at most 256 KB an entry, envelope included: refuse clearly rather than
      // have EventBridge refuse the continuation (measured: ~30 KB at 500,000 secrets).
      if ((report.checkpointBytes ?? 0) > MAX_CHECKPOINT_BYTES) {
        throw new RemediationError(`the sweep's checkpoint is ${report.checkpointBytes} bytes, more than a continuation event can carry (${MAX_CHECKPOINT_BYTES})`);
      }
      const next: Continuation = { checkpoint: report.checkpoint as unknown as Continuation['checkpoint'], invocation: invocation + 1, listCalls };
      await ports.bus.publish([{ detailType: SWEEP_CONTINUATION_DETAIL_TYPE, detail: next, resources: [] }]);
      logger.info('sweep continues in a new invocation', { secretsSoFar: report.counts.secrets, findingsSoFar: report.counts.findings });
      return { status: 'continued', runId, invocation: invocation + 1, secretsSoFar: report.counts.secrets };
    }
    const summary = renderSweepSummary({
      runId,
      account: trigger.event.account,
      region: trigger.event.region,
      startedAt: report.startedAt,
      finishedAt: ports.clock.now().toISOString(),
      invocations: invocation,
      counts: report.counts,
      listCalls,
    });
    await ports.notifier.publish(summary);
    logger.info('sweep complete', { counts: report.counts, listCalls });
    recordSweep({ secrets: report.counts.secrets, findings: report.counts.findings, listCalls, durationMs: ports.clock.now().getTime() - Date.parse(report.startedAt) });
    return { status: 'complete', runId, counts: report.counts };
  };

  /**
   * One invocation of a run, done once under `sweep#<run>#<invocation>` through the claim
   * protocol (shared/ledger/once.ts). `remainingMs`: the invocation's time left.
   */
  return async (trigger: Trigger, shouldStop: () => boolean, remainingMs: number): Promise<SweepOutcome> => {
    const runId = trigger.continuation?.checkpoint.runId ?? runIdOf(trigger.event.time, trigger.event.id);
    const invocation = trigger.continuation?.invocation ?? 1;
    logger.appendKeys({ runId, invocation });
    // EventBridge delivers at least once: a second delivery of the same schedule or continuation
    // would read the same shards again and fork the run (two chains, two summaries, twice the quota).
    const swept = await once(ports, claimKey.sweep(runId, invocation), () => sweepOnce(trigger, runId, invocation, shouldStop), {
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

