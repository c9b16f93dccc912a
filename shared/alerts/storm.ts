/**
 * Storm control, as pure decisions. When one rule fires for many secrets in a short
 * window — a broken rotation function failing everywhere, a script deleting secrets — on-call
 * gets the first few alerts one by one and then one digest with the count and the list, instead
 * of a flood. No finding is dropped: each one is either sent on its own or held for the digest.
 *
 * Windows are fixed, `alerts.digestWindowMinutes` long, aligned to the epoch, per rule, account
 * and region; every invocation computes the same window for the same moment without asking
 * anyone. A counter per window (`LedgerPort.count`, atomic) numbers the alerts: the first
 * `alerts.digestAfter` go out, the rest are held — except results of failed or blocked actions,
 * which always go out on their own ({@link sentAlone}). Critical findings follow the same rule:
 * the first ones of a storm page at once, the digest (with the storm's highest severity) pages
 * once more, and a thousand deleted secrets do not page a thousand times.
 */
import type { ActionResult, Finding, Severity } from '../contracts/finding.js';
import { atLeast, severityRank } from '../contracts/severity.js';
import { scopeKey } from '../ledger/keys.js';
import type { Policy } from '../policy/schema.js';
import type { DigestWindow, HeldAlert } from '../ports/digest.js';
import { secretLabelOf } from './model.js';
import { cleanFinding } from '../contracts/clean-finding.js';
import { redactFreeText, redactIdentifier } from '../contracts/redact.js';
import type { Digest } from './render.js';
import { alignedWindow } from '../time.js';

export type AlertSettings = Policy['alerts'];

const MINUTE = 60_000;

/**
 * How long after a window's end its digest waits. An alert invocation that computed the window
 * just before it ended must have held its alert by then: holding is refused after
 * {@link HOLD_DEADLINE_MS} (the alert is re-decided on retry, in a later window), so this only
 * needs to exceed that deadline.
 */
export const FLUSH_GRACE_MS = 2 * MINUTE;

/** An alert may be held in a window only until this long after the window's end (see above). */
export const HOLD_DEADLINE_MS = 1 * MINUTE;

/**
 * How long held alerts and their window's registration are kept: long enough for a flusher that
 * is failing (Slack down, a bad deploy) to be fixed and still send every digest.
 */
export const KEEP_HELD_MS = 7 * 24 * 60 * MINUTE;

/** A window's counter outlives the window a little, so a late count still lands in it. */
const COUNTER_KEPT_MS = 60 * MINUTE;

/** Whether `severity` is below the policy's `alerts.minimumSeverity` (not alerted at all). */
export const isBelowMinimum = (severity: Severity, minimum: Severity): boolean => !atLeast(severity, minimum);

/** The window `now` falls in, for the finding's rule, account and region. `minutes` > 0. */
export const windowFor = (finding: Pick<Finding, 'rule' | 'secret'>, now: Date, minutes: number): DigestWindow => {
  const { start, end } = alignedWindow(now, minutes * MINUTE);
  const { account, region } = finding.secret;
  const startIso = start.toISOString();
  return {
    key: `${account}/${region}/${finding.rule}/${startIso}`,
    rule: finding.rule,
    account,
    region,
    start: startIso,
    end: end.toISOString(),
  };
};

/** The ledger counter that numbers the alerts of `window`, and when it may be forgotten. */
export const counterOf = (window: DigestWindow): { readonly scope: string; readonly expiresAt: Date } => ({
  scope: scopeKey.storm(window.key),
  expiresAt: new Date(Date.parse(window.end) + COUNTER_KEPT_MS),
});

export type Route = 'individual' | 'held';

/** The `position`-th alert of its window (1-based, from the counter) goes out alone or waits for the digest. */
export const routeFor = (position: number, digestAfter: number): Route => (position <= digestAfter ? 'individual' : 'held');

/** Whether an alert may still be held in `window` at `now` (see {@link FLUSH_GRACE_MS}). */
export const canHoldIn = (window: DigestWindow, now: Date): boolean => now.getTime() < Date.parse(window.end) + HOLD_DEADLINE_MS;

/** The latest window end whose digest may go out at `now`. */
export const closedBy = (now: Date): Date => new Date(now.getTime() - FLUSH_GRACE_MS);

/** When a window's held alerts and registration may be forgotten. */
export const keepHeldUntil = (window: DigestWindow): Date => new Date(Date.parse(window.end) + KEEP_HELD_MS);

/**
 * Results that always go out on their own, never held for a digest: an action that failed or was
 * blocked leaves work to on-call, and only the single alert carries the reason and the step to
 * do by hand.
 */
export const sentAlone = (result?: ActionResult): boolean => result?.outcome === 'failed' || result?.outcome === 'blocked';

/**
 * The line a finding gets in its window's digest: the secret named as its single alert names it,
 * the reason, and what the digest compares to find a storm's common cause (caller, user agent,
 * rotation function), all redacted before they are stored.
 */
export const heldAlertOf = (finding: Finding, result?: ActionResult): HeldAlert => {
  const secret = secretLabelOf(finding);
  // The finding is a claim from the bus: what is compared comes from its redacted copy.
  const { actor, evidence } = cleanFinding(finding).finding;
  return {
    findingId: finding.id,
    secret,
    time: finding.event.time,
    title: finding.title,
    severity: finding.severity,
    reason: redactFreeText(finding.reason, [redactIdentifier(secret)]),
    ...(result ? { outcome: result.outcome } : {}),
    ...(actor.kind !== 'sweep' && actor.principal ? { caller: actor.principal } : {}),
    ...(actor.userAgent ? { userAgent: actor.userAgent } : {}),
    ...(evidence.rotationLambdaArn ? { rotationFunction: evidence.rotationLambdaArn } : {}),
  };
};

/**
 * The digest of a closed window: every held alert, oldest first (ties by finding id, so a retry
 * renders the same parts in the same order), with the highest severity among them. `context`:
 * how many alerts of the storm went out one by one before these were held, and the command that
 * lists what the window holds.
 */
export const digestOf = (
  window: DigestWindow,
  held: readonly HeldAlert[],
  context: { readonly sentBefore?: number; readonly listCommand?: readonly string[] | undefined } = {},
): Digest => {
  if (held.length === 0) throw new Error(`digestOf: window ${window.key} holds no alert`);
  const items = [...held].sort((a, b) => a.time.localeCompare(b.time) || a.findingId.localeCompare(b.findingId));
  const severity = items.reduce<Severity>(
    (worst, item) => (severityRank(item.severity) > severityRank(worst) ? item.severity : worst),
    'info',
  );
  return {
    rule: window.rule,
    // One rule has one title; the first is as good as any.
    title: items[0]?.title ?? window.rule,
    severity,
    account: window.account,
    region: window.region,
    windowStart: window.start,
    windowEnd: window.end,
    items: items.map(({ title: _title, severity: _severity, ...item }) => item),
    ...(context.sentBefore ? { sentBefore: context.sentBefore } : {}),
    ...(context.listCommand ? { listCommand: context.listCommand } : {}),
  };
};
