/**
 * The bus and the alert topic, both ways the service reaches them: the SDK adapters (PutEvents,
 * Publish) over mocked clients, and the recording ports the replay uses, which keep what was
 * published (the bus in EventBridge's envelope, as a rule on it would receive it) and forward it.
 */
import { AccessDeniedException, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AuthorizationErrorException, InternalErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eventBridgeAdapter, MAX_CALLS_IN_FLIGHT } from '../../shared/adapters/eventbridge.js';
import { snsAdapter } from '../../shared/adapters/sns.js';
import { EventBridgeEnvelopeSchema } from '../../shared/contracts/eventbridge-envelope.js';
import { PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
import type { BusEvent, EventBusPort } from '../../shared/ports/bus.js';
import type { AlertMessage, NotifierPort } from '../../shared/ports/notifier.js';
import { RecordingBus } from '../../shared/sandbox/recording-bus.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import '../helpers/aws-matchers.js';

const BUS = 'secrets-remediator-dev';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-alerts';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-a1B2c3';

const finding = (n: number): BusEvent => ({
  detailType: 'Secret Finding',
  detail: { findingId: `finding-${n}`, secretArn: SECRET_ARN, rule: 'clear-stale-pending' },
  resources: [SECRET_ARN],
});

const alert: AlertMessage = {
  subject: 'Stale AWSPENDING cleared on prod/payments/db',
  body: 'AWSPENDING was left on version a1b2c3d4-5678-90ab-cdef-EXAMPLE22222 by a failed rotation; it was removed.',
  attributes: { severity: 'high', rule: 'clear-stale-pending' },
};

/** The call's outcome as data: rejections are asserted like values. */
const settle = async (promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> => {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
};

const eventBridge = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

beforeEach(() => {
  eventBridge.reset();
  sns.reset();
});

afterAll(() => {
  eventBridge.restore();
  sns.restore();
});

describe('Contract: EventBusPort', () => {
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
        finding(1),
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
      const events = Array.from({ length: 23 }, (_, n) => finding(n));

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
      const outcome = await settle(bus.publish([finding(1), finding(2), finding(3)]));

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
      const outcome = await settle(bus.publish(Array.from({ length: 150 }, (_, n) => finding(n))));

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
      const events = Array.from({ length: 35 }, (_, n) => finding(n));

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
      await bus.publish(Array.from({ length: 250 }, (_, n) => finding(n)));

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
      const outcome = await settle(bus.publish(Array.from({ length: 35 }, (_, n) => finding(n))));

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
      const outcome = await settle(bus.publish([finding(1)]));

      // Assess
      expect(outcome.error).toBeInstanceOf(PermissionDeniedError);
      expect(outcome.error).toMatchObject({ retryable: false, cause: denied });
    });
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
      await bus.publish([finding(1)]);

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
      await bus.publish([finding(1), finding(2), finding(3)]);

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
      const events = [finding(1), finding(2)];

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
      await bus.publish([finding(1)]);

      // Assess
      expect(eventBridge).toHaveReceivedCommandOnce(PutEventsCommand);
      expect(bus.published).toHaveLength(1);
    });

    it('records nothing when the inner bus rejects, and passes its error on', async () => {
      // Prepare
      const failure = new TransientAwsError('PutEvents: 1 of 1 entries failed');
      const bus = new RecordingBus(where, clock, { publish: () => Promise.reject(failure) });

      // Act
      const outcome = await settle(bus.publish([finding(1)]));

      // Assess
      expect(outcome).toStrictEqual({ error: failure });
      expect(bus.published).toStrictEqual([]);
    });
  });
});

describe('Contract: NotifierPort', () => {
  describe('snsAdapter', () => {
    const notifier = snsAdapter(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC);

    it('publishes the alert to the topic with its attributes as String message attributes', async () => {
      // Prepare
      sns.on(PublishCommand).resolves({ MessageId: 'message-1' });

      // Act
      await notifier.publish(alert);

      // Assess
      expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
        TopicArn: TOPIC,
        Subject: alert.subject,
        Message: alert.body,
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'high' },
          rule: { DataType: 'String', StringValue: 'clear-stale-pending' },
        },
      });
    });

    it('maps AuthorizationErrorException to PermissionDeniedError, keeping the SDK error as cause', async () => {
      // Prepare
      const denied = new AuthorizationErrorException({
        message: 'not authorized to perform: SNS:Publish',
        $metadata: { httpStatusCode: 403 },
      });
      sns.on(PublishCommand).rejects(denied);

      // Act
      const outcome = await settle(notifier.publish(alert));

      // Assess
      expect(outcome.error).toBeInstanceOf(PermissionDeniedError);
      expect(outcome.error).toMatchObject({
        retryable: false,
        cause: denied,
        message: expect.stringContaining('Publish: AuthorizationErrorException') as unknown,
      });
    });

    it('maps InternalErrorException to a retryable TransientAwsError', async () => {
      // Prepare
      const internal = new InternalErrorException({ message: 'Internal error', $metadata: { httpStatusCode: 500 } });
      sns.on(PublishCommand).rejects(internal);

      // Act
      const outcome = await settle(notifier.publish(alert));

      // Assess
      expect(outcome.error).toBeInstanceOf(TransientAwsError);
      expect(outcome.error).toMatchObject({ retryable: true, cause: internal });
    });
  });

  describe('RecordingNotifier', () => {
    it('keeps every message in order', async () => {
      // Prepare
      const notifier = new RecordingNotifier();
      const second: AlertMessage = { ...alert, subject: 'second', attributes: { severity: 'low' } };
      expect(notifier.sent).toStrictEqual([]);

      // Act
      await notifier.publish(alert);
      await notifier.publish(second);

      // Assess
      expect(notifier.sent).toStrictEqual([alert, second]);
    });

    it('forwards each message to the inner notifier when given one', async () => {
      // Prepare
      const forwarded: AlertMessage[] = [];
      const inner: NotifierPort = {
        publish: (message) => {
          forwarded.push(message);
          return Promise.resolve();
        },
      };
      const notifier = new RecordingNotifier(inner);

      // Act
      await notifier.publish(alert);

      // Assess
      expect(forwarded).toStrictEqual([alert]);
      expect(notifier.sent).toStrictEqual([alert]);
    });

    it('forwards to the SNS adapter as a real topic', async () => {
      // Prepare
      sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
      const notifier = new RecordingNotifier(snsAdapter(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC));

      // Act
      await notifier.publish(alert);

      // Assess
      expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, { TopicArn: TOPIC, Subject: alert.subject, Message: alert.body });
      expect(notifier.sent).toStrictEqual([alert]);
    });

    it('keeps nothing when the inner notifier rejects, and passes its error on', async () => {
      // Prepare
      const failure = new PermissionDeniedError('Publish: AuthorizationErrorException');
      const notifier = new RecordingNotifier({ publish: () => Promise.reject(failure) });

      // Act
      const outcome = await settle(notifier.publish(alert));

      // Assess
      expect(outcome).toStrictEqual({ error: failure });
      expect(notifier.sent).toStrictEqual([]);
    });
  });
});
