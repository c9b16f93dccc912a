/**
 * Event → findings. Pure: decides from the event alone (the rotation path needs no AWS call).
 */
import type { CloudTrailEvent } from '../contracts/cloudtrail-event.js';
import type { Evidence, Finding } from '../contracts/finding.js';
import { InvalidEventError } from '../errors.js';
import { actorOf } from './actor.js';
import { locateSecret, secretLocationPaths } from './locate-secret.js';
import { parseRotationError } from './rotation-failure.js';
import { type Rule, rulesTriggeredBy } from './rules.js';

export type Classification =
  | { readonly kind: 'findings'; readonly findings: readonly Finding[] }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Longest error message carried into a finding: enough to read, too short to carry a payload. */
const MAX_ERROR_MESSAGE = 500;

/**
 * Classifies one CloudTrail-in-EventBridge event.
 *
 * @throws InvalidEventError when a rule applies but the event names no secret.
 * @example
 * const result = classify(parseCloudTrailEvent(raw));
 * if (result.kind === 'findings') await bus.publish(result.findings.map(toBusEvent));
 */
export const classify = (event: CloudTrailEvent): Classification => {
  const { eventName } = event.detail;
  const triggered = rulesTriggeredBy(event['detail-type'], eventName);
  if (triggered.length === 0) {
    return { kind: 'ignored', reason: `no rule for ${event['detail-type']} ${eventName}` };
  }
  const located = locateSecret(event);
  if (!located) {
    throw new InvalidEventError([`${eventName}: names no secret (looked in ${secretLocationPaths.join(', ')})`]);
  }
  const evidence = evidenceOf(event);
  const findings = triggered.map(
    (rule): Finding => ({
      id: `${event.id}/${rule.id}`,
      rule: rule.id,
      title: rule.title,
      severity: rule.severity,
      ...optional(rule),
      secret: located.secret,
      actor: actorOf(event.detail),
      event: {
        id: event.id,
        ...(event.detail.eventID ? { cloudTrailEventId: event.detail.eventID } : {}),
        name: eventName,
        detailType: event['detail-type'],
        time: event.detail.eventTime || event.time,
        account: event.account,
        region: event.region,
      },
      evidence,
      actions: [...rule.actions],
      needsRemediation: rule.actions.length > 0,
      notes: [...located.notes, ...evidenceNotes(eventName, evidence)],
    }),
  );
  return { kind: 'findings', findings };
};

const optional = (rule: Rule) => ({
  ...(rule.control ? { control: rule.control } : {}),
  ...(rule.practice ? { practice: rule.practice } : {}),
});

const evidenceOf = (event: CloudTrailEvent): Evidence => {
  const message = event.detail.errorMessage;
  if (!message) return {};
  return { ...parseRotationError(message), errorMessage: message.slice(0, MAX_ERROR_MESSAGE) };
};

const evidenceNotes = (eventName: string, evidence: Evidence): string[] =>
  eventName !== 'RotationSucceeded' && evidence.errorMessage && !evidence.failingStep
    ? ['errorMessage names no rotation step']
    : [];
