/**
 * `secrets-remediator redrive`: a dry run reports every dead letter and changes nothing; --apply
 * invokes each letter's function asynchronously with the original event and deletes the
 * message only after Lambda accepted it. SQS and Lambda are aws-sdk-client-mock doubles of the
 * real clients, with message shapes as Lambda's on-failure destination and EventBridge's
 * dead-letter queue write them. A member's forward queue (--member-account) is read through the
 * member's redrive role, assumed with STS (a double too), and its events go to the hub's classify.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsDeadLetters } from '../../shared/adapters/sqs-dead-letters.js';
import { memberQueue, redrive, redriveMember } from '../../shared/cli/redrive-command.js';
import { EXIT, UsageError } from '../../shared/cli/errors.js';
import { run as runProgram } from '../../shared/cli/program.js';
import { loadSampleEvent, repoRoot } from '../helpers/events.js';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
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
  sts.reset();
});
afterEach(() => {
  sqs.reset();
  lambda.reset();
  sts.reset();
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

describe("redrive of a member stack's forward queue", () => {
  const MEMBER = { account: '444455556666', region: 'eu-west-1' };
  const REDRIVE_ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-rdv-euw1';
  const FORWARD_QUEUE = 'secrets-remediator-dev-forward-undelivered';
  const FORWARD_QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/444455556666/${FORWARD_QUEUE}`;
  const HUB_CLASSIFY = 'secrets-remediator-dev-classify';
  /** The sample world's hub policy (events/policy.yml): organisation mode on, stage dev. */
  const member = { place: MEMBER, stage: 'dev', policyFile: `${repoRoot}events/policy.yml` };

  const deleted = loadSampleEvent<{ id: string }>('secret-deleted/fires.DeleteSecret.authored.member-account.json');
  /** EventBridge's dead letter of a forward the hub bus refused: the event, and why in attributes. */
  const forwarded = {
    MessageId: 'm-forward',
    ReceiptHandle: 'r-forward',
    Body: JSON.stringify(deleted),
    MessageAttributes: {
      RULE_ARN: {
        DataType: 'String',
        StringValue: 'arn:aws:events:eu-west-1:444455556666:rule/StackSet-members-ForwardSecretsmanagerApiCalls-1A2B',
      },
      TARGET_ARN: { DataType: 'String', StringValue: 'arn:aws:events:us-east-1:123456789012:event-bus/secrets-remediator-dev' },
      ERROR_CODE: { DataType: 'String', StringValue: 'AccessDeniedException' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'Not authorized to put events on the bus' },
      EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumEventAgeExceeded' },
    },
  };
  /** A message someone of the member account sent to the queue: not an event a forwarding rule sends. */
  const planted = {
    MessageId: 'm-planted',
    ReceiptHandle: 'r-planted',
    Body: JSON.stringify({ ...deleted, source: 'com.example.payroll' }),
  };
  /** The forward-queue alarm's own state change, which the hub bus did not take either. */
  const alarm = {
    MessageId: 'm-alarm',
    ReceiptHandle: 'r-alarm',
    Body: JSON.stringify({
      version: '0',
      id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: MEMBER.account,
      time: '2026-12-06T10:05:00Z',
      region: MEMBER.region,
      resources: [`arn:aws:cloudwatch:eu-west-1:444455556666:alarm:${FORWARD_QUEUE}-arrivals`],
      detail: { alarmName: `${FORWARD_QUEUE}-arrivals`, state: { value: 'ALARM' }, previousState: { value: 'OK' } },
    }),
  };

  const assumable = () =>
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
  const forwardQueueHolding = (...messages: object[]) => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: FORWARD_QUEUE_URL });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
  };
  const runMember = async (apply: boolean) => {
    const lines: string[] = [];
    const code = await redriveMember(member, { apply, max: 100, hubRegion: 'us-east-1' }, (line) => lines.push(line));
    return { code, lines };
  };

  it('in a dry run, assumes the redrive role there, reports each message, sends nothing, deletes nothing and puts every message back', async () => {
    assumable();
    forwardQueueHolding(forwarded, alarm, planted);

    const { code, lines } = await runMember(false);

    expect(code).toBe(EXIT.ok);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: REDRIVE_ROLE, RoleSessionName: 'secrets-remediator-redrive' },
    ]);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({ QueueName: FORWARD_QUEUE });
    expect(lines).toEqual([
      `m-forward: would redrive to ${HUB_CLASSIFY} event ${deleted.id} (aws.secretsmanager AWS API Call via CloudTrail; undelivered: MaximumEventAgeExceeded: AccessDeniedException: Not authorized to put events on the bus)`,
      `m-alarm: would delete the state change of alarm ${FORWARD_QUEUE}-arrivals, which said this queue holds letters: nothing to send on`,
      "m-planted: left in the queue: com.example.payroll AWS API Call via CloudTrail: not an event the forwarding rules send (the policy's patterns for classify); left for a person to look at",
      'dry run: 1 message would be redriven, 1 would be deleted (nothing to send on), 1 would stay; run again with --apply',
    ]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual(
      ['r-forward', 'r-alarm', 'r-planted'].map((receipt) => ({
        QueueUrl: FORWARD_QUEUE_URL,
        ReceiptHandle: receipt,
        VisibilityTimeout: 0,
      })),
    );
  });

  it("with --apply, sends each forwarded event to the hub's classify as the hub's rule would have, then deletes it; a message no forwarding rule sends stays (exit 1)", async () => {
    assumable();
    forwardQueueHolding(forwarded, alarm, planted);
    const order: string[] = [];
    lambda.on(InvokeCommand).callsFake(() => (order.push('invoke'), { StatusCode: 202 }));
    sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle: string }) => (order.push(`delete ${input.ReceiptHandle}`), {}));

    const { code, lines } = await runMember(true);

    expect(code).toBe(EXIT.findings);
    const invocations = lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(invocations.map((i) => [i.FunctionName, i.InvocationType])).toEqual([[HUB_CLASSIFY, 'Event']]);
    expect(JSON.parse(new TextDecoder().decode(invocations[0]?.Payload as Uint8Array))).toEqual(deleted);
    expect(order).toEqual(['invoke', 'delete r-forward', 'delete r-alarm']);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r-planted']);
    expect(lines.at(-1)).toBe(
      `1 message redriven, 1 deleted (nothing to send on), 1 left in ${FORWARD_QUEUE} of account 444455556666 in eu-west-1`,
    );
  });

  it('with --apply, keeps an event classify did not accept, and puts it back', async () => {
    assumable();
    forwardQueueHolding(forwarded);
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: lambda:InvokeFunction'), { name: 'AccessDeniedException' }));

    const { code, lines } = await runMember(true);

    expect(code).toBe(EXIT.findings);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r-forward']);
    expect(lines[0]).toMatch(/^m-forward: left in the queue, the invocation failed \(AccessDeniedException: User is not authorized/);
  });

  it('refuses clearly, naming the role and what to check, when the redrive role cannot be assumed, and reads nothing', async () => {
    sts.on(AssumeRoleCommand).rejects(
      Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/ops/alice is not authorized to perform: sts:AssumeRole'), {
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
      }),
    );

    const outcome = runMember(false);

    await expect(outcome).rejects.toThrow(UsageError);
    await expect(outcome).rejects.toThrow(
      `cannot read ${FORWARD_QUEUE} of account 444455556666 in eu-west-1: cannot assume ${REDRIVE_ROLE}. Check that the member stack is deployed there`,
    );
    await expect(outcome).rejects.toThrow('or pass --role-name with a role they may assume');
    expect(sqs.calls()).toHaveLength(0);
    expect(lambda.calls()).toHaveLength(0);
  });

  it("says where there is no forward queue (no member stack, or the hub's own account and region)", async () => {
    assumable();
    sqs.on(GetQueueUrlCommand).rejects(Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' }));

    await expect(runMember(false)).rejects.toThrow(
      `there is no queue ${FORWARD_QUEUE} of account 444455556666 in eu-west-1: the member stack there is not deployed, or forwards nothing`,
    );
  });

  it('assumes the role --role-name names instead of the redrive role', async () => {
    assumable();
    forwardQueueHolding();

    await redriveMember({ ...member, roleName: 'platform-redrive' }, { apply: false, max: 10, hubRegion: 'us-east-1' }, () => undefined);

    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleArn).toBe('arn:aws:iam::444455556666:role/platform-redrive');
  });

  it('refuses a policy that leaves organisation mode off: there are no member stacks', async () => {
    await expect(
      redriveMember({ ...member, policyFile: `${repoRoot}policy.yml` }, { apply: false, max: 10, hubRegion: undefined }, () => undefined),
    ).rejects.toThrow('leaves organisation mode off: there are no member stacks and no forward queues');
    expect(sts.calls()).toHaveLength(0);
  });

  it.each([
    [['--member-account', '444455556666', '--member-region', 'eu-west-1'], '--member-account needs --stage'],
    [['--member-account', '444455556666', '--stage', 'dev'], '--member-account and --member-region go together'],
    [
      ['--queue', 'q', '--member-account', '444455556666', '--member-region', 'eu-west-1', '--stage', 'dev'],
      '--queue and --member-account both name the queue',
    ],
    [['--queue', 'q', '--stage', 'dev'], '--stage: only with --member-account and --member-region'],
    [[], 'name the queue: --queue <url|name>'],
    [['--member-account', '4444', '--member-region', 'eu-west-1', '--stage', 'dev'], 'expected a 12-digit account id'],
  ])('refuses %j as a usage error (exit 2), before calling AWS', async (flags, message) => {
    // Ours go through console.error; commander writes its own (a bad value) to stderr itself.
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const written = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    const code = await runProgram(['node', 'secrets-remediator', 'redrive', ...flags]);

    expect(code).toBe(EXIT.usage);
    expect([...stderr.mock.calls, ...written.mock.calls].flat().join('\n')).toContain(message);
    expect([...sts.calls(), ...sqs.calls(), ...lambda.calls()]).toHaveLength(0);
    stderr.mockRestore();
    written.mockRestore();
  });

  it('reads a member queue from the flags, the policy file defaulting to policy.yml', () => {
    expect(memberQueue({ memberAccount: '444455556666', memberRegion: 'eu-west-1', stage: 'prod' })).toEqual({
      place: MEMBER,
      stage: 'prod',
      policyFile: 'policy.yml',
    });
    expect(memberQueue({ queue: 'secrets-remediator-prod-failed' })).toBeUndefined();
  });
});
