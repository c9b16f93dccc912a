/** CloudTrail's LookupEvents through the SDK v3 client, behind `CloudTrailHistoryPort`. */
import { CloudTrailClient, type CloudTrailClientConfig, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';

/** The most LookupEvents returns in one page. */
const PAGE_SIZE = 50;

export const cloudTrailHistoryAdapter = (client: CloudTrailClient): CloudTrailHistoryPort => ({
  async lookupEvents({ lookupAttribute, startTime, endTime, nextToken }) {
    const response = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: lookupAttribute.key, AttributeValue: lookupAttribute.value }],
        StartTime: startTime,
        EndTime: endTime,
        MaxResults: PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    return {
      events: (response.Events ?? []).map((event) => ({
        ...(event.EventId ? { eventId: event.EventId } : {}),
        ...(event.CloudTrailEvent ? { cloudTrailEvent: event.CloudTrailEvent } : {}),
      })),
      ...(response.NextToken ? { nextToken: response.NextToken } : {}),
    };
  },
});

/** The adapter on a client of its own, made with `config` (what the composition root loads with `import()` when first needed). */
export const cloudTrailHistoryFor = (config: CloudTrailClientConfig): CloudTrailHistoryPort =>
  cloudTrailHistoryAdapter(new CloudTrailClient(config));
