/**
 * The dead-letter port over SQS and Lambda, as the CLI's redrive uses it: the queue by name or
 * URL, letters with their string attributes, and an asynchronous invocation that Lambda must accept.
 * For a member's forward queue, SQS in the member's account and region through its role (STS),
 * Lambda in the hub's region.
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
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { memberAccess } from '../../shared/adapters/member-access.js';
import { awsMemberDeadLetters, sqsDeadLetters } from '../../shared/adapters/sqs-dead-letters.js';
import { MemberAccessError } from '../../shared/errors.js';
import '../helpers/aws-matchers.js';
import { settle } from '../helpers/settle.js';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const sts = mockClient(STSClient);
const port = sqsDeadLetters(
  new SQSClient({ region: 'us-east-1', maxAttempts: 1 }),
  new LambdaClient({ region: 'us-east-1', maxAttempts: 1 }),
);
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/secrets-remediator-dev-dead-letters';
const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-dev-classify';

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  sts.reset();
});

afterAll(() => {
  sqs.restore();
  lambda.restore();
  sts.restore();
});

describe('Function: sqsDeadLetters', () => {
  it('takes a queue URL as it is, and asks SQS for the URL of a queue name', async () => {
    // Prepare
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });

    // Act
    const byUrl = await port.queueUrl(QUEUE_URL);
    const byName = await port.queueUrl('secrets-remediator-dev-dead-letters');

    // Assess
    expect([byUrl, byName]).toStrictEqual([QUEUE_URL, QUEUE_URL]);
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(GetQueueUrlCommand, { QueueName: 'secrets-remediator-dev-dead-letters' });
  });

  it('fails, naming the queue, when SQS answers no URL', async () => {
    // Prepare
    sqs.on(GetQueueUrlCommand).resolves({});

    // Act
    const outcome = await settle(port.queueUrl('ghost-queue'));

    // Assess
    expect(outcome.error).toMatchObject({ message: 'SQS returned no URL for queue ghost-queue' });
  });

  it('receives letters hidden for the time given, with every message attribute that has a string value', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'r-1',
          Body: '{"detail":{}}',
          MessageAttributes: {
            RequestID: { DataType: 'String', StringValue: 'req-1' },
            ErrorCode: { DataType: 'String', StringValue: '200' },
            Binary: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) },
          },
        },
        {},
      ],
    });

    // Act
    const letters = await port.receive(QUEUE_URL, 10, 30);

    // Assess
    expect(letters).toStrictEqual([
      { messageId: 'm-1', receipt: 'r-1', body: '{"detail":{}}', attributes: { RequestID: 'req-1', ErrorCode: '200' } },
      { messageId: '', receipt: '', body: '', attributes: {} },
    ]);
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(ReceiveMessageCommand, {
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 30,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
    });
  });

  it('answers no letters from an empty queue', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({});

    // Act
    const letters = await port.receive(QUEUE_URL, 10, 30);

    // Assess
    expect(letters).toStrictEqual([]);
  });

  it('deletes a letter by its receipt, and releases one by making it visible at once', async () => {
    // Prepare
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});

    // Act
    await port.delete(QUEUE_URL, 'r-1');
    await port.release(QUEUE_URL, 'r-2');

    // Assess
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(DeleteMessageCommand, { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-1' });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(ChangeMessageVisibilityCommand, {
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'r-2',
      VisibilityTimeout: 0,
    });
  });

  it('invokes the function asynchronously with the payload, and is done when Lambda accepts it (202)', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    // Act
    await port.invokeAsync(FUNCTION, '{"id":"e-1"}');

    // Assess
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: FUNCTION, InvocationType: 'Event' });
    expect(new TextDecoder().decode(input?.Payload as Uint8Array)).toBe('{"id":"e-1"}');
  });

  it('fails, naming the function and the status, when Lambda answers anything but 202', async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });

    // Act
    const outcome = await settle(port.invokeAsync(FUNCTION, '{}'));

    // Assess
    expect(outcome.error).toMatchObject({ message: `Lambda answered 200 to the asynchronous invocation of ${FUNCTION}` });
  });
});

describe('Function: awsMemberDeadLetters', () => {
  const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-euw1';
  const target = { account: '444455556666', region: 'eu-west-1', roleArn: ROLE, session: 'secrets-remediator-redrive' };
  const MEMBER_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/444455556666/secrets-remediator-dev-forward-undelivered';

  it("assumes the member's role in its region before anything, reads the queue there, and invokes in the hub's region", async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: MEMBER_QUEUE_URL });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    // Act
    const port = await awsMemberDeadLetters(target, 'us-east-1', memberAccess());
    const url = await port.queueUrl('secrets-remediator-dev-forward-undelivered');
    await port.invokeAsync('secrets-remediator-dev-classify', '{}');

    // Assess
    expect(url).toBe(MEMBER_QUEUE_URL);
    expect(sts).toHaveReceivedCommandExactlyOnceWith(AssumeRoleCommand, { RoleArn: ROLE, RoleSessionName: 'secrets-remediator-redrive' });
    const sqsClient = sqs.call(0).thisValue as SQSClient;
    const lambdaClient = lambda.call(0).thisValue as LambdaClient;
    expect(await sqsClient.config.region()).toBe('eu-west-1');
    expect(await sqsClient.config.credentials()).toMatchObject({ accessKeyId: 'ASIAMEMBER' });
    expect(await lambdaClient.config.region()).toBe('us-east-1');
  });

  it('fails with the MemberAccessError naming the role, before any queue is read, when STS refuses it', async () => {
    // Prepare
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', $metadata: {} }));

    // Act
    const outcome = await settle(awsMemberDeadLetters(target, 'us-east-1', memberAccess()));

    // Assess
    expect(outcome.error).toBeInstanceOf(MemberAccessError);
    expect(outcome.error).toMatchObject({ roleArn: ROLE });
    expect(sqs.calls()).toHaveLength(0);
  });
});
