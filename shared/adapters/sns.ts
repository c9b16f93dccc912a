/**
 * NotifierPort over the AWS SDK v3 SNS client: one Publish per alert, with message attributes
 * (`severity`, `rule`, `account`, `region`, `secret`) for subscription filter policies.
 *
 * With a Chatbot document on the message, it is published with `MessageStructure: 'json'`: one
 * message per protocol in a single Publish. AWS Chatbot subscribes to a topic over HTTPS
 * (endpoint `https://global.sns-api.chatbot.amazonaws.com`), so it gets the `https` text, its
 * custom-notification JSON; email and every other protocol get the plain text. SNS requires a
 * `default` string in such a message and sends it to every protocol without its own key.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type AlertMessage, type NotifierPort, snsMessageOf } from '../ports/notifier.js';
import { callAws } from './aws-errors.js';

/** The Publish input for one alert (exported for the contract tests). */
export const publishInput = (topicArn: string, message: AlertMessage) => ({
  TopicArn: topicArn,
  Subject: message.subject,
  ...snsMessageOf(message),
  MessageAttributes: Object.fromEntries(
    Object.entries(message.attributes)
      // SNS refuses an attribute whose value is empty; a filter cannot match one anyway.
      .filter(([, value]) => value !== '')
      .map(([key, value]) => [key, { DataType: 'String', StringValue: value }]),
  ),
});

export const snsAdapter = (client: SNSClient, topicArn: string): NotifierPort => ({
  publish: async (message) => {
    await callAws('sns', 'Publish', () => client.send(new PublishCommand(publishInput(topicArn, message))));
  },
});
