/** An event for the project bus; the adapter adds the source and the envelope. */
export interface BusEvent {
  readonly detailType: string;
  readonly detail: unknown;
  /** ARNs the event is about (the secret), so EventBridge rules and archives can filter on them. */
  readonly resources: readonly string[];
}

/** The project's EventBridge bus. `publish` throws `TransientAwsError` for entries it could not put. */
export interface EventBusPort {
  publish(events: readonly BusEvent[]): Promise<void>;
}
