/**
 * Counting refused calls for access-denied-burst: how many Secrets Manager calls one
 * principal had refused with `AccessDenied*` in the current window. The rule's condition stays
 * pure — it reads the tally; this use case keeps the tally, through the ledger port only.
 *
 * Windows are fixed, `windowMinutes` long, aligned to the epoch and placed by the call's own
 * `eventTime` (not the time it is processed), so a late or redelivered event falls in the window
 * it belongs to and the replay is deterministic. Known limit: a burst split across a window
 * boundary is seen as two smaller ones; more than 2 × count calls within any `windowMinutes`
 * always fire (one of the two windows holds more than count).
 */
import type { CloudTrailEvent } from '../contracts/cloudtrail-event.js';
import type { Actor } from '../contracts/finding.js';
import type { Policy } from '../policy/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Finding } from '../contracts/finding.js';
import { RemediationError } from '../errors.js';
import { claimKey, scopeKey } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import { boundFindingId } from '../contracts/clean-finding.js';
import { redactEventIdentifier } from '../contracts/hostile-text.js';
import type { LedgerPort } from '../ports/ledger.js';
import { alignedWindow } from '../time.js';

const REPORTED = 'reported';

/** CloudTrail's code for a refused call: `AccessDenied` (IAM) or `AccessDeniedException` (the service's own). */
export const ACCESS_DENIED_PREFIX = 'AccessDenied';

export interface DeniedWindow {
  readonly start: Date;
  readonly end: Date;
  readonly minutes: number;
}

export type DeniedTally = {
  readonly kind: 'counted';
  /** This call's place in the window: the counter's value once it was added. */
  readonly count: number;
  /** Who the calls are counted for (see `countedPrincipal`). */
  readonly principal: string;
  readonly window: DeniedWindow;
  /** A redelivery of a call already counted: `count` is the value its first delivery got. */
  readonly redelivered: boolean;
};

const MINUTE = 60_000;
/**
 * How long a window's counter outlives the window: CloudTrail delivers within minutes, but
 * Lambda retries an event for up to 6 hours and EventBridge for 24; a call that arrives later
 * still is counted in a fresh counter (never a false burst, at worst a missed one).
 */
const COUNTER_MARGIN_HOURS = 24;
const HOUR = 60 * MINUTE;

/** The fixed window, aligned to the epoch, that `at` falls in. */
export const deniedWindow = (at: Date, minutes: number): DeniedWindow => {
  return { ...alignedWindow(at, minutes * MINUTE), minutes };
};

/**
 * Who refused calls are counted for: the role behind a session (an attacker who opens new
 * sessions stays one principal), except for people signed in through IAM Identity Center, whose
 * sessions are the people — counting their shared permission-set role would add colleagues up.
 */
export const countedPrincipal = (actor: Actor): string =>
  actor.kind === 'sso-user' && actor.sessionArn ? actor.sessionArn : actor.principal;

/** When the call happened, by CloudTrail; the envelope's time, then now, when that is unreadable. */
const callTime = (event: CloudTrailEvent, clock: Clock): Date => {
  for (const text of [event.detail.eventTime, event.time]) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return new Date(time);
  }
  return clock.now();
};

export interface DeniedCallPorts {
  readonly ledger: LedgerPort;
  readonly clock: Clock;
  /**
   * How long the invocation may still run (`() => context.getRemainingTimeInMillis()`): a claim
   * holds that long.
   */
  readonly remainingMs: () => number;
}

/**
 * Counts one refused call against its principal's window and answers the tally. Each call is
 * counted once however often it is delivered: a claim on CloudTrail's `eventID` comes first, and
 * the count it got is recorded with the claim, so a redelivery (after a failed publish, say)
 * answers the same count and the rule decides the same — the finding is retried, not lost, and
 * not doubled (the claim protocol of `shared/ledger/once.ts`). If the invocation dies between
 * counting and recording, a redelivery after that invocation is over counts the call again: one too many, never one alert too many (classify publishes
 * the burst finding once, see `claimFirstReports`).
 *
 * @example
 * const tally = await countDeniedCall(event, actor, policy, { ledger, clock });
 */
export const countDeniedCall = async (
  event: CloudTrailEvent,
  actor: Actor,
  policy: Policy,
  ports: DeniedCallPorts,
): Promise<DeniedTally> => {
  const principal = countedPrincipal(actor);
  const window = deniedWindow(callTime(event, ports.clock), policy.alerts.accessDeniedBurst.windowMinutes);
  // Both keys are made of event text: bounded and redacted as a finding id is, so no secret an
  // attacker writes into an event reaches the ledger, and no key passes DynamoDB's size limit.
  const key = claimKey.deniedCall(ledgerSafe(event.detail.eventID ?? event.id));
  const counter = scopeKey.deniedCalls(ledgerSafe(principal), window.start.toISOString());
  // Recording the count fails rarely, and is then only logged: a redelivery after this
  // invocation would count the call again — one too many, never one alert too many.
  const counted = await once(ports, key, () => ports.ledger.count(counter, new Date(window.end.getTime() + COUNTER_MARGIN_HOURS * HOUR)), {
    remainingMs: ports.remainingMs(),
    encode: String,
    decode: Number,
  });
  if (counted.kind === 'done') return { kind: 'counted', count: counted.value, principal, window, redelivered: false };
  if (counted.kind === 'done-before' && Number.isInteger(counted.value) && counted.value > 0) {
    return { kind: 'counted', count: counted.value, principal, window, redelivered: true };
  }
  // Another delivery of this very call is counting it now: fail, so Lambda retries this one
  // after that invocation is over; answering "nothing" here would lose the burst if it dies.
  throw new CountInProgressError(`refused call ${key} is being counted by another delivery; retry`);
};

/** Event text made fit for a ledger key: redacted as an identifier, and bounded. */
const ledgerSafe = (text: string): string => boundFindingId(redactEventIdentifier(text));

/** Another delivery of the same refused call is counting it: retryable. */
export class CountInProgressError extends RemediationError {
  public constructor(message: string) {
    super(message, { retryable: true });
    this.name = 'CountInProgressError';
  }
}

/**
 * Of the findings of `reportOnce` rules, keeps those this delivery is the first to report: it
 * claims `reported#<finding id>` in the ledger (through `once`, recorded at once). `release` gives the claims back when publishing
 * fails, so the retry (or the next refused call) reports the finding instead of losing it.
 */
export const claimFirstReports = async (
  findings: readonly Finding[],
  reportOnce: (finding: Finding) => boolean,
  ports: DeniedCallPorts,
): Promise<{ readonly publish: readonly Finding[]; readonly release: () => Promise<void> }> => {
  const keep: Finding[] = [];
  const claimed: string[] = [];
  for (const finding of findings) {
    if (!reportOnce(finding)) {
      keep.push(finding);
      continue;
    }
    const key = claimKey.reported(finding.id);
    // Being first to report is the work, recorded at once (48 hours); `release` undoes it.
    const first = await once(ports, key, () => Promise.resolve(REPORTED), {
      remainingMs: ports.remainingMs(),
      encode: () => REPORTED,
      decode: () => REPORTED,
    });
    if (first.kind === 'done') {
      keep.push(finding);
      claimed.push(key);
    }
  }
  return {
    publish: keep,
    release: async () => {
      for (const key of claimed) await ports.ledger.release(key);
    },
  };
};
