/**
 * EventBusPort over EventBridge: PutEvents in batches of 10, some in flight at once, failed
 * entries and SDK errors mapped (moved from test/contract/bus-and-notifier.contract.test.ts).
 */
import { AccessDeniedException, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eventBridgeAdapter, MAX_CALLS_IN_FLIGHT } from '../../shared/adapters/eventbridge.js';
import { PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
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

describe('eventBridgeAdapter', () => {
  const bus = eventBridgeAdapter(new EventBridgeClient({ region: 'us-east-1', maxAttempts: 1 }), BUS);
  const accepted = (count: number) => ({
    FailedEntryCount: 0,
    Entries: Array.from({ length: count }, (_, i) => ({ EventId: `event-${i}` })),
  });

  it('publishes each event as a PutEvents entry on the named bus, with the service as source', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves(accepted(2));
    const when = new Date('2026-11-25T12:00:00.000Z');

    // Act
    await bus.publish([
      findingEvent(1),
      { detailType: 'Remediation Result', detail: { status: 'remediated', at: when, skipped: undefined }, resources: [] },
    ]);

    // Assess
    expect(eventBridge).toHaveReceivedCommandExactlyOnceWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: BUS,
          Source: 'secrets-remediator',
          DetailType: 'Secret Finding',
          Detail: JSON.stringify({ findingId: 'finding-1', secretArn: SECRET_ARN, rule: 'clear-stale-pending' }),
          Resources: [SECRET_ARN],
        },
        {
          EventBusName: BUS,
          Source: 'secrets-remediator',
          DetailType: 'Remediation Result',
          Detail: '{"status":"remediated","at":"2026-11-25T12:00:00.000Z"}',
          Resources: [],
        },
      ],
    });
  });

  it('splits 23 events into PutEvents calls of 10, 10 and 3, in order', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => accepted(input.Entries.length));
    const events = Array.from({ length: 23 }, (_, n) => findingEvent(n));

    // Act
    await bus.publish(events);

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    const batches = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(batches.map((entries) => entries.length)).toStrictEqual([10, 10, 3]);
    expect(batches.flat().map((entry) => entry.Detail)).toStrictEqual(events.map((event) => JSON.stringify(event.detail)));
  });

  it('sends nothing for no events', async () => {
    // Act
    await bus.publish([]);

    // Assess
    expect(eventBridge).not.toHaveReceivedAnyCommand();
  });

  it('rejects with TransientAwsError naming the error codes when PutEvents reports failed entries', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 2,
      Entries: [
        { EventId: 'event-0' },
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' },
      ],
    });

    // Act
    const outcome = await settle(bus.publish([findingEvent(1), findingEvent(2), findingEvent(3)]));

    // Assess
    expect(outcome.error).toBeInstanceOf(TransientAwsError);
    expect(outcome.error).toMatchObject({ retryable: true, message: expect.stringContaining('2 of 3 entries failed') as unknown });
    expect(outcome.error).toMatchObject({ message: expect.stringContaining('ThrottlingException: Rate exceeded') as unknown });
    expect(outcome.error).toMatchObject({ message: expect.stringContaining('InternalFailure: Internal failure') as unknown });
  });

  it('starts no batch after one reported failed entries, and names what was not sent', async () => {
    // Prepare: 15 batches; every answer reports a failed entry.
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: '' }] });

    // Act
    const outcome = await settle(bus.publish(Array.from({ length: 150 }, (_, n) => findingEvent(n))));

    // Assess: the batches already in flight, and no more.
    expect(outcome.error).toBeInstanceOf(TransientAwsError);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, MAX_CALLS_IN_FLIGHT);
    expect(outcome.error).toMatchObject({ message: 'PutEvents: 10 of 100 entries failed (InternalFailure (×10)); 50 not sent' });
  });

  /**
   * PutEvents answering after `delayMs(call)` with every entry accepted, or the answer `answer(call)`
   * gives; records how many calls were in flight at most, and how many had settled.
   */
  const slowPutEvents = (
    delayMs: (call: number) => number,
    answer: (call: number, entries: number) => object = (_call, entries) => accepted(entries),
  ) => {
    const seen = { inFlight: 0, mostInFlight: 0, settled: 0 };
    let calls = 0;
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => {
      const call = calls++;
      seen.mostInFlight = Math.max(seen.mostInFlight, ++seen.inFlight);
      await new Promise((resolve) => setTimeout(resolve, delayMs(call)));
      seen.inFlight--;
      seen.settled++;
      return answer(call, input.Entries.length);
    });
    return seen;
  };

  it('sends 35 entries as 4 PutEvents calls in flight at once, each entry exactly once', async () => {
    // Prepare
    const seen = slowPutEvents(() => 20);
    const events = Array.from({ length: 35 }, (_, n) => findingEvent(n));

    // Act
    await bus.publish(events);

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 4);
    expect(seen.mostInFlight).toBe(4);
    const batches = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(batches.map((entries) => entries.length)).toStrictEqual([10, 10, 10, 5]);
    expect(batches.flat().map((entry) => entry.Detail)).toStrictEqual(events.map((event) => JSON.stringify(event.detail)));
  });

  it(`keeps at most ${MAX_CALLS_IN_FLIGHT} PutEvents calls in flight`, async () => {
    // Prepare
    const seen = slowPutEvents(() => 5);

    // Act
    await bus.publish(Array.from({ length: 250 }, (_, n) => findingEvent(n)));

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 25);
    expect(seen.mostInFlight).toBe(MAX_CALLS_IN_FLIGHT);
  });

  it('rejects after every batch in flight settled when one reports a failed entry, naming it', async () => {
    // Prepare: the second call reports one entry throttled; the first answers last.
    const seen = slowPutEvents(
      (call) => (call === 0 ? 40 : 5),
      (call, entries) =>
        call === 1
          ? {
              FailedEntryCount: 1,
              Entries: Array.from({ length: entries }, (_, i) =>
                i === 3 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `event-${i}` },
              ),
            }
          : accepted(entries),
    );

    // Act
    const outcome = await settle(bus.publish(Array.from({ length: 35 }, (_, n) => findingEvent(n))));

    // Assess
    expect(seen.settled).toBe(4);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 4);
    expect(outcome.error).toBeInstanceOf(TransientAwsError);
    expect(outcome.error).toMatchObject({
      retryable: true,
      message: 'PutEvents: 1 of 35 entries failed (ThrottlingException: Rate exceeded)',
    });
  });

  it('maps AccessDeniedException to PermissionDeniedError, keeping the SDK error as cause', async () => {
    // Prepare
    const denied = new AccessDeniedException({
      message: 'not authorized to perform: events:PutEvents',
      $metadata: { httpStatusCode: 400 },
    });
    eventBridge.on(PutEventsCommand).rejects(denied);

    // Act
    const outcome = await settle(bus.publish([findingEvent(1)]));

    // Assess
    expect(outcome.error).toBeInstanceOf(PermissionDeniedError);
    expect(outcome.error).toMatchObject({ retryable: false, cause: denied });
  });
});
