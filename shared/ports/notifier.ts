/** One alert as the SNS topic receives it. */
export interface AlertMessage {
  /** At most 100 characters (SNS's limit for email subjects). */
  readonly subject: string;
  /** Plain text: what email (and every subscriber without a rendering of its own) receives. */
  readonly body: string;
  /** SNS message attributes, for subscription filter policies (`severity`, `rule`, ...). */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * The AWS Chatbot custom-notification document, for the topic's HTTPS subscribers (Chatbot
   * subscribes over HTTPS). Absent: every subscriber gets `body`.
   */
  readonly chatbot?: Readonly<Record<string, unknown>>;
}

/**
 * The message SNS receives for an alert, built once so that what the size check counts is what
 * Publish sends. With a Chatbot document: a JSON message structure, one text per protocol (email
 * and `default` get the plain text, HTTPS, where Chatbot subscribes, the document); without one,
 * the plain text itself.
 * @example
 * await client.send(new PublishCommand({ TopicArn, Subject: message.subject, ...snsMessageOf(message) }));
 */
export const snsMessageOf = (message: AlertMessage): { readonly Message: string; readonly MessageStructure?: 'json' } =>
  message.chatbot
    ? { MessageStructure: 'json', Message: JSON.stringify({ default: message.body, email: message.body, https: JSON.stringify(message.chatbot) }) }
    : { Message: message.body };

/** A Slack message: Block Kit blocks and the fallback text notifications show. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Readonly<Record<string, unknown>>[];
}

/** The alert topic. */
export interface NotifierPort {
  publish(message: AlertMessage): Promise<void>;
}

/** A Slack incoming webhook. */
export interface ChatPort {
  post(message: SlackMessage): Promise<void>;
}
