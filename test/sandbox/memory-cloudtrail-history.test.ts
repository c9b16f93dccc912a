/**
 * CloudTrail's event history in memory: LookupEvents' contract on a trail's records — one lookup
 * attribute (event source, event name or resource name), the time range inclusive, newest first,
 * in pages with a token for the next — and every request recorded.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryPage, HistoryRequest } from '../../shared/ports/cloudtrail-history.js';
import { MemoryCloudTrailHistory } from '../../shared/sandbox/memory-cloudtrail-history.js';

const PAYMENTS = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
const CRM = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';

/** A CloudTrail record of `eventName` at 10:`minute` on 24 November, about `arn`. */
const record = (minute: number, eventName: string, arn: string, eventSource = 'secretsmanager.amazonaws.com') => ({
  eventID: `event-${minute}`,
  eventSource,
  eventName,
  eventTime: `2026-11-24T10:${String(minute).padStart(2, '0')}:00Z`,
  resources: [{ ARN: arn, accountId: '123456789012' }],
});

const TRAIL = [
  record(1, 'DescribeSecret', PAYMENTS),
  record(5, 'DeleteSecret', CRM),
  record(3, 'DeleteSecret', PAYMENTS),
  record(2, 'PutObject', 'arn:aws:s3:::bucket/key', 's3.amazonaws.com'),
  record(4, 'GetSecretValue', CRM),
];

const WHOLE_MORNING = { startTime: new Date('2026-11-24T00:00:00Z'), endTime: new Date('2026-11-24T12:00:00Z') };

const idsOf = (page: HistoryPage) => page.events.map((event) => event.eventId);

describe('Class: MemoryCloudTrailHistory', () => {
  it.each<[string, HistoryRequest['lookupAttribute'], string[]]>([
    ['event source', { key: 'EventSource', value: 'secretsmanager.amazonaws.com' }, ['event-5', 'event-4', 'event-3', 'event-1']],
    ['event name', { key: 'EventName', value: 'DeleteSecret' }, ['event-5', 'event-3']],
    ['resource name (an ARN in the record\u2019s resources)', { key: 'ResourceName', value: CRM }, ['event-5', 'event-4']],
  ])('looks events up by %s, newest first', async (_label, lookupAttribute, expected) => {
    // Prepare
    const history = new MemoryCloudTrailHistory(TRAIL);

    // Act
    const page = await history.lookupEvents({ lookupAttribute, ...WHOLE_MORNING });

    // Assess
    expect(idsOf(page)).toStrictEqual(expected);
    expect(page.nextToken).toBeUndefined();
  });

  it('answers each record as its JSON, as CloudTrailEvent carries it', async () => {
    // Prepare
    const history = new MemoryCloudTrailHistory(TRAIL);

    // Act
    const page = await history.lookupEvents({ lookupAttribute: { key: 'EventName', value: 'DescribeSecret' }, ...WHOLE_MORNING });

    // Assess
    expect(page.events).toStrictEqual([{ eventId: 'event-1', cloudTrailEvent: JSON.stringify(TRAIL[0]) }]);
  });

  it('keeps to the time range, both ends included', async () => {
    // Prepare
    const history = new MemoryCloudTrailHistory(TRAIL);

    // Act
    const page = await history.lookupEvents({
      lookupAttribute: { key: 'EventSource', value: 'secretsmanager.amazonaws.com' },
      startTime: new Date('2026-11-24T10:03:00Z'),
      endTime: new Date('2026-11-24T10:04:00Z'),
    });

    // Assess
    expect(idsOf(page)).toStrictEqual(['event-4', 'event-3']);
  });

  it('answers in pages, each token leading to the next, and records every request', async () => {
    // Prepare
    const history = new MemoryCloudTrailHistory(TRAIL, 3);
    const lookupAttribute = { key: 'EventSource', value: 'secretsmanager.amazonaws.com' } as const;

    // Act
    const first = await history.lookupEvents({ lookupAttribute, ...WHOLE_MORNING });
    const second = await history.lookupEvents({
      lookupAttribute,
      ...WHOLE_MORNING,
      ...(first.nextToken ? { nextToken: first.nextToken } : {}),
    });

    // Assess
    expect(idsOf(first)).toStrictEqual(['event-5', 'event-4', 'event-3']);
    expect(first.nextToken).toBeDefined();
    expect(idsOf(second)).toStrictEqual(['event-1']);
    expect(second.nextToken).toBeUndefined();
    expect(history.requests.map((request) => request.nextToken)).toStrictEqual([undefined, first.nextToken]);
  });

  it('finds nothing by resource name in a record without resources, and leaves out an eventId CloudTrail did not give', async () => {
    // Prepare
    const { resources: _resources, eventID: _eventId, ...bare } = record(6, 'DeleteSecret', PAYMENTS);
    const history = new MemoryCloudTrailHistory([bare]);

    // Act
    const byResource = await history.lookupEvents({ lookupAttribute: { key: 'ResourceName', value: PAYMENTS }, ...WHOLE_MORNING });
    const byName = await history.lookupEvents({ lookupAttribute: { key: 'EventName', value: 'DeleteSecret' }, ...WHOLE_MORNING });

    // Assess
    expect(byResource.events).toStrictEqual([]);
    expect(byName.events).toStrictEqual([{ cloudTrailEvent: JSON.stringify(bare) }]);
  });
});
