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
