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
    ? {
        MessageStructure: 'json',
        Message: JSON.stringify({ default: message.body, email: message.body, https: JSON.stringify(message.chatbot) }),
      }
    : { Message: message.body };

/**
 * Slack Block Kit (docs.slack.dev, "Blocks" reference): a message holds at most 50 blocks; a
 * header's plain text at most 150 characters; a section's text 3000, its fields at most 10 of
 * 2000 each; a context block 10 elements; an actions block 25 elements; a button's text 75 and
 * its URL 3000. Slack truncates a message's text past 40,000 characters: the whole payload is
 * kept under that too, as the issue asks (≈ 40k).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  headerChars: 150,
  sectionChars: 3000,
  fields: 10,
  fieldChars: 2000,
  contextElements: 10,
  contextChars: 2000,
  actionsElements: 25,
  buttonTextChars: 75,
  buttonUrlChars: 3000,
  messageChars: 40_000,
  fallbackTextChars: 3000,
} as const;

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
