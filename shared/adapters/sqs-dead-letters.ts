/**
 * The dead-letter port over SQS (receive, delete, release) and Lambda (the asynchronous
 * re-invocation of the function the letter names). Only the CLI uses it: kept out of
 * aws-account.ts so no function bundle carries these two clients.
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
