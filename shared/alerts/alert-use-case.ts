/**
 * The alert use case: one alert per finding, once it has settled — from the finding itself when it plans no
 * action, else from its action's "Remediation Result" — on the channels the policy turns on
 * (SNS, with Chatbot's document when asked; Slack). During a storm (many findings of one rule
 * within a window) the first `alerts.digestAfter` go out one by one and the rest are held for
 * the window's digest, which alert-digest sends (shared/alerts/storm.ts); a result whose action
 * failed or was blocked always goes out on its own.
 *
 * Exactly-once per finding rests on ledger claims: `alert#<id>#<digest>` records the decision
 * (sent on its own, or held in which window) so a redelivery or a retry never counts the finding
 * twice; `alert#<id>#<digest>#sns` and `...#slack` record each delivery, so a retry after Slack
 * failed does not publish to SNS again. The digest of the finding's content keeps a forged
 * finding with a genuine id from taking the genuine alert's claim.
 */
import { createHash } from 'node:crypto';
import { type Channel, channelsFor, type RemainingTime, deliverOnce, AlertInProgressError, missingChatPort } from './delivery.js';
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
import { stableJson } from '../contracts/stable-json.js';
import { countedIntoIncident, incidentScopeOf } from '../domain/incidents.js';
import { ConfigError, RemediationError } from '../errors.js';
import { claimKey, rememberFrom } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
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

/**
 * The claim of a finding's alert: its id and a digest of everything it says. What reaches the
 * project bus is a claim, and a forged finding may carry a genuine one's id: it then claims a
 * slot of its own, and the genuine finding is still alerted.
 */
export const alertKeyOf = (finding: Finding): string =>
  claimKey.alert(finding.id, createHash('sha256').update(stableJson(finding)).digest('hex').slice(0, 32));

/** What `alert#<id>#<digest>` records once decided. */
type Decision = { readonly route: 'individual' } | { readonly route: 'held'; readonly window: string };

/** The recorded decision, read back; anything else in the ledger is a fault, not a decision to guess. */
const readDecision = (outcome: string): Decision => {
  const value = JSON.parse(outcome) as Partial<Decision> & { window?: unknown };
  if (value.route === 'individual') return { route: 'individual' };
  if (value.route === 'held' && typeof value.window === 'string') return { route: 'held', window: value.window };
  throw new RemediationError(`the ledger holds an unreadable alert decision (${outcome.slice(0, 40)})`);
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
  if (alerts.digestWindowMinutes > 0 && !ports.digest) {
    throw new ConfigError(
      'alerts.digestWindowMinutes is on but the function has no digest store: give it the digest table adapter (shared/adapters/dynamodb-digest.ts)',
    );
  }
  if (channels.slack && !ports.chat) throw missingChatPort();

  /**
   * Decides once per finding, counting it in its window at most once; remembers the decision
   * under `alert#<id>` through the claim protocol (shared/ledger/once.ts).
   */
  const decide = async (finding: Finding, result: ActionResult | undefined, remainingMs: RemainingTime): Promise<Decided> => {
    const key = alertKeyOf(finding);
    const now = ports.clock.now();
    const decided = await once(ports, key, () => route(finding, result, now), {
      remainingMs: remainingMs(),
      encode: (value) => JSON.stringify(value.decision),
      decode: (stored) => ({ decision: readDecision(stored), before: true }),
    });
    if (decided.kind === 'in-progress') throw new AlertInProgressError(key);
    return decided.value;
  };

  /** Sends alone, or holds for the digest of the finding's window (counting it there). */
  const route = async (finding: Finding, result: ActionResult | undefined, now: Date): Promise<Decided> => {
    const { digest } = ports;
    // A failed or blocked action is neither held nor counted: it is not part of a storm's noise.
    if (alerts.digestWindowMinutes <= 0 || !digest || sentAlone(result)) return { decision: { route: 'individual' }, before: false };
    const window = windowFor(finding, now, alerts.digestWindowMinutes);
    const counter = counterOf(window);
    const position = await ports.ledger.count(counter.scope, counter.expiresAt);
    if (routeFor(position, alerts.digestAfter) !== 'held') return { decision: { route: 'individual' }, position, before: false };
    // Past this point the window's digest may be on its way: decide again in a later window.
    if (!canHoldIn(window, ports.clock.now())) throw new WindowClosedError(window.key);
    await digest.hold(window, heldAlertOf(finding, result), keepHeldUntil(window));
    return { decision: { route: 'held', window: window.key }, position, before: false };
  };

  /**
   * The finding with the number of findings counted into its incident so far ("and N more reads
   * by …"), read from the ledger as the alert is written: many reads arrive together, and classify
   * counts them in milliseconds while the repair before this alert takes seconds.
   */
  const withIncidentCount = async (finding: Finding): Promise<Finding> => {
    const more = await countedIntoIncident(finding, incidentScopeOf(finding.rule), ports);
    return more > 0 ? { ...finding, evidence: { ...finding.evidence, incidentCount: more } } : finding;
  };

  /** `remainingMs`: the invocation's time left (`() => context.getRemainingTimeInMillis()`); each claim holds that long. */
  return async (finding: Finding, result: ActionResult | undefined, remainingMs: RemainingTime): Promise<AlertOutcome> => {
    if (isBelowMinimum(finding.severity, alerts.minimumSeverity)) {
      return { status: 'ignored', reason: `severity ${finding.severity} is below alerts.minimumSeverity (${alerts.minimumSeverity})` };
    }
    if (!result && finding.needsRemediation) {
      // Its action's result will carry the alert; sending now would make two.
      return { status: 'ignored', reason: 'the finding awaits its remediation result' };
    }
    const { decision, position, before } = await decide(finding, result, remainingMs);
    if (decision.route === 'held') {
      // Held by an earlier delivery of the same finding: its digest will carry it.
      if (before) return { status: 'duplicate', findingId: finding.id };
      logger.info('alert held for the digest', { window: decision.window, position, severity: finding.severity });
      return { status: 'held', findingId: finding.id, window: decision.window, ...(position === undefined ? {} : { position }) };
    }
    const renderings = renderFinding(await withIncidentCount(finding), result, { chatbot: channels.chatbot });
    const keepUntil = rememberFrom(ports.clock.now());
    const delivered = await deliverOnce(ports, alertKeyOf(finding), renderings, channels, keepUntil, remainingMs);
    if (delivered.length === 0) return { status: 'duplicate', findingId: finding.id };
    logger.info('alert sent', {
      subject: renderings.sns.subject,
      severity: finding.severity,
      outcome: result?.outcome,
      channels: delivered,
      position,
    });
    return { status: 'sent', findingId: finding.id, subject: renderings.sns.subject, channels: delivered };
  };
};
