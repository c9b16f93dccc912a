/**
 * Every key the ledger table holds, in one place, so that two features can never pick the same
 * namespace by accident and the table's items can be read (and granted) by their prefix.
 *
 * Three layers:
 * - the item prefixes the DynamoDB adapter writes (`claim#`, `writes#`, `count#`): one per
 *   kind of record, so a claim can never collide with a counter;
 * - the claim keys, one namespace per thing done once (`alert#`, `digest#`, `sweep#`, ...);
 * - the scopes of the write limit and of the counters (`secret#`, `storm#`, `denied#`).
 *
 * Changing a string here changes what a deployed table recognises: a claim recorded under the
 * old key is not found under the new one, so the redeliveries of the next two days would act
 * again. Add namespaces; do not rename them.
 */

const HOUR_MS = 3_600_000;

/**
 * How long a thing done once is remembered: longer than anything delivers it again (EventBridge
 * retries an event for up to 24 hours, Lambda's asynchronous retries for up to 6), so a late
 * redelivery is recognised instead of acted on.
 */
export const REMEMBER_MS = 48 * HOUR_MS;

/** When something done at `now` may be forgotten. */
export const rememberFrom = (now: Date): Date => new Date(now.getTime() + REMEMBER_MS);

/** The DynamoDB item prefixes, one per kind of record (the adapter's business; the sandbox keeps kinds in separate maps). */
export const itemKey = {
  /** A claim: `claim#<claim key>`. */
  claim: (key: string): string => `claim#${key}`,
  /** The write-limit count of `scope` for the hour ending at `expiresAtSeconds`. */
  writes: (scope: string, expiresAtSeconds: string): string => `writes#${scope}#${expiresAtSeconds}`,
  /** The counter `scope` for the window ending at `expiresAtSeconds`. */
  count: (scope: string, expiresAtSeconds: string): string => `count#${scope}#${expiresAtSeconds}`,
} as const;

/** Claim keys: one namespace per thing the service does once. */
export const claimKey = {
  /**
   * One action on one finding. Unprefixed for historical reasons, and safe so: a finding id is
   * `<rule>/<key>` or `<event id>/<rule>`, never `<word>#`, so it cannot fall into another
   * namespace. Kept so that claims in a deployed table stay valid.
   */
  remediation: (findingId: string, actionType: string): string => `${findingId}#${actionType}`,
  /**
   * The alert decision for a finding: sent on its own, or held for which digest window. Keyed by
   * the finding's id and a digest of its whole content (record included): a finding id can be
   * predicted (`access-denied-burst/<principal>/<window>`, `sweep/<day>/<rule>/<arn>`), so a
   * forged finding that took the id first would otherwise make the genuine alert a "duplicate".
   * A redelivery of the same finding has the same content, and still alerts once.
   */
  alert: (findingId: string, contentDigest: string): string => `alert#${findingId}#${contentDigest}`,
  /** A closed storm window's digest. */
  digest: (windowKey: string): string => `digest#${windowKey}`,
  /** Part `n` (1-based) of a window's digest; its channels are claimed under it ({@link claimKey.channel}). */
  digestPart: (windowKey: string, n: number): string => `digest#${windowKey}#part-${n}`,
  /** One delivery channel of an alert or a digest part claimed under `key`. */
  channel: (key: string, channel: 'sns' | 'slack'): string => `${key}#${channel}`,
  /** One invocation of a sweep run (a duplicated schedule or continuation must not fork the run). */
  sweep: (runId: string, invocation: number): string => `sweep#${runId}#${invocation}`,
  /**
   * When a sweep run started, recorded by its first invocation: a continuation judges by this
   * clock, never by the `startedAt` its event claims.
   */
  sweepStart: (runId: string): string => `sweep-start#${runId}`,
  /**
   * An organisation sweep run, recorded by its coordinator: when it started and the accounts and
   * regions it covers (what the organisation summary gathers).
   */
  sweepOrg: (runId: string): string => `sweep-org#${runId}`,
  /**
   * One shard of an organisation run, registered by the coordinator before it publishes the shard:
   * the proof a "Sweep Shard" event cannot forge (the shard is in this run's scope) and the run's clock.
   */
  sweepOrgShard: (runId: string, account: string, region: string): string => `sweep-org#${runId}#shard#${account}#${region}`,
  /** A shard's figures, recorded when it finished, for the organisation summary. */
  sweepOrgShardFigures: (runId: string, account: string, region: string): string => `sweep-org#${runId}#figures#${account}#${region}`,
  /** A finished shard counted once towards its run (the count that tells the last shard it is last). */
  sweepOrgShardCounted: (runId: string, account: string, region: string): string => `sweep-org#${runId}#counted#${account}#${region}`,
  /** The organisation summary of a run, sent once. */
  sweepOrgSummary: (runId: string): string => `sweep-org#${runId}#summary`,
  /**
   * The largest account-regions of the last organisation run, replaced by each run's last shard:
   * the next coordinator publishes them first (shared/sweep/shard-sizes.ts).
   */
  sweepOrgSizes: (): string => 'sweep-org-sizes',
  /** One refused call counted for access-denied-burst, by CloudTrail's event id. */
  deniedCall: (eventId: string): string => `denied-call#${eventId}`,
  /** A finding of a rule that reports once (a burst stays past its limit for many calls). */
  reported: (findingId: string): string => `reported#${findingId}`,
} as const;

/** Scopes of the write limit and of the counters. */
export const scopeKey = {
  /** Writes to one secret this hour (`limits.writesPerSecretPerHour`). */
  secretWrites: (secretArn: string): string => `secret#${secretArn}`,
  /** Alerts of one storm window, numbering them. */
  storm: (windowKey: string): string => `storm#${windowKey}`,
  /** Findings counted into one incident (shared/domain/incidents.ts), by the published finding's id. */
  incident: (findingId: string): string => `incident#${findingId}`,
  /** Refused calls of one principal in one window. */
  deniedCalls: (principal: string, windowStartIso: string): string => `denied#${principal}#${windowStartIso}`,
  /** The shards of an organisation sweep run that have finished. */
  sweepOrgShardsDone: (runId: string): string => `sweep-org#${runId}`,
} as const;
