/**
 * `secrets-remediator redrive`: a dry run reports every dead letter and changes nothing; --apply
 * invokes each letter's function asynchronously with the original event and deletes the
 * message only after Lambda accepted it. SQS and Lambda are aws-sdk-client-mock doubles of the
 * real clients, with message shapes as Lambda's on-failure destination and EventBridge's
 * dead-letter queue write them.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsDeadLetters } from '../../shared/adapters/sqs-dead-letters.js';
import { redrive } from '../../shared/cli/redrive-command.js';
import { EXIT } from '../../shared/cli/errors.js';
import { run as runProgram } from '../../shared/cli/program.js';
import { loadSampleEvent } from '../helpers/events.js';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/secrets-remediator-prod-failed';
const ALERT = 'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-prod-alert';
const CLASSIFY = 'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-prod-classify';

const event = loadSampleEvent<{ id: string }>('rotation-failed/fires.RotationFailed.published-umccr.json');

/** Lambda's on-failure destination record: the invocation, its error and the original event. */
const lambdaFailure = {
  MessageId: 'm-lambda',
  ReceiptHandle: 'r-lambda',
  Body: JSON.stringify({
    version: '1.0',
    timestamp: '2026-12-06T10:00:00.000Z',
    requestContext: { requestId: 'req-1', functionArn: `${ALERT}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'TransientAwsError', errorMessage: 'SNS throttled the publish', trace: [] },
  }),
};

/** EventBridge's dead letter: the event itself, the target and the error in attributes. */
const undelivered = {
  MessageId: 'm-events',
  ReceiptHandle: 'r-events',
  Body: JSON.stringify(event),
  MessageAttributes: {
    RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:us-east-1:123456789012:rule/secrets-remediator-prod-read-calls' },
    TARGET_ARN: { DataType: 'String', StringValue: CLASSIFY },
    ERROR_CODE: { DataType: 'String', StringValue: 'ResourceNotFoundException' },
    ERROR_MESSAGE: { DataType: 'String', StringValue: 'Function not found' },
    EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumEventAgeExceeded' },
  },
};

const foreign = {
  ...undelivered,
  MessageId: 'm-foreign',
  ReceiptHandle: 'r-foreign',
  MessageAttributes: { TARGET_ARN: { DataType: 'String', StringValue: 'arn:aws:lambda:us-east-1:123456789012:function:payroll' } },
};

/** A queue holding `messages`: the first receive returns them, the next ones nothing. */
const queueHolding = (...messages: object[]) => {
  sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
  sqs.on(DeleteMessageCommand).resolves({});
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
};

const run = async (apply: boolean) => {
  const lines: string[] = [];
  const code = await redrive(awsDeadLetters('us-east-1'), { queue: 'secrets-remediator-prod-failed', apply, max: 100 }, (line) =>
    lines.push(line),
  );
  return { code, lines };
};

beforeEach(() => {
  sqs.reset();
  lambda.reset();
});
afterEach(() => {
  sqs.reset();
  lambda.reset();
});

describe('redrive', () => {
  it('in a dry run, reports each letter (function, event id, recorded error), invokes nothing, deletes nothing and makes every message visible again', async () => {
    queueHolding(lambdaFailure, undelivered);

    const { code, lines } = await run(false);

    expect(code).toBe(EXIT.ok);
    expect(lines).toEqual([
      `m-lambda: would redrive to ${ALERT}:$LATEST event ${event.id} (lambda-failure: RetriesExhausted: TransientAwsError: SNS throttled the publish)`,
      `m-events: would redrive to ${CLASSIFY} event ${event.id} (undelivered: MaximumEventAgeExceeded: ResourceNotFoundException: Function not found)`,
      'dry run: 2 messages would be redriven, 0 would stay; run again with --apply',
    ]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-lambda', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-events', VisibilityTimeout: 0 },
    ]);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({ QueueName: 'secrets-remediator-prod-failed' });
  });

  it('with --apply, invokes each function asynchronously with the original event and deletes the message after Lambda accepted it', async () => {
    queueHolding(lambdaFailure, undelivered);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    const { code, lines } = await run(true);

    expect(code).toBe(EXIT.ok);
    const invocations = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invocations.map((i) => [i.FunctionName, i.InvocationType])).toEqual([
      [`${ALERT}:$LATEST`, 'Event'],
      [CLASSIFY, 'Event'],
    ]);
    for (const invocation of invocations) expect(JSON.parse(new TextDecoder().decode(invocation.Payload as Uint8Array))).toEqual(event);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r-lambda', 'r-events']);
    expect(lines.at(-1)).toBe('2 messages redriven, 0 left in secrets-remediator-prod-failed');
  });

  it('with --apply, keeps a message whose invocation failed, makes it visible again and exits 1', async () => {
    queueHolding(lambdaFailure);
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));

    const { code, lines } = await run(true);

    expect(code).toBe(EXIT.findings);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r-lambda']);
    expect(lines[0]).toMatch(/^m-lambda: left in the queue, the invocation failed \(TooManyRequestsException: Rate exceeded\)/);
  });

  it('never invokes a function outside the service, and leaves its letter for a person', async () => {
    queueHolding(foreign);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    const { code, lines } = await run(true);

    expect(code).toBe(EXIT.findings);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(lines[0]).toBe(
      'm-foreign: left in the queue: arn:aws:lambda:us-east-1:123456789012:function:payroll is not a secrets-remediator function: left for a person to look at',
    );
  });

  it('refuses --dry-run with --apply as a usage error (exit 2), before calling AWS', async () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const code = await runProgram(['node', 'secrets-remediator', 'redrive', '--queue', 'q', '--dry-run', '--apply']);

    expect(code).toBe(EXIT.usage);
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('--dry-run and --apply: choose one'));
    expect(sqs.calls()).toHaveLength(0);
    stderr.mockRestore();
  });
});
