/**
 * "Sweep Continuation": the event the sweep sends itself on the project bus when its time runs
 * short, carrying the checkpoint and how far the run has come; its arrival starts the next
 * invocation where the last one stopped. A scheduled event (from aws.events) starts a run; in
 * organisation mode it starts the coordinator, whose "Sweep Shard" events (sweep-shard.ts) start
 * one run per account and region, and a shard's continuation names its shard.
 */
import * as z from './zod.js';
import { parseWith } from './cloudtrail-event.js';
import { EventBridgeEnvelopeSchema } from './eventbridge-envelope.js';
import { SERVICE_SOURCE } from './finding.js';
import { SWEEP_SHARD_DETAIL_TYPE, type SweepShard, SweepShardSchema } from './sweep-shard.js';
import { InvalidEventError } from '../errors.js';
import { describeIssues } from './zod-issues.js';

export const SWEEP_CONTINUATION_DETAIL_TYPE = 'Sweep Continuation';

/** What a continuation's checkpoint may weigh: PutEvents' 256 KB, less room for the envelope. */
export const MAX_CHECKPOINT_BYTES = 240 * 1024;

/** What a continuation carries: the checkpoint, and how many invocations the run has taken. */
export const ContinuationSchema = z.object({
  checkpoint: z.looseObject({
    version: z.literal(1),
    runId: z.string().check(z.minLength(1)),
    startedAt: z.iso.datetime({ offset: true }),
  }),
  invocation: z.int().check(z.minimum(1)),
  /** ListSecrets calls made by the earlier invocations. */
  listCalls: z.int().check(z.minimum(0)),
  /** The account-region an organisation sweep's shard reads; absent for the single-account sweep. */
  shard: z.optional(SweepShardSchema),
});
export type Continuation = z.infer<typeof ContinuationSchema>;

/** What starts an invocation of the sweep: the schedule, a continuation, or an organisation sweep's shard. */
export interface Trigger {
  readonly event: z.infer<typeof EventBridgeEnvelopeSchema>;
  readonly continuation?: Continuation;
  readonly shard?: SweepShard;
}

const detailOf = <S extends z.core.$ZodType>(schema: S, detail: unknown): z.infer<S> => {
  const parsed = z.safeParse(schema, detail);
  if (!parsed.success) throw new InvalidEventError(describeIssues(parsed.error, { under: 'detail' }));
  return parsed.data;
};

/** The trigger of an invocation; an InvalidEventError for any other event, or a forged continuation. */
export const parseTrigger = (raw: unknown): Trigger => {
  const event = parseWith(EventBridgeEnvelopeSchema, raw);
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') return { event };
  if (event.source === SERVICE_SOURCE && event['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE) {
    const continuation = detailOf(ContinuationSchema, event.detail);
    return { event, continuation, ...(continuation.shard ? { shard: continuation.shard } : {}) };
  }
  if (event.source === SERVICE_SOURCE && event['detail-type'] === SWEEP_SHARD_DETAIL_TYPE)
    return { event, shard: detailOf(SweepShardSchema, event.detail) };
  throw new InvalidEventError([
    `detail-type: expected a 'Scheduled Event' from aws.events, or '${SWEEP_CONTINUATION_DETAIL_TYPE}' or '${SWEEP_SHARD_DETAIL_TYPE}' from ${SERVICE_SOURCE}`,
  ]);
};
