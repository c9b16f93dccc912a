/** An event for the project bus; the adapter adds the source and the envelope. */
export interface BusEvent {
  readonly detailType: string;
  readonly detail: unknown;
  /** ARNs the event is about (the secret), so EventBridge rules and archives can filter on them. */
  readonly resources: readonly string[];
}

export interface PublishOptions {
  /**
   * Times the entries PutEvents refused (throttled, internal failure) are sent again, alone, with
   * a growing pause, before `publish` gives up on them (default 0: the caller's invocation fails
   * and Lambda retries it). For a publisher whose retry would repeat costly work (the sweep's
   * coordinator and its thousands of shards).
   */
  readonly retryFailedEntries?: number;
}

/** The project's EventBridge bus. `publish` throws `TransientAwsError` for entries it could not put. */
export interface EventBusPort {
  publish(events: readonly BusEvent[], options?: PublishOptions): Promise<void>;
}
