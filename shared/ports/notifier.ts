/** One alert as the SNS topic receives it. */
export interface AlertMessage {
  /** At most 100 characters (SNS's limit for email subjects). */
  readonly subject: string;
  readonly body: string;
  /** SNS message attributes, for subscription filter policies (`severity`, `rule`, ...). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** The alert topic. */
export interface NotifierPort {
  publish(message: AlertMessage): Promise<void>;
}
