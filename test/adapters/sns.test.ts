/**
 * NotifierPort over SNS: one Publish per alert with its attributes, and SDK errors mapped (moved
 * from test/contract/bus-and-notifier.contract.test.ts and alert-delivery.contract.test.ts).
 */
import { AuthorizationErrorException, InternalErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { snsAdapter } from '../../shared/adapters/sns.js';
import { PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
import type { AlertMessage } from '../../shared/ports/notifier.js';
import '../helpers/aws-matchers.js';
import { alertMessage, TOPIC } from '../helpers/messages.js';
import { settle } from '../helpers/settle.js';

const sns = mockClient(SNSClient);

beforeEach(() => {
  sns.reset();
});

afterAll(() => {
  sns.restore();
});

describe('snsAdapter', () => {
  const notifier = snsAdapter(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC);

  it('publishes the alert to the topic with its attributes as String message attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });

    // Act
    await notifier.publish(alertMessage);

    // Assess
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: alertMessage.subject,
      Message: alertMessage.body,
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
    const outcome = await settle(notifier.publish(alertMessage));

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
    const outcome = await settle(notifier.publish(alertMessage));

    // Assess
    expect(outcome.error).toBeInstanceOf(TransientAwsError);
    expect(outcome.error).toMatchObject({ retryable: true, cause: internal });
  });
});

// What the topic carries with Chatbot on: one Publish, a message per protocol (`MessageStructure: json`).
describe('snsAdapter, message structure', () => {
  const alert: AlertMessage = {
    subject: '[HIGH] rotation-failed: prod/payments/db (123456789012/us-east-1)',
    body: 'Rotation failed for prod/payments/db.\n',
    attributes: { severity: 'high', rule: 'rotation-failed', account: '123456789012', region: 'us-east-1', secret: 'prod/payments/db' },
  };
  const notifier = snsAdapter(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC);

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('publishes the plain text to every protocol, with the attributes filter policies match on', async () => {
    // Act
    await notifier.publish(alert);

    // Assess
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: alert.subject,
      Message: alert.body,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        rule: { DataType: 'String', StringValue: 'rotation-failed' },
        account: { DataType: 'String', StringValue: '123456789012' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        secret: { DataType: 'String', StringValue: 'prod/payments/db' },
      },
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageStructure).toBeUndefined();
  });

  it("sends Chatbot's document to HTTPS subscribers and the plain text to email and every other protocol, in one Publish", async () => {
    // Prepare
    const chatbot = {
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: 'Rotation failed', description: 'prod/payments/db' },
    };

    // Act
    await notifier.publish({ ...alert, chatbot });

    // Assess
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: alert.subject,
      MessageStructure: 'json',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
    });
    const perProtocol = JSON.parse(input?.Message ?? '{}') as Record<string, string>;
    expect(Object.keys(perProtocol).sort()).toEqual(['default', 'email', 'https']);
    expect(perProtocol.default).toBe(alert.body);
    expect(perProtocol.email).toBe(alert.body);
    expect(JSON.parse(perProtocol.https ?? '')).toEqual(chatbot);
  });

  it('leaves out an attribute with an empty value, which SNS would refuse', async () => {
    // Act
    await notifier.publish({ ...alert, attributes: { ...alert.attributes, secret: '' } });

    // Assess
    expect(Object.keys(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes ?? {}).sort()).toEqual([
      'account',
      'region',
      'rule',
      'severity',
    ]);
  });
});
