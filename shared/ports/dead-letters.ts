/**
 * The dead-letter queues and the functions their letters go back to, for
 * `secrets-remediator redrive`.
 */

/** One message in a dead-letter queue, as received. */
export interface DeadLetter {
  readonly messageId: string;
  /** The handle that deletes or releases this receipt of the message. */
  readonly receipt: string;
  readonly body: string;
  /** The message's string attributes (EventBridge puts RULE_ARN, TARGET_ARN, ERROR_CODE, ... there). */
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DeadLettersPort {
  /** The queue's URL from its URL or its name. */
  queueUrl(queue: string): Promise<string>;
  /** Up to `max` (1-10) messages, hidden from other readers for `hideSeconds`. */
  receive(queueUrl: string, max: number, hideSeconds: number): Promise<readonly DeadLetter[]>;
  /** Forgets a message: only after its event was sent back. */
  delete(queueUrl: string, receipt: string): Promise<void>;
  /** Makes a received message visible again at once (a dry run leaves the queue as it was). */
  release(queueUrl: string, receipt: string): Promise<void>;
  /** Invokes `functionArn` asynchronously with `payload` (JSON), as EventBridge would have. */
  invokeAsync(functionArn: string, payload: string): Promise<void>;
}
