/**
 * CloudTrail's event history (LookupEvents): the last 90 days of an account's management
 * events in one region, read a page at a time. The replay reads a team's own Secrets Manager
 * history through it, to show what the service would have done before anything is deployed;
 * restore-secret asks it who scheduled a deletion before it undoes one.
 */

/** The one attribute a LookupEvents call filters on (it takes exactly one). */
export interface LookupAttribute {
  readonly key: 'EventSource' | 'EventName' | 'ResourceName';
  /** `secretsmanager.amazonaws.com`, `DeleteSecret`, a secret's ARN, ... */
  readonly value: string;
}

/** One LookupEvents call. */
export interface HistoryRequest {
  readonly lookupAttribute: LookupAttribute;
  /** Oldest event time wanted (inclusive). */
  readonly startTime: Date;
  /** Newest event time wanted (inclusive). */
  readonly endTime: Date;
  readonly nextToken?: string;
}

/** One page of history: each entry's record is the JSON string CloudTrail keeps (`CloudTrailEvent`). */
export interface HistoryPage {
  readonly events: readonly { readonly eventId?: string; readonly cloudTrailEvent?: string }[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

export interface CloudTrailHistoryPort {
  /** LookupEvents, one page (at most 50 events, newest first). */
  lookupEvents(request: HistoryRequest): Promise<HistoryPage>;
}
