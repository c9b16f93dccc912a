/**
 * Event → findings, in two pure steps so the handler can do its one read in between:
 * `prepare` finds the rules the event triggers, the secret and the actor; when a triggered rule
 * needs the secret's current state, the handler reads it (one DescribeSecret); `evaluate` then
 * checks each rule's condition and builds the findings.
 */
import type { ClassifiableEvent } from '../contracts/cloudtrail-event.js';
import type { Actor, EventRef, Finding, SecretRef } from '../contracts/finding.js';
import { InvalidEventError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState } from '../ports/secrets.js';
import { actorOf } from './actor.js';
import { locateSecret, secretIdList, secretLocationPaths, secretRef } from './locate-secret.js';
import { type Rule, rulesTriggeredBy } from './rules.js';

export interface ClassifyContext {
  readonly policy: Policy;
  /** Role-name prefix of this service's own roles: their events are never acted on. */
  readonly serviceRolePrefix?: string;
}

export interface Prepared {
  readonly kind: 'prepared';
  readonly event: ClassifiableEvent;
  readonly rules: readonly Rule[];
  readonly secret: SecretRef;
  readonly actor: Actor;
  readonly notes: readonly string[];
  /** A triggered rule needs the secret's current state: read it before `evaluate`. */
  readonly needsSecretState: boolean;
}

export type Ignored = { readonly kind: 'ignored'; readonly reason: string };

export type Evaluated =
  | { readonly kind: 'findings'; readonly findings: readonly Finding[] }
  /** Rules applied, and none fired: each says why, for the log. */
  | { readonly kind: 'no-finding'; readonly reasons: readonly string[] };

export type Classification = Evaluated | Ignored;

/**
 * @throws InvalidEventError when a rule applies but the event names no secret.
 */
export const prepare = (event: ClassifiableEvent, context: ClassifyContext): Prepared | Ignored => {
  const triggered = rulesTriggeredBy(event, context.policy);
  if (triggered.length === 0) return { kind: 'ignored', reason: `no rule for ${describeEvent(event)}` };
  if (event.kind === 'cloudtrail' && event.event.detail.eventName === 'BatchGetSecretValue' && secretIdList(event.event).length === 0) {
    return { kind: 'ignored', reason: 'BatchGetSecretValue selected its secrets by filters: the event does not name them' };
  }
  const located = event.kind === 'cloudtrail' ? locateSecret(event.event) : configSecret(event);
  if (!located) {
    throw new InvalidEventError([`${describeEvent(event)}: names no secret (looked in ${secretLocationPaths.join(', ')})`]);
  }
  const actor = event.kind === 'cloudtrail' ? actorOf(event.event.detail, { allowedAdmins: context.policy.allowedAdmins, ...serviceRole(context) }) : CONFIG_ACTOR;
  if (actor.kind === 'service-role') {
    return { kind: 'ignored', reason: `caused by this service's own role ${actor.principal}: never acted on` };
  }
  return {
    kind: 'prepared',
    event,
    rules: triggered,
    secret: located.secret,
    actor,
    notes: located.notes,
    needsSecretState: triggered.some((rule) => rule.needsSecretState),
  };
};

export const evaluate = (prepared: Prepared, policy: Policy, secretState?: SecretState): Evaluated => {
  const findings: Finding[] = [];
  const reasons: string[] = [];
  for (const rule of prepared.rules) {
    const verdict = rule.evaluate({ event: prepared.event, secret: prepared.secret, actor: prepared.actor, policy, ...(secretState ? { secretState } : {}) });
    if (!verdict.fires) {
      reasons.push(`${rule.id}: ${verdict.reason}`);
      continue;
    }
    const control = verdict.control ?? rule.control;
    const { secret, notes } = verdict.secretId
      ? secretRef(verdict.secretId, 'detail.requestParameters.secretIdList[]', prepared.secret)
      : { secret: prepared.secret, notes: prepared.notes };
    findings.push({
      id: `${prepared.event.event.id}/${rule.id}`,
      rule: rule.id,
      title: rule.title,
      severity: rule.severity,
      reason: verdict.reason,
      ...(control ? { control } : {}),
      ...(rule.practices ? { practices: [...rule.practices] } : {}),
      secret,
      actor: prepared.actor,
      event: eventRef(prepared.event),
      evidence: verdict.evidence ?? {},
      actions: [...rule.actions],
      needsRemediation: rule.actions.length > 0,
      notes: [...notes, ...evidenceNotes(prepared.event, verdict.evidence ?? {})],
    });
  }
  return findings.length > 0 ? { kind: 'findings', findings } : { kind: 'no-finding', reasons };
};

/**
 * Both steps at once, for callers that already hold the secret's state (or need none).
 * @example
 * const result = classify(parseClassifiableEvent(raw), { policy });
 */
export const classify = (event: ClassifiableEvent, context: ClassifyContext, secretState?: SecretState): Classification => {
  const prepared = prepare(event, context);
  return prepared.kind === 'ignored' ? prepared : evaluate(prepared, context.policy, secretState);
};

const serviceRole = (context: ClassifyContext) => (context.serviceRolePrefix ? { serviceRolePrefix: context.serviceRolePrefix } : {});

const CONFIG_ACTOR: Actor = { kind: 'aws-service', principal: 'config.amazonaws.com', isPerson: false, isAllowedAdmin: false };

const configSecret = (event: Extract<ClassifiableEvent, { kind: 'config' }>) => {
  const { detail } = event.event;
  return detail.resourceId.trim() === ''
    ? undefined
    : secretRef(detail.resourceId.trim(), 'detail.resourceId', { account: detail.awsAccountId, region: detail.awsRegion });
};

const describeEvent = (event: ClassifiableEvent): string =>
  event.kind === 'config'
    ? `Config rule ${event.event.detail.configRuleName}`
    : `${event.event['detail-type']} ${event.event.detail.eventName}`;

const eventRef = (classifiable: ClassifiableEvent): EventRef => {
  if (classifiable.kind === 'config') {
    const { event } = classifiable;
    return {
      id: event.id,
      name: `${event.detail.newEvaluationResult.complianceType} ${event.detail.configRuleName}`,
      detailType: event['detail-type'],
      time: event.detail.newEvaluationResult.resultRecordedTime ?? event.time,
      account: event.account,
      region: event.region,
    };
  }
  const { event } = classifiable;
  return {
    id: event.id,
    ...(event.detail.eventID ? { cloudTrailEventId: event.detail.eventID } : {}),
    name: event.detail.eventName,
    detailType: event['detail-type'],
    time: event.detail.eventTime || event.time,
    account: event.account,
    region: event.region,
  };
};

const evidenceNotes = (event: ClassifiableEvent, evidence: Finding['evidence']): string[] =>
  event.kind === 'cloudtrail' && evidence.errorMessage && !evidence.failingStep && event.event.detail.eventName !== 'GetSecretValue'
    ? ['errorMessage names no rotation step']
    : [];
