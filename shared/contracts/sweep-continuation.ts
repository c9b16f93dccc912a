/**
 * "Sweep Continuation": the event the sweep sends itself on the project bus when its time runs
 * short, carrying the checkpoint and how far the run has come; its arrival starts the next
 * invocation where the last one stopped. A scheduled event (from aws.events) starts a run.
 */
import * as z from './zod.js';
import { parseWith } from './cloudtrail-event.js';
import { EventBridgeEnvelopeSchema } from './eventbridge-envelope.js';
import { SERVICE_SOURCE } from './finding.js';
import { InvalidEventError } from '../errors.js';
import { describeIssues } from './zod-issues.js';

export const SWEEP_CONTINUATION_DETAIL_TYPE = 'Sweep Continuation';

/** What a continuation's checkpoint may weigh: PutEvents' 256 KB, less room for the envelope. */
export const MAX_CHECKPOINT_BYTES = 240 * 1024;

/** What a continuation carries: the checkpoint, and how many invocations the run has taken. */
export const ContinuationSchema = z.object({
  checkpoint: z.looseObject({ version: z.literal(1), runId: z.string().check(z.minLength(1)), startedAt: z.iso.datetime({ offset: true }) }),
  invocation: z.int().check(z.minimum(1)),
  /** ListSecrets calls made by the earlier invocations. */
  listCalls: z.int().check(z.minimum(0)),
});
export type Continuation = z.infer<typeof ContinuationSchema>;

/** What starts an invocation of the sweep: the schedule, or a continuation. */
export interface Trigger {
  readonly event: z.infer<typeof EventBridgeEnvelopeSchema>;
  readonly continuation?: Continuation;
}

/** The trigger of an invocation; an InvalidEventError for any other event, or a forged continuation. */
export const parseTrigger = (raw: unknown): Trigger => {
  const event = parseWith(EventBridgeEnvelopeSchema, raw);
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') return { event };
  if (event.source === SERVICE_SOURCE && event['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE) {
    const parsed = ContinuationSchema.safeParse(event.detail);
    if (!parsed.success) throw new InvalidEventError(describeIssues(parsed.error, { under: 'detail' }));
    return { event, continuation: parsed.data };
  }
  throw new InvalidEventError([`detail-type: expected a 'Scheduled Event' from aws.events or '${SWEEP_CONTINUATION_DETAIL_TYPE}' from ${SERVICE_SOURCE}`]);
};
