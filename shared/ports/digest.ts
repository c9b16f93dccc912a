/**
 * Where storm control keeps the alerts it holds back until their window's digest
 * ("many findings of one rule in a short window become one digest; none is dropped").
 *
 * A window is one rule in one account and region over a fixed stretch of time. The alert
 * function holds alerts in it; the scheduled alert-digest function asks for the windows that
 * have closed, reads what each holds, sends one digest and forgets the window. DynamoDB in AWS
 * (shared/adapters/dynamodb-digest.ts), a Map in the sandbox (shared/sandbox/memory-digest.ts).
 */
import type { Outcome, Severity } from '../contracts/finding.js';

/** One rule, in one account and region, over `[start, end)`. */
export interface DigestWindow {
  /** `<account>/<region>/<rule>/<start>`: unique, stable, and the same in every invocation. */
  readonly key: string;
  readonly rule: string;
  readonly account: string;
  readonly region: string;
  /** ISO 8601, UTC, milliseconds included (`Date.toISOString`), so keys sort by time. */
  readonly start: string;
  readonly end: string;
}

/** An alert held back for the digest: one line of its list, never the finding's raw event. */
export interface HeldAlert {
  readonly findingId: string;
  /** The label the single alert would show (`secretLabelOf`): the secret's name, else its ARN/id; for a finding about the caller, the caller. */
  readonly secret: string;
  /** When the finding's event happened (ISO 8601). */
  readonly time: string;
  readonly title: string;
  readonly severity: Severity;
  /** One line: why it fired. */
  readonly reason: string;
  /** The outcome of its action, when it had one. */
  readonly outcome?: Outcome;
  /** Who made the call (its principal), redacted; absent when there was no caller (the sweep). */
  readonly caller?: string;
  /** The caller's user agent, redacted. */
  readonly userAgent?: string;
  /** The rotation function the finding names (rotation rules), redacted. */
  readonly rotationFunction?: string;
}

export interface DigestPort {
  /**
   * Keeps `alert` in `window` until `keepUntil` and registers the window, so the flusher finds
   * it without scanning. Idempotent: holding the same finding twice keeps one copy.
   */
  hold(window: DigestWindow, alert: HeldAlert, keepUntil: Date): Promise<void>;
  /** Registered windows whose end is at or before `endedBy`, oldest first, at most `limit`. */
  closedWindows(endedBy: Date, limit: number): Promise<readonly DigestWindow[]>;
  /** Every alert held in `window`, ordered by finding id. */
  held(window: DigestWindow): Promise<readonly HeldAlert[]>;
  /** Unregisters `window` once its digest is sent; the held alerts expire on their own. */
  forget(window: DigestWindow): Promise<void>;
  /**
   * The command (its words, unquoted) on-call runs to list every alert held in `window` from
   * where they are kept, until they expire: what the digest's chat messages point at. Undefined
   * when they are kept nowhere a command can reach (the sandbox's memory).
   */
  listCommand(window: DigestWindow): readonly string[] | undefined;
}
