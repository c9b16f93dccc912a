/** EventBusPort over the AWS SDK v3 EventBridge client: PutEvents in batches of 10 (the API's limit). */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SERVICE_SOURCE } from '../contracts/finding.js';
import { TransientAwsError } from '../errors.js';
import type { BusEvent, EventBusPort } from '../ports/bus.js';
import { callAws } from './aws-errors.js';

const MAX_ENTRIES_PER_CALL = 10;

export const eventBridgeAdapter = (client: EventBridgeClient, eventBusName: string): EventBusPort => ({
  publish: async (events) => {
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_CALL) {
      const entries = events.slice(start, start + MAX_ENTRIES_PER_CALL).map((event) => toEntry(event, eventBusName));
      const output = await callAws('events', 'PutEvents', () => client.send(new PutEventsCommand({ Entries: entries })));
      if ((output.FailedEntryCount ?? 0) > 0) {
        // PutEvents answers 200 with per-entry failures; failing the invocation lets Lambda retry
        // rather than lose a finding. Consumers tolerate the duplicates a retry may cause.
        const codes = (output.Entries ?? []).flatMap((e) => (e.ErrorCode ? [`${e.ErrorCode}: ${e.ErrorMessage ?? ''}`] : []));
        throw new TransientAwsError(`PutEvents: ${output.FailedEntryCount} of ${entries.length} entries failed (${codes.join('; ')})`);
      }
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
