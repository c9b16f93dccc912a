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
import { RemediationError } from '../errors.js';
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

/** Longer than the function's timeout (900 s): a live invocation keeps its claim. */
const CLAIM_MILLIS = 16 * 60_000;
const REMEMBER_MILLIS = 48 * 3_600_000;

/**
 * The sweep use case over its ports: each call runs one invocation of a run (the one `trigger`
 * names), until the run is done or `shouldStop` says time is short.
 */
export const sweepUseCase = (ports: SweepPorts, settings: { readonly policy: Policy }) => {
  /** One invocation's share of the run: list and judge until done or short of time. */
  const sweepOnce = async (trigger: Trigger, runId: string, invocation: number, shouldStop: () => boolean): Promise<SweepOutcome> => {
    const resumeFrom = trigger.continuation?.checkpoint as SweepCheckpoint | undefined;
    const report = await runSweep(ports.secrets, (findings) => ports.bus.publish(findings.map(findingBusEvent)).then(() => findings.forEach(recordFinding)), {
      policy: settings.policy,
      now: ports.clock.now(),
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
   * The claim on `sweep#<run>#<invocation>` (claim, sweep, complete, or release on failure) is
   * this use case's exactly-once protocol.
   */
  return async (trigger: Trigger, shouldStop: () => boolean): Promise<SweepOutcome> => {
    const runId = trigger.continuation?.checkpoint.runId ?? runIdOf(trigger.event.time, trigger.event.id);
    const invocation = trigger.continuation?.invocation ?? 1;
    logger.appendKeys({ runId, invocation });
    // EventBridge delivers at least once: a second delivery of the same schedule or continuation
    // would read the same shards again and fork the run (two chains, two summaries, twice the quota).
    const key = `sweep#${runId}#${invocation}`;
    const now = ports.clock.now().getTime();
    const claim = await ports.ledger.claim(key, new Date(now + CLAIM_MILLIS));
    if (!claim.claimed) {
      logger.info('sweep invocation handled by another delivery');
      return { status: 'duplicate', runId, invocation };
    }
    try {
      const outcome = await sweepOnce(trigger, runId, invocation, shouldStop);
      await ports.ledger.complete(key, outcome.status, new Date(now + REMEMBER_MILLIS));
      return outcome;
    } catch (error) {
      // Lambda's retry of this invocation must be able to run it.
      await ports.ledger.release(key);
      throw error;
    }
  };
};

/** `sweep-20261125T0300Z-1a2b3c4d`: sortable by time, unique per scheduled event. */
const runIdOf = (time: string, eventId: string): string =>
  `sweep-${time.replace(/[-:]/g, '').replace(/\.\d+/, '').slice(0, 13)}Z-${eventId.replace(/[^\w]/g, '').slice(0, 8)}`;

