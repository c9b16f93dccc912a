/**
 * Event → findings, in two pure steps so the handler can do its I/O in between:
 * `prepare` finds the rules the event triggers, the secret and the actor; when a triggered rule
 * needs the secret's current state, the handler reads it (one DescribeSecret), and when one needs
 * the caller's refused calls, it counts this one (`countDeniedCall`); `evaluate` then checks each
 * rule's condition and builds the findings.
 */
import type { ClassifiableEvent } from '../contracts/cloudtrail-event.js';
import { redactBuiltFinding } from '../contracts/clean-finding.js';
import {
  type Actor,
  type EventRef,
  type Evidence,
  type Finding,
  MAX_RECORD_BYTES,
  NO_SECRET,
  type SecretRef,
} from '../contracts/finding.js';
import { isSecretsManagerId } from '../contracts/hostile-text.js';
import { importedFindingOf, isOwnImport, SECRET_RESOURCE_TYPE } from '../contracts/securityhub-event.js';
import { InvalidEventError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState } from '../ports/secrets.js';
import { actorContextOf, actorOf } from './actor.js';
import { type Ancestry, type Place, type ScopeVerdict, scopeOf } from './organisation-scope.js';
import type { DeniedTally } from './denied-calls.js';
import { type LocatedSecret, locateSecret, secretIdList, secretLocationPaths, secretRef } from './locate-secret.js';
import { type Rule, rulesTriggeredBy } from './catalogue.js';

export interface ClassifyContext {
  readonly policy: Policy;
  /**
   * The account this deployment (the hub, in organisation mode) runs in, from the invoked
   * function's ARN. An event from outside the scope it guards (shared/domain/organisation-scope.ts:
   * this account alone unless organisation mode is on) is ignored with the reason and never acted
   * on. Unset: no check (pure tests).
   */
  readonly account?: string;
  /** The region this deployment runs in, from the function's ARN. Unset: the event's own region. */
  readonly region?: string;
  /** The event account's OUs, when the organisation scope needs them (`needsAncestry`). */
  readonly ancestry?: Ancestry;
  /** The stage, which names the member roles (organisation mode). */
  readonly stage?: string;
}

export interface Prepared {
  readonly kind: 'prepared';
  readonly event: ClassifiableEvent;
  /**
   * Where the event happened, and whether that is the deployment's own account and region
   * (its own credentials) rather than a member's (reached through a member role).
   */
  readonly place: Place & { readonly own: boolean };
  readonly rules: readonly Rule[];
  readonly secret: SecretRef;
  readonly actor: Actor;
  readonly notes: readonly string[];
  /** A triggered rule needs the secret's current state: read it before `evaluate`. */
  readonly needsSecretState: boolean;
  /** A triggered rule needs the caller's refused calls: count this one before `evaluate`. */
  readonly needsDeniedCount: boolean;
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
  const scope = scopeOfEvent(event, context);
  if (!scope.guarded)
    return {
      kind: 'ignored',
      reason: `${describeEvent(event)} happened in ${scope.reason}: outside the scope this deployment guards, so never acted on`,
    };
  // Security Hub sends the findings this service imports like any other: never a trigger (no loop).
  if (event.kind === 'securityhub' && isOwnImport(importedFindingOf(event.event))) {
    return { kind: 'ignored', reason: `${describeEvent(event)} was imported by this service itself: never acted on` };
  }
  const triggered = rulesTriggeredBy(event, context.policy);
  if (triggered.length === 0) return { kind: 'ignored', reason: `no rule for ${describeEvent(event)}` };
  const byFilters =
    event.kind === 'cloudtrail' && event.event.detail.eventName === 'BatchGetSecretValue' && secretIdList(event.event).length === 0;
  const found = byFilters
    ? undefined
    : event.kind === 'cloudtrail'
      ? locateSecret(event.event)
      : event.kind === 'config'
        ? configSecret(event)
        : securityHubSecret(event);
  // Rules about a secret need the event to name one; rules about the caller (a burst of refused calls) do not.
  const rules = found ? triggered : triggered.filter((rule) => rule.aboutCaller);
  if (rules.length === 0 && byFilters) {
    return { kind: 'ignored', reason: 'BatchGetSecretValue selected its secrets by filters: the event does not name them' };
  }
  if (rules.length === 0) {
    throw new InvalidEventError([`${describeEvent(event)}: names no secret (looked in ${secretLocationPaths.join(', ')})`]);
  }
  const located = found ?? noSecret(event, byFilters);
  const actor =
    event.kind === 'cloudtrail'
      ? actorOf(event.event.detail, actorContextOf(context.policy))
      : event.kind === 'config'
        ? CONFIG_ACTOR
        : SECURITY_HUB_ACTOR;
  if (actor.kind === 'service-role') {
    return { kind: 'ignored', reason: `caused by this service's own role ${actor.principal}: never acted on` };
  }
  return {
    kind: 'prepared',
    event,
    place: { account: event.event.account, region: event.event.region, own: scope.own },
    rules,
    secret: located.secret,
    actor,
    notes: located.notes,
    // An id Secrets Manager would refuse is not worth a call (AWS would answer a validation error).
    needsSecretState: rules.some((rule) => rule.needsSecretState) && isSecretsManagerId(located.secret.id),
    needsDeniedCount: rules.some((rule) => rule.needsDeniedCount),
  };
};

/**
 * @param secretState - DescribeSecret's answer, when `prepared.needsSecretState`
 * @param deniedCalls - what `countDeniedCall` answered, when `prepared.needsDeniedCount`
 */
export const evaluate = (prepared: Prepared, policy: Policy, secretState?: SecretState, deniedCalls?: DeniedTally): Evaluated => {
  const findings: Finding[] = [];
  const reasons: string[] = [];
  for (const rule of prepared.rules) {
    const verdict = rule.evaluate({
      event: prepared.event,
      secret: prepared.secret,
      actor: prepared.actor,
      policy,
      ...(secretState ? { secretState } : {}),
      ...(deniedCalls ? { deniedCalls } : {}),
    });
    if (!verdict.fires) {
      reasons.push(`${rule.id}: ${verdict.reason}`);
      continue;
    }
    const { secret, notes } = verdict.secretId
      ? secretRef(verdict.secretId, 'detail.requestParameters.secretIdList[]', prepared.secret)
      : { secret: prepared.secret, notes: prepared.notes };
    findings.push(
      findingOf(rule, {
        // A finding about many events (a burst) is named by its rule, so repeats and redeliveries share one id.
        id: verdict.findingKey ? `${rule.id}/${verdict.findingKey}` : `${prepared.event.event.id}/${rule.id}`,
        reason: verdict.reason,
        ...(verdict.control ? { control: verdict.control } : {}),
        secret,
        actor: prepared.actor,
        event: eventRef(prepared.event),
        evidence: verdict.evidence ?? {},
        notes: [...notes, ...evidenceNotes(prepared.event, verdict.evidence ?? {})],
      }),
    );
  }
  if (findings.length === 0) return { kind: 'no-finding', reasons };
  // Measured only when there is a finding to carry it: most events find nothing.
  const carried = carryRecord(prepared.event);
  return { kind: 'findings', findings: findings.map((finding) => ({ ...finding, ...carried })) };
};

/**
 * The event as the findings carry it, for the actions to classify again; too large a record is
 * left out (the finding says so, and no action acts on it: it cannot be checked).
 */
const carryRecord = (event: ClassifiableEvent): Pick<Finding, 'record' | 'recordOmitted'> => {
  // Nearly every record is a few KB: a bound walked without serialising settles it; only a record
  // near the limit is serialised to be weighed exactly.
  if (jsonBytesAtMost(event.event) <= MAX_RECORD_BYTES) return { record: event.event };
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(event.event), 'utf8');
  } catch {
    // Nested deeper than JSON.stringify can walk: nothing a PutEvents entry could carry either.
    return { recordOmitted: 'the event is nested too deeply to carry: no action can check it, so none acts on it' };
  }
  return bytes <= MAX_RECORD_BYTES
    ? { record: event.event }
    : {
        recordOmitted: `the event is ${bytes} bytes, more than the ${MAX_RECORD_BYTES} a finding carries: no action can check it, so none acts on it`,
      };
};

/** Deeper than any CloudTrail record nests; past it the bound gives up (and the exact weighing decides). */
const BOUND_DEPTH = 64;

/**
 * An upper bound of `value`'s size as UTF-8 JSON, without serialising it: every UTF-16 unit of a
 * string or key counted as 6 bytes (the longest it can become: a `\u00XX` escape), every scalar
 * as 24, every separator counted. `Infinity` past {@link BOUND_DEPTH} levels.
 */
const jsonBytesAtMost = (value: unknown, depth = 0): number => {
  if (typeof value === 'string') return value.length * 6 + 2;
  if (typeof value !== 'object' || value === null) return 24;
  if (depth > BOUND_DEPTH) return Number.POSITIVE_INFINITY;
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value) bytes += jsonBytesAtMost(item, depth + 1) + 1;
    return bytes;
  }
  // for…in over a parsed JSON object: its own keys only, and no entries array per object.
  for (const key in value) bytes += key.length * 6 + 4 + jsonBytesAtMost((value as Record<string, unknown>)[key], depth + 1);
  return bytes;
};

/**
 * Whether the account and region an event happened in are guarded by the deployment of
 * `context` (always, when the context names no account: pure tests). CloudTrail names the
 * account twice (the envelope's `account`, the record's `recipientAccountId`): both must agree,
 * and the scope is decided on the envelope's account and region, which EventBridge sets, also on
 * an event forwarded from a member.
 */
export const scopeOfEvent = (event: ClassifiableEvent, context: ClassifyContext): ScopeVerdict => {
  if (context.account === undefined) return { guarded: true, own: true };
  const { account, region } = event.event;
  // The account the record itself names: CloudTrail's recipient, or the account a Security Hub
  // finding is about (an administrator account's Security Hub sends its members' findings too).
  const recipient =
    event.kind === 'cloudtrail'
      ? event.event.detail.recipientAccountId
      : event.kind === 'securityhub'
        ? importedFindingOf(event.event).AwsAccountId
        : undefined;
  if (recipient !== undefined && recipient !== account) {
    // Judged as the account that differs from this one, as before organisation mode: that is the one to name.
    const other = account === context.account ? recipient : account;
    return {
      guarded: false,
      reason: `account ${other} (its envelope names ${account}, its record ${recipient}), not in this account ${context.account}`,
    };
  }
  return scopeOf(
    context.policy.organisation,
    { account: context.account, region: context.region ?? region },
    { account, region },
    context.ancestry,
  );
};

/** What one finding says beyond its rule's catalogue entry. */
export interface FindingParts {
  /** Stable for what was found, so a redelivery (or a second sweep the same day) yields the same id. */
  readonly id: string;
  readonly reason: string;
  /** Overrides the rule's control when the condition that fired maps to another one. */
  readonly control?: string;
  readonly secret: SecretRef;
  readonly actor: Actor;
  readonly event: EventRef;
  readonly evidence: Evidence;
  readonly notes: readonly string[];
}

/**
 * A finding of `rule`: its catalogue entry (title, severity, control, practices, actions) around
 * what was found. Shared by `evaluate` and the sweep, so findings from events and from the sweep
 * travel the same bus, remediations and alerts in one shape. Every text in it that came from an
 * event is bounded and redacted here (`redactBuiltFinding`): whatever reads a finding reads clean text.
 */
export const findingOf = (rule: Rule, parts: FindingParts): Finding => {
  const control = parts.control ?? rule.control;
  return redactBuiltFinding({
    id: parts.id,
    rule: rule.id,
    title: rule.title,
    severity: rule.severity,
    reason: parts.reason,
    ...(control ? { control } : {}),
    ...(rule.practices ? { practices: [...rule.practices] } : {}),
    secret: parts.secret,
    actor: parts.actor,
    event: parts.event,
    evidence: parts.evidence,
    actions: [...rule.actions],
    needsRemediation: rule.actions.length > 0,
    notes: [...parts.notes],
  });
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

/** The stand-in for the secret of a finding about the caller, when the call names none. */
const noSecret = (event: ClassifiableEvent, byFilters: boolean): LocatedSecret => ({
  secret: { id: NO_SECRET, account: event.event.account, region: event.event.region, foundAt: 'none' },
  notes: [`${describeEvent(event)} names no secret${byFilters ? ' (it selected them by filters)' : ''}: the finding is about the caller`],
});

const CONFIG_ACTOR: Actor = { kind: 'aws-service', principal: 'config.amazonaws.com', isPerson: false, isAllowedAdmin: false };

const SECURITY_HUB_ACTOR: Actor = { kind: 'aws-service', principal: 'securityhub.amazonaws.com', isPerson: false, isAllowedAdmin: false };

/** The secret a Security Hub finding is about: its first AwsSecretsManagerSecret resource, by its ARN. */
const securityHubSecret = (event: Extract<ClassifiableEvent, { kind: 'securityhub' }>) => {
  const finding = importedFindingOf(event.event);
  const index = finding.Resources.findIndex((resource) => resource.Type === SECRET_RESOURCE_TYPE && resource.Id.trim() !== '');
  const resource = finding.Resources[index];
  if (!resource) return undefined;
  const where = { account: finding.AwsAccountId, region: resource.Region ?? finding.Region ?? event.event.region };
  return secretRef(resource.Id.trim(), `detail.findings[0].Resources[${index}].Id`, where);
};

const configSecret = (event: Extract<ClassifiableEvent, { kind: 'config' }>) => {
  const { detail } = event.event;
  return detail.resourceId.trim() === ''
    ? undefined
    : secretRef(detail.resourceId.trim(), 'detail.resourceId', { account: detail.awsAccountId, region: detail.awsRegion });
};

const describeEvent = (event: ClassifiableEvent): string => {
  switch (event.kind) {
    case 'config':
      return `Config rule ${event.event.detail.configRuleName}`;
    case 'securityhub':
      return `Security Hub finding ${importedFindingOf(event.event).Compliance?.SecurityControlId ?? importedFindingOf(event.event).GeneratorId}`;
    case 'cloudtrail':
      return `${event.event['detail-type']} ${event.event.detail.eventName}`;
  }
};

const eventRef = (classifiable: ClassifiableEvent): EventRef => {
  if (classifiable.kind === 'securityhub') {
    const { event } = classifiable;
    const finding = importedFindingOf(event);
    return {
      id: event.id,
      name: `${finding.Compliance?.Status ?? 'FAILED'} ${finding.Compliance?.SecurityControlId ?? finding.GeneratorId}`,
      detailType: event['detail-type'],
      time: finding.UpdatedAt ?? event.time,
      account: event.account,
      region: event.region,
    };
  }
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
