/**
 * sweep: on its schedule (or a continuation it sent itself), reads the whole account with
 * ListSecrets pages, publishes a "Secret Finding" per problem to the project bus — so the same
 * remediation and alerts follow as for events — and, at the end, one summary to the alert
 * topic. Read-only plus PutEvents and Publish. When the Lambda's time runs short it stops
 * between pages and sends a "Sweep Continuation" carrying the checkpoint; that event brings it
 * back to continue where it stopped, reading no shard twice.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { parseWith } from '../contracts/cloudtrail-event.js';
import { EventBridgeEnvelopeSchema } from '../contracts/eventbridge-envelope.js';
import { findingBusEvent, SERVICE_SOURCE } from '../contracts/finding.js';
import { InvalidEventError, RemediationError } from '../errors.js';
import { logger } from '../logger.js';
import { type Rejected, settleErrors } from '../middleware/settle-errors.js';
import type { Policy } from '../policy/schema.js';
import type { Clock, EventBusPort, LedgerPort, NotifierPort } from '../ports/index.js';
import { runSweep, type SweepCheckpoint, type SweepReads } from '../sweep/run-sweep.js';
import type { SweepCounts } from '../sweep/summary.js';
import { renderSweepSummary } from '../sweep/sweep-summary.js';

export const SWEEP_CONTINUATION_DETAIL_TYPE = 'Sweep Continuation';

/** What a continuation's checkpoint may weigh: PutEvents' 256 KB, less room for the envelope. */
const MAX_CHECKPOINT_BYTES = 240 * 1024;

/** Time kept back when stopping: the pages in flight, their findings' PutEvents, the continuation. */
export const RESERVE_MILLIS = 60_000;

export type SweepOutcome =
  | { readonly status: 'complete'; readonly runId: string; readonly counts: SweepCounts }
  /** This invocation of the run is (being) done by another delivery of the same event. */
  | { readonly status: 'duplicate'; readonly runId: string; readonly invocation: number }
  | { readonly status: 'continued'; readonly runId: string; readonly invocation: number; readonly secretsSoFar: number }
  | Rejected;

/** What a continuation carries: the checkpoint, and how many invocations the run has taken. */
const ContinuationSchema = z.object({
  checkpoint: z.looseObject({ version: z.literal(1), runId: z.string().min(1), startedAt: z.iso.datetime({ offset: true }) }),
  invocation: z.number().int().min(1),
  /** ListSecrets calls made by the earlier invocations. */
  listCalls: z.number().int().min(0),
});
type Continuation = z.infer<typeof ContinuationSchema>;

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

export const makeHandler = (ports: SweepPorts, settings: { readonly policy: Policy }) => {
  /** One invocation's share of the run: list and judge until done or short of time. */
  const sweepOnce = async (trigger: Trigger, runId: string, invocation: number, context: Context): Promise<SweepOutcome> => {
    const resumeFrom = trigger.continuation?.checkpoint as SweepCheckpoint | undefined;
    const report = await runSweep(ports.secrets, (findings) => ports.bus.publish(findings.map(findingBusEvent)), {
      policy: settings.policy,
      now: ports.clock.now(),
      runId,
      ...(resumeFrom ? { resumeFrom } : {}),
      shouldStop: () => context.getRemainingTimeInMillis() < RESERVE_MILLIS,
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
    return { status: 'complete', runId, counts: report.counts };
  };

  return middy<unknown, SweepOutcome, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(settleErrors(logger))
    .handler(async (raw, context): Promise<SweepOutcome> => {
      const trigger = parseTrigger(raw);
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
        const outcome = await sweepOnce(trigger, runId, invocation, context);
        await ports.ledger.complete(key, outcome.status, new Date(now + REMEMBER_MILLIS));
        return outcome;
      } catch (error) {
        // Lambda's retry of this invocation must be able to run it.
        await ports.ledger.release(key);
        throw error;
      }
    });
};

/** `sweep-20261125T0300Z-1a2b3c4d`: sortable by time, unique per scheduled event. */
const runIdOf = (time: string, eventId: string): string =>
  `sweep-${time.replace(/[-:]/g, '').replace(/\.\d+/, '').slice(0, 13)}Z-${eventId.replace(/[^\w]/g, '').slice(0, 8)}`;

interface Trigger {
  readonly event: z.infer<typeof EventBridgeEnvelopeSchema>;
  readonly continuation?: Continuation;
}

const parseTrigger = (raw: unknown): Trigger => {
  const event = parseWith(EventBridgeEnvelopeSchema, raw);
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') return { event };
  if (event.source === SERVICE_SOURCE && event['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE) {
    const parsed = ContinuationSchema.safeParse(event.detail);
    if (!parsed.success) throw new InvalidEventError(parsed.error.issues.map((i) => `detail.${i.path.join('.')}: ${i.message}`));
    return { event, continuation: parsed.data };
  }
  throw new InvalidEventError([`detail-type: expected a 'Scheduled Event' from aws.events or '${SWEEP_CONTINUATION_DETAIL_TYPE}' from ${SERVICE_SOURCE}`]);
};
