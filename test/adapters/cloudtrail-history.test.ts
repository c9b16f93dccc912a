/** CloudTrailHistoryPort over LookupEvents: one attribute, the time range, pages of 50. */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailHistoryAdapter } from '../../shared/adapters/cloudtrail-history.js';
import '../helpers/aws-matchers.js';

const cloudTrail = mockClient(CloudTrailClient);
const port = cloudTrailHistoryAdapter(new CloudTrailClient({ region: 'us-east-1', maxAttempts: 1 }));
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-a1B2c3';
const START = new Date('2026-11-24T00:00:00Z');
const END = new Date('2026-11-25T00:00:00Z');

beforeEach(() => {
  cloudTrail.reset();
});

afterAll(() => {
  cloudTrail.restore();
});

describe('Function: cloudTrailHistoryAdapter', () => {
  it('looks up one attribute in the time range, 50 events a page, and answers each event id with its record text', async () => {
    // Prepare
    cloudTrail.on(LookupEventsCommand).resolves({
      Events: [{ EventId: 'e-1', CloudTrailEvent: '{"eventName":"DeleteSecret"}' }],
      NextToken: 'page-2',
    });

    // Act
    const page = await port.lookupEvents({ lookupAttribute: { key: 'ResourceName', value: SECRET }, startTime: START, endTime: END });

    // Assess
    expect(page).toStrictEqual({ events: [{ eventId: 'e-1', cloudTrailEvent: '{"eventName":"DeleteSecret"}' }], nextToken: 'page-2' });
    expect(cloudTrail).toHaveReceivedCommandExactlyOnceWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: SECRET }],
      StartTime: START,
      EndTime: END,
      MaxResults: 50,
    });
    expect(cloudTrail.commandCalls(LookupEventsCommand)[0]?.args[0].input).not.toHaveProperty('NextToken');
  });

  it('asks for the next page with the token given, and answers no token after the last', async () => {
    // Prepare
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });

    // Act
    const page = await port.lookupEvents({
      lookupAttribute: { key: 'EventName', value: 'DeleteSecret' },
      startTime: START,
      endTime: END,
      nextToken: 'page-2',
    });

    // Assess
    expect(page).toStrictEqual({ events: [] });
    expect(cloudTrail).toHaveReceivedCommandWith(LookupEventsCommand, { NextToken: 'page-2' });
  });

  it('leaves out the fields CloudTrail does not give, and answers no events for none', async () => {
    // Prepare
    cloudTrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [{ EventId: 'e-2' }, {}] })
      .resolvesOnce({});

    // Act
    const first = await port.lookupEvents({ lookupAttribute: { key: 'EventName', value: 'DeleteSecret' }, startTime: START, endTime: END });
    const second = await port.lookupEvents({
      lookupAttribute: { key: 'EventName', value: 'DeleteSecret' },
      startTime: START,
      endTime: END,
    });

    // Assess
    expect(first).toStrictEqual({ events: [{ eventId: 'e-2' }, {}] });
    expect(second).toStrictEqual({ events: [] });
  });
});
