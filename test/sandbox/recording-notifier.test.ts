/**
 * The replay's alert topic: keeps every message and forwards it (moved from
 * test/contract/bus-and-notifier.contract.test.ts).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { snsAdapter } from '../../shared/adapters/sns.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import type { AlertMessage, NotifierPort } from '../../shared/ports/notifier.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
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

describe('RecordingNotifier', () => {
  it('keeps every message in order', async () => {
    // Prepare
    const notifier = new RecordingNotifier();
    const second: AlertMessage = { ...alertMessage, subject: 'second', attributes: { severity: 'low' } };
    expect(notifier.sent).toStrictEqual([]);

    // Act
    await notifier.publish(alertMessage);
    await notifier.publish(second);

    // Assess
    expect(notifier.sent).toStrictEqual([alertMessage, second]);
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
    await notifier.publish(alertMessage);

    // Assess
    expect(forwarded).toStrictEqual([alertMessage]);
    expect(notifier.sent).toStrictEqual([alertMessage]);
  });

  it('forwards to the SNS adapter as a real topic', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
    const notifier = new RecordingNotifier(snsAdapter(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC));

    // Act
    await notifier.publish(alertMessage);

    // Assess
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: alertMessage.subject,
      Message: alertMessage.body,
    });
    expect(notifier.sent).toStrictEqual([alertMessage]);
  });

  it('keeps nothing when the inner notifier rejects, and passes its error on', async () => {
    // Prepare
    const failure = new PermissionDeniedError('Publish: AuthorizationErrorException');
    const notifier = new RecordingNotifier({ publish: () => Promise.reject(failure) });

    // Act
    const outcome = await settle(notifier.publish(alertMessage));

    // Assess
    expect(outcome).toStrictEqual({ error: failure });
    expect(notifier.sent).toStrictEqual([]);
  });
});
