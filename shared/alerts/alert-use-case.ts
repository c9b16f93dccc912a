/**
 * The alert use case: one alert per finding, once it has settled — from the finding itself when it plans no
 * action, else from its action's "Remediation Result" — on the channels the policy turns on
 * (SNS, with Chatbot's document when asked; Slack). During a storm (many findings of one rule
 * within a window) the first `alerts.digestAfter` go out one by one and the rest are held for
 * the window's digest, which alert-digest sends (shared/alerts/storm.ts); a result whose action
 * failed or was blocked always goes out on its own.
 *
 * Exactly-once per finding rests on ledger claims: `alert#<id>` records the decision (sent on
 * its own, or held in which window) so a redelivery or a retry never counts the finding twice;
 * `alert#<id>#sns` and `alert#<id>#slack` record each delivery, so a retry after Slack failed
 * does not publish to SNS again.
 */
import { type Channel, CLAIM_MS, channelsFor, deliverOnce, AlertInProgressError } from './delivery.js';
import { renderFinding } from './render.js';
import {
  type AlertSettings,
  canHoldIn,
  counterOf,
  heldAlertOf,
  isBelowMinimum,
  keepHeldUntil,
  routeFor,
  sentAlone,
  windowFor,
} from './storm.js';
import type { ActionResult, Finding } from '../contracts/finding.js';
import { RemediationError } from '../errors.js';
import { logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { DigestPort } from '../ports/digest.js';
import type { LedgerPort } from '../ports/ledger.js';
import type { ChatPort, NotifierPort } from '../ports/notifier.js';

export type AlertOutcome =
  | { readonly status: 'sent'; readonly findingId: string; readonly subject: string; readonly channels: readonly Channel[] }
  /** Held for the digest of `window` (the `position`-th alert of its window). */
  | { readonly status: 'held'; readonly findingId: string; readonly window: string; readonly position?: number }
  | { readonly status: 'duplicate'; readonly findingId: string }
  | { readonly status: 'ignored'; readonly reason: string };

export interface AlertPorts {
  readonly notifier: NotifierPort;
  readonly ledger: LedgerPort;
  readonly clock: Clock;
  /** Required when `alerts.digestWindowMinutes` > 0. */
  readonly digest?: DigestPort;
  /** Required when `alerts.channels.slackWebhookSecretArn` is set. */
  readonly chat?: ChatPort;
}

export interface AlertUseCaseSettings {
  readonly alerts: AlertSettings;
}

/** How long a sent alert is remembered: longer than any redelivery or retry of its finding. */
const REMEMBER_MS = 48 * 3_600_000;

/** What `alert#<id>` records once decided. */
type Decision = { readonly route: 'individual' } | { readonly route: 'held'; readonly window: string };

/**
 * The recorded decision. Before storm control the key recorded `sent` once the alert was out:
 * such a finding counts as held (nothing more to send), so an upgrade does not send it twice.
 */
const readDecision = (outcome: string): Decision => {
  try {
    const value = JSON.parse(outcome) as Partial<Decision> & { window?: unknown };
    if (value.route === 'individual') return { route: 'individual' };
    if (value.route === 'held' && typeof value.window === 'string') return { route: 'held', window: value.window };
  } catch {
    // not JSON: an outcome written before decisions were recorded
  }
  return { route: 'held', window: 'sent before decisions were recorded' };
};

/** The decision, its position in the window when counted now, and whether an earlier delivery made it. */
interface Decided {
  readonly decision: Decision;
  readonly position?: number;
  readonly before: boolean;
}

/** An alert that can no longer be held in its window (the invocation ran late): decided again on retry. */
class WindowClosedError extends RemediationError {
  public constructor(window: string) {
    super(`digest window ${window} closed before the alert could be held; it is decided again on retry`, { retryable: true });
    this.name = 'WindowClosedError';
  }
}

/**
 * The alert use case over its ports: checks the ports against the settings once (at cold start),
 * then answers each finding (with its action's result, if any) with what became of its alert.
 */
export const alertUseCase = (ports: AlertPorts, { alerts }: AlertUseCaseSettings) => {
  const channels = channelsFor(alerts);
  // Fail at cold start, not on the first alert of a storm.
  if (alerts.digestWindowMinutes > 0 && !ports.digest) throw new Error('alerts.digestWindowMinutes is on but no digest store was given');
  if (channels.slack && !ports.chat) throw new Error('alerts.channels.slackWebhookSecretArn is set but no chat port was given');

  /**
   * Decides once per finding, counting it in its window at most once; remembers the decision.
   * The claim on `alert#<id>` (claim, decide, complete, or release on failure) is this use case's
   * exactly-once protocol.
   */
  const decide = async (finding: Finding, result: ActionResult | undefined): Promise<Decided> => {
    const key = `alert#${finding.id}`;
    const now = ports.clock.now();
    const claim = await ports.ledger.claim(key, new Date(now.getTime() + CLAIM_MS));
    if (!claim.claimed) {
      if (claim.outcome) return { decision: readDecision(claim.outcome), before: true };
      throw new AlertInProgressError(key);
    }
    try {
      let decided: Decided = { decision: { route: 'individual' }, before: false };
      const { digest } = ports;
      // A failed or blocked action is neither held nor counted: it is not part of a storm's noise.
      if (alerts.digestWindowMinutes > 0 && digest && !sentAlone(result)) {
        const window = windowFor(finding, now, alerts.digestWindowMinutes);
        const counter = counterOf(window);
        const position = await ports.ledger.count(counter.scope, counter.expiresAt);
        if (routeFor(position, alerts.digestAfter) === 'held') {
          // Past this point the window's digest may be on its way: decide again in a later window.
          if (!canHoldIn(window, ports.clock.now())) throw new WindowClosedError(window.key);
          await digest.hold(window, heldAlertOf(finding, result), keepHeldUntil(window));
          decided = { decision: { route: 'held', window: window.key }, position, before: false };
        } else {
          decided = { decision: { route: 'individual' }, position, before: false };
        }
      }
      await ports.ledger.complete(key, JSON.stringify(decided.decision), new Date(now.getTime() + REMEMBER_MS));
      return decided;
    } catch (error) {
      await ports.ledger.release(key); // so the retry decides again rather than finding it "in progress"
      throw error;
    }
  };

  return async (finding: Finding, result: ActionResult | undefined): Promise<AlertOutcome> => {
    if (isBelowMinimum(finding.severity, alerts.minimumSeverity)) {
      return { status: 'ignored', reason: `severity ${finding.severity} is below alerts.minimumSeverity (${alerts.minimumSeverity})` };
    }
    if (!result && finding.needsRemediation) {
      // Its action's result will carry the alert; sending now would make two.
      return { status: 'ignored', reason: 'the finding awaits its remediation result' };
    }
    const { decision, position, before } = await decide(finding, result);
    if (decision.route === 'held') {
      // Held by an earlier delivery of the same finding: its digest will carry it.
      if (before) return { status: 'duplicate', findingId: finding.id };
      logger.info('alert held for the digest', { window: decision.window, position, severity: finding.severity });
      return { status: 'held', findingId: finding.id, window: decision.window, ...(position === undefined ? {} : { position }) };
    }
    const renderings = renderFinding(finding, result, { chatbot: channels.chatbot });
    const keepUntil = new Date(ports.clock.now().getTime() + REMEMBER_MS);
    const delivered = await deliverOnce(ports, `alert#${finding.id}`, renderings, channels, keepUntil);
    if (delivered.length === 0) return { status: 'duplicate', findingId: finding.id };
    logger.info('alert sent', { subject: renderings.sns.subject, severity: finding.severity, outcome: result?.outcome, channels: delivered, position });
    return { status: 'sent', findingId: finding.id, subject: renderings.sns.subject, channels: delivered };
  };
};
