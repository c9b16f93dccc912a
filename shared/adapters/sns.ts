/** NotifierPort over the AWS SDK v3 SNS client: one Publish per alert, attributes for filter policies. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { NotifierPort } from '../ports/notifier.js';
import { callAws } from './aws-errors.js';

export const snsAdapter = (client: SNSClient, topicArn: string): NotifierPort => ({
  publish: async (message) => {
    await callAws('sns', 'Publish', () =>
      client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: message.subject,
          Message: message.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(message.attributes).map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
          ),
        }),
      ),
    );
  },
});
