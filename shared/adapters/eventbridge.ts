/**
 * EventBusPort over the AWS SDK v3 EventBridge client: PutEvents in batches of 10 (the API's
 * limit), up to `MAX_CALLS_IN_FLIGHT` at once. A sweep page can carry hundreds of findings, and a
 * sweep thousands of pages: one call after another, the publishing would take longer than the
 * judging. Ten in flight stay far below PutEvents' quota (thousands of entries a second).
 * Entries PutEvents refuses fail the call, unless the caller asks for them to be sent again
 * (`retryFailedEntries`): then only the refused ones go again, as AWS advises for PutEvents.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SERVICE_SOURCE } from '../contracts/finding.js';
import { TransientAwsError } from '../errors.js';
import type { BusEvent, EventBusPort } from '../ports/bus.js';
import { retry } from '../retry.js';
import { sleep as wait } from '../time.js';
import { callAws } from './aws-errors.js';

const MAX_ENTRIES_PER_CALL = 10;
/** PutEvents calls one `publish` has in flight at most. */
export const MAX_CALLS_IN_FLIGHT = 10;

interface Refusal {
  readonly entry: PutEventsRequestEntry;
  readonly code: string;
}

/**
 * Some entries of a call refused, each with its code: what a resend sends again. Thrown inside
 * the retry loop only (shared/retry.ts), never out of `publish`.
 */
class EntriesRefused extends Error {
  public constructor(public readonly refused: readonly Refusal[]) {
    super(`PutEvents refused ${refused.length} entries`);
    this.name = 'EntriesRefused';
  }
}

export const eventBridgeAdapter = (
  client: EventBridgeClient,
  eventBusName: string,
  sleep: (ms: number) => Promise<void> = wait,
): EventBusPort => ({
  publish: async (events, options = {}) => {
    const resends = options.retryFailedEntries ?? 0;
    const batches: PutEventsRequestEntry[][] = [];
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_CALL) {
      batches.push(events.slice(start, start + MAX_ENTRIES_PER_CALL).map((event) => toEntry(event, eventBusName)));
    }
    let next = 0;
    let sent = 0;
    let failedEntries = 0;
    const codes = new Map<string, number>();
    const errors: unknown[] = [];
    const failed = (): boolean => failedEntries > 0 || errors.length > 0;

    // Batches start in order. After a failure no new one starts (the invocation fails and is
    // retried anyway), but those in flight are let settle, so the error names all they met.
    const sender = async (): Promise<void> => {
      while (!failed() && next < batches.length) {
        const entries = batches[next++] ?? [];
        sent += entries.length;
        try {
          let pending = entries;
          let refused: readonly Refusal[] = [];
          let failedCount = 0;
          await retry(
            async () => {
              const output = await callAws('events', 'PutEvents', () => client.send(new PutEventsCommand({ Entries: pending })));
              // The answer's entries match the request's, in order: the ones with an ErrorCode were refused.
              refused = (output.Entries ?? []).flatMap(({ ErrorCode, ErrorMessage }, i) => {
                const entry = pending[i];
                return ErrorCode && entry ? [{ entry, code: ErrorMessage ? `${ErrorCode}: ${ErrorMessage}` : ErrorCode }] : [];
              });
              failedCount = Math.max(output.FailedEntryCount ?? 0, refused.length);
              // Without per-entry codes there is no telling which to send again: give up on them all.
              if (failedCount > 0 && refused.length === failedCount) throw new EntriesRefused(refused);
            },
            {
              // A call that fails outright is the SDK's to retry (its client retries throttling and 5xx).
              maxAttempts: resends + 1,
              retryIf: (error) => error instanceof EntriesRefused,
              beforeWait: ({ error }) => {
                pending = (error as EntriesRefused).refused.map((r) => r.entry);
              },
              sleep,
            },
          ).catch((error: unknown) => {
            // Out of resends: the refusals are counted below, as without any.
            if (!(error instanceof EntriesRefused)) throw error;
          });
          failedEntries += failedCount;
          for (const { code } of refused) codes.set(code, (codes.get(code) ?? 0) + 1);
        } catch (error) {
          errors.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MAX_CALLS_IN_FLIGHT, batches.length) }, sender));

    // A call that failed outright keeps its mapped error (PermissionDeniedError, ...), the first one met.
    if (errors.length > 0) throw errors[0];
    if (failedEntries > 0) {
      // PutEvents answers 200 with per-entry failures; failing the invocation lets Lambda retry
      // rather than lose a finding. Consumers tolerate the duplicates a retry may cause.
      const named = [...codes].map(([code, n]) => (n > 1 ? `${code} (×${n})` : code));
      const unsent = events.length - sent;
      throw new TransientAwsError(
        `PutEvents: ${failedEntries} of ${sent} entries failed (${named.join('; ')})${unsent > 0 ? `; ${unsent} not sent` : ''}`,
      );
    }
  },
});

const toEntry = (event: BusEvent, eventBusName: string): PutEventsRequestEntry => ({
  EventBusName: eventBusName,
  Source: SERVICE_SOURCE,
  DetailType: event.detailType,
  Detail: JSON.stringify(event.detail),
  Resources: [...event.resources],
});
