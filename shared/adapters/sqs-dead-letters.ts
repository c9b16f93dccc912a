/**
 * The dead-letter port over SQS (receive, delete, release) and Lambda (the asynchronous
 * re-invocation of the function the letter names). Only the CLI uses it: kept out of
 * aws-account.ts so no function bundle carries these two clients.
 *
 * A member stack's forward queue (organisation mode) is in the member's account and region: SQS
 * there is reached through the member's redrive role (assumed with STS before the first call, so a
 * refusal is the MemberAccessError naming the role), Lambda with the caller's own
 * credentials in the hub's region, where classify runs.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLettersPort } from '../ports/dead-letters.js';
import type { MemberTarget } from '../ports/member-access.js';
import { type MemberAccess, memberAccess } from './member-access.js';

export const sqsDeadLetters = (sqs: SQSClient, lambda: LambdaClient): DeadLettersPort => ({
  queueUrl: async (queue) => {
    if (/^https?:\/\//.test(queue)) return queue;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    if (!QueueUrl) throw new Error(`SQS returned no URL for queue ${queue}`);
    return QueueUrl;
  },
  receive: async (queueUrl, max, hideSeconds) => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        VisibilityTimeout: hideSeconds,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receipt: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).flatMap(([k, v]) => (v.StringValue === undefined ? [] : [[k, v.StringValue]])),
      ),
    }));
  },
  delete: async (queueUrl, receipt) => {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }));
  },
  release: async (queueUrl, receipt) => {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt, VisibilityTimeout: 0 }));
  },
  invokeAsync: async (functionArn, payload) => {
    const { StatusCode } = await lambda.send(
      new InvokeCommand({ FunctionName: functionArn, InvocationType: 'Event', Payload: new TextEncoder().encode(payload) }),
    );
    // An accepted asynchronous invocation answers 202.
    if (StatusCode !== 202) throw new Error(`Lambda answered ${StatusCode} to the asynchronous invocation of ${functionArn}`);
  },
});

/** The port on the SDK's credential chain (AWS_PROFILE, AWS_ENDPOINT_URL apply), in `region` or the chain's. */
export const awsDeadLetters = (region?: string): DeadLettersPort => {
  const config = { maxAttempts: 4, ...(region ? { region } : {}) };
  return sqsDeadLetters(new SQSClient(config), new LambdaClient(config));
};

/**
 * The port for the forward queue of a member stack: SQS in `target`'s account and region through
 * `target.roleArn`, assumed first (a refusal throws the MemberAccessError that names the role and
 * what to check, before any queue is read); Lambda on the credential chain in `hubRegion` (or the
 * chain's region).
 */
export const awsMemberDeadLetters = async (
  target: MemberTarget & { readonly roleArn: string },
  hubRegion: string | undefined,
  access: MemberAccess = memberAccess(),
): Promise<DeadLettersPort> => {
  await access.credentialsFor(target)?.();
  const sqs = access.clientFor(target, 'sqs-dead-letters', (config) => new SQSClient(config));
  return sqsDeadLetters(sqs, new LambdaClient({ maxAttempts: 4, ...(hubRegion ? { region: hubRegion } : {}) }));
};
