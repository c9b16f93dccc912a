/**
 * The replay's bus: keeps what was published in EventBridge's envelope, as a rule on the bus
 * would receive it, and forwards it (moved from test/contract/bus-and-notifier.contract.test.ts).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eventBridgeAdapter } from '../../shared/adapters/eventbridge.js';
import { EventBridgeEnvelopeSchema } from '../../shared/contracts/eventbridge-envelope.js';
import { TransientAwsError } from '../../shared/errors.js';
import type { BusEvent, EventBusPort } from '../../shared/ports/bus.js';
import { RecordingBus } from '../../shared/sandbox/recording-bus.js';
import '../helpers/aws-matchers.js';
import { BUS, findingEvent, SECRET_ARN } from '../helpers/messages.js';
import { settle } from '../helpers/settle.js';

const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventBridge.reset();
});

afterAll(() => {
  eventBridge.restore();
});

describe('RecordingBus', () => {
  const where = { account: '123456789012', region: 'eu-west-1' };
  // Milliseconds on purpose: EventBridge's `time` has none.
  const clock = { now: () => new Date('2026-11-25T12:34:56.789Z') };

  it('keeps each event in the EventBridge envelope a rule on the bus would receive', async () => {
    // Prepare
    const bus = new RecordingBus(where, clock);
    expect(bus.published).toStrictEqual([]);

    // Act
    await bus.publish([findingEvent(1)]);

    // Assess
    expect(bus.published).toStrictEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) as unknown,
        'detail-type': 'Secret Finding',
        source: 'secrets-remediator',
        account: '123456789012',
        time: '2026-11-25T12:34:56Z',
        region: 'eu-west-1',
        resources: [SECRET_ARN],
        detail: { findingId: 'finding-1', secretArn: SECRET_ARN, rule: 'clear-stale-pending' },
      },
    ]);
    expect(EventBridgeEnvelopeSchema.safeParse(bus.published[0]).success).toBe(true);
  });

  it('gives every event its own id', async () => {
    // Prepare
    const bus = new RecordingBus(where, clock);

    // Act
    await bus.publish([findingEvent(1), findingEvent(2), findingEvent(3)]);

    // Assess
    expect(new Set(bus.published.map((event) => event.id)).size).toBe(3);
  });

  it('passes the detail through JSON, as PutEvents carries it: dates become strings, undefined disappears', async () => {
    // Prepare
    const bus = new RecordingBus(where, clock);
    const detail = { at: new Date('2026-11-25T12:00:00.000Z'), reason: undefined, versions: { v1: ['AWSCURRENT'] } };

    // Act
    await bus.publish([{ detailType: 'Remediation Result', detail, resources: [] }]);

    // Assess
    expect(bus.published[0]?.detail).toStrictEqual({ at: '2026-11-25T12:00:00.000Z', versions: { v1: ['AWSCURRENT'] } });
  });

  it('copies the detail and resources, so later changes by the caller do not alter the record', async () => {
    // Prepare
    const bus = new RecordingBus(where, clock);
    const event = { detailType: 'Secret Finding', detail: { status: 'open' }, resources: [SECRET_ARN] };

    // Act
    await bus.publish([event]);
    event.detail.status = 'changed';
    event.resources.push('arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf');

    // Assess
    expect(bus.published[0]).toMatchObject({ detail: { status: 'open' }, resources: [SECRET_ARN] });
  });

  it('forwards the same events to the inner bus when given one', async () => {
    // Prepare
    const forwarded: (readonly BusEvent[])[] = [];
    const inner: EventBusPort = {
      publish: (events) => {
        forwarded.push(events);
        return Promise.resolve();
      },
    };
    const bus = new RecordingBus(where, clock, inner);
    const events = [findingEvent(1), findingEvent(2)];

    // Act
    await bus.publish(events);

    // Assess
    expect(forwarded).toStrictEqual([events]);
    expect(bus.published).toHaveLength(2);
  });

  it('forwards to the EventBridge adapter as a real bus', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-0' }] });
    const bus = new RecordingBus(where, clock, eventBridgeAdapter(new EventBridgeClient({ region: 'eu-west-1', maxAttempts: 1 }), BUS));

    // Act
    await bus.publish([findingEvent(1)]);

    // Assess
    expect(eventBridge).toHaveReceivedCommandOnce(PutEventsCommand);
    expect(bus.published).toHaveLength(1);
  });

  it('records nothing when the inner bus rejects, and passes its error on', async () => {
    // Prepare
    const failure = new TransientAwsError('PutEvents: 1 of 1 entries failed');
    const bus = new RecordingBus(where, clock, { publish: () => Promise.reject(failure) });

    // Act
    const outcome = await settle(bus.publish([findingEvent(1)]));

    // Assess
    expect(outcome).toStrictEqual({ error: failure });
    expect(bus.published).toStrictEqual([]);
  });
});
