/**
 * The rule catalogue as data: for each rule, what triggers it, the condition (a
 * small pure function over the event, the actor, the policy and — only where a rule says so —
 * the secret's current state), its severity, the practice and Security Hub control it maps to,
 * and the action it plans. The EventBridge patterns in `shared/rules/*.pattern.json` decide
 * what reaches `classify`; this table decides what a delivered event means.
 *
 * Sample events: `events/<rule id>/fires.*.json` must raise the rule's finding and
 * `events/<rule id>/silent.*.json` must not; a meta-test holds every rule to both.
 */
import { API_CALL, type ClassifiableEvent, type CloudTrailEvent, SERVICE_EVENT } from '../contracts/cloudtrail-event.js';
import { type ActionType, type Actor, type Evidence, NO_SECRET, type SecretRef, type Severity } from '../contracts/finding.js';
import type { RuleId } from '../contracts/rule-ids.js';
import { InvalidEventError } from '../errors.js';
import { matchesGlob } from '../policy/glob.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState } from '../ports/secrets.js';
import type { ManagedRule } from '../contracts/config-event.js';
import { CONTROL_MANAGED_RULES, importedFindingOf, isSecurityHubControl, type SecurityHubControl } from '../contracts/securityhub-event.js';
import { securityHubFindingKey, securityHubRefusal } from './securityhub-finding.js';
import { managedRuleOf } from './config-rules.js';
import { AWS_MANAGED_KEY_ALIAS, judgeKmsKey } from './kms-key.js';
import { ACCESS_DENIED_PREFIX, countedPrincipal, type DeniedTally } from './denied-calls.js';
import { secretIdList, secretRef } from './locate-secret.js';
import { analyseResourcePolicy } from './resource-policy.js';
import { INCIDENT_SCOPES, type IncidentScope, incidentKey } from './incidents.js';
import { parseRotationError, rotationTokenOf } from './rotation-failure.js';
import {
  checkDefaultKmsKey,
  checkResourcePolicyMissing,
  checkRotationMissing,
  checkRotationOverdue,
  checkScheduledForDeletion,
  checkStalePending,
  checkUnused,
  type SweepCheck,
} from './sweep-checks.js';

export type Trigger =
  | {
      readonly source: 'cloudtrail';
      readonly detailType: string;
      readonly eventNames: readonly string[];
      /**
       * A failed API call (one with an `errorCode`) changed nothing, so by default it triggers
       * nothing; rules about failed reads say so. Service events (RotationFailed) are not gated.
       */
      readonly failedCalls?: boolean;
    }
  /** Any API call refused with an `errorCode` that starts with `errorCodePrefix`, whatever its name. */
  | { readonly source: 'denied-call'; readonly detailType: string; readonly errorCodePrefix: string }
  | { readonly source: 'config'; readonly managedRules: readonly ManagedRule[] }
  /** A Security Hub control finding, FAILED, ACTIVE and NEW or NOTIFIED, for one of these controls. */
  | { readonly source: 'securityhub'; readonly controls: readonly SecurityHubControl[] }
  /**
   * The scheduled sweep (and the `scan` command), over what ListSecrets says about a secret: the
   * rule's sweep condition lives here, with the rule, so a sweep rule cannot exist without its check.
   */
  | { readonly source: 'sweep'; readonly check: SweepCheck };

/** Triggered by the sweep with this check: no event ever reaches `evaluate`; the check decides. */
const sweep = (check: SweepCheck): Trigger => ({ source: 'sweep', check });
const sweepOnly = (): Verdict => ({ fires: false, reason: 'found by the sweep, not by events' });

export interface RuleInput {
  readonly event: ClassifiableEvent;
  readonly secret: SecretRef;
  readonly actor: Actor;
  readonly policy: Policy;
  /** DescribeSecret's answer, read only for rules with `needsSecretState`; undefined when the secret is gone. */
  readonly secretState?: SecretState;
  /** The caller's refused calls in the current window, counted only for rules with `needsDeniedCount`; undefined when not counted. */
  readonly deniedCalls?: DeniedTally;
}

export type Verdict =
  | { readonly fires: false; readonly reason: string }
  | {
      readonly fires: true;
      readonly reason: string;
      readonly evidence?: Evidence;
      readonly control?: string;
      /** The secret the finding is about, when not the one the event names first (a batch read). */
      readonly secretId?: string;
      /**
       * Names the finding when it is about more than this one event (a burst: one finding per
       * principal and window), so that every delivery deciding the same gives the same finding id.
       */
      readonly findingKey?: string;
    };

export interface Rule {
  readonly id: RuleId;
  readonly title: string;
  readonly triggers: readonly Trigger[];
  /** The condition in words, as the README's catalogue shows it. */
  readonly condition: string;
  readonly severity: Severity;
  /** Security Hub control, where one exists. */
  readonly control?: string;
  /** Numbers of the best-practice guide's practices, where the catalogue names them. */
  readonly practices?: readonly number[];
  /** Remediations planned, in order. A rule plans at most one: one result, then one alert. */
  readonly actions: readonly [] | readonly [ActionType];
  /** The condition needs the secret's current tags or state (one DescribeSecret). */
  readonly needsSecretState?: boolean;
  /** The condition needs the caller's refused calls in the window (one count in the ledger). */
  readonly needsDeniedCount?: boolean;
  /** The finding is about the caller, not one secret: it applies to events that name no secret too. */
  readonly aboutCaller?: boolean;
  /**
   * The condition stays true event after event (a burst, once past its limit), with the same
   * finding id: classify publishes it once, by claiming the finding id in the ledger first.
   */
  readonly reportOnce?: boolean;
  /**
   * Findings of this rule about one secret within the window are one incident: one finding id
   * per secret and window (shared/domain/incidents.ts), published once, the others counted
   * into it. Such a rule reports once.
   */
  readonly incident?: IncidentScope;
  readonly evaluate: (input: RuleInput) => Verdict;
}

// ---------------------------------------------------------------------------------------------
// Reading the event: small helpers so that each condition reads as its sentence in the rule table (docs/rules.md).

const cloudTrail = (input: RuleInput): CloudTrailEvent['detail'] | undefined =>
  input.event.kind === 'cloudtrail' ? input.event.event.detail : undefined;

const requestOf = (input: RuleInput): Record<string, unknown> => cloudTrail(input)?.requestParameters ?? {};

const fires = (reason: string, evidence?: Evidence, control?: string): Verdict => ({
  fires: true,
  reason,
  ...(evidence ? { evidence } : {}),
  ...(control ? { control } : {}),
});
const silent = (reason: string): Verdict => ({ fires: false, reason });

/** When the event happened, by CloudTrail; the envelope's time when that is unreadable. */
const eventTimeOf = (input: RuleInput): Date => {
  const time = Date.parse(cloudTrail(input)?.eventTime ?? '');
  return new Date(Number.isNaN(time) ? input.event.event.time : time);
};

const DELETED_IN_USE_INCIDENT: IncidentScope = INCIDENT_SCOPES['deleted-secret-in-use'];
const OUTSIDE_VPCE_INCIDENT: IncidentScope = INCIDENT_SCOPES['access-outside-vpce'];

const who = (actor: Actor): string => `${actor.principal} (${actor.kind})`;

const secretName = (input: RuleInput): string | undefined => input.secret.name ?? input.secretState?.name;

/** The secrets a read names, with their names: the batch's list (ARNs reduced to names), else the one secret. */
const secretsRead = (input: RuleInput): { id: string; name: string }[] => {
  const batch = input.event.kind === 'cloudtrail' ? secretIdList(input.event.event) : [];
  if (batch.length === 0) {
    const name = secretName(input);
    return name === undefined ? [] : [{ id: input.secret.id, name }];
  }
  return batch.flatMap((id) => {
    const name = secretRef(id, '', { account: input.secret.account, region: input.secret.region }).secret.name;
    return name === undefined ? [] : [{ id, name }];
  });
};

/** Most secrets a finding lists (the contract's bound for `deniedSecrets`). */
const MAX_LISTED_SECRETS = 20;

/**
 * The secrets a refused call named, as names where they can be read: the batch's list, else the
 * one secret; none for a call that names no secret. Only the call that crossed the line: the
 * ledger keeps a count per window, not a list.
 */
const deniedSecrets = (input: RuleInput): string[] => {
  const batch = input.event.kind === 'cloudtrail' ? secretIdList(input.event.event) : [];
  const where = { account: input.secret.account, region: input.secret.region };
  const ids = batch.length > 0 ? batch : input.secret.id === NO_SECRET ? [] : [input.secret.id];
  const names = ids.map((id) => secretRef(id, '', where).secret.name ?? id);
  return [...new Set(names)].slice(0, MAX_LISTED_SECRETS);
};

/** The first glob of `globs` the secret's name matches; undefined when none or the name is unknown. */
const matchingGlob = (input: RuleInput, globs: readonly string[]): string | undefined => {
  const name = secretName(input);
  return name === undefined ? undefined : globs.find((glob) => matchesGlob(glob, name));
};

const always = (reason: (input: RuleInput) => string) => (input: RuleInput) => fires(reason(input));

/** Tag keys a TagResource / UntagResource call changes. */
const changedTagKeys = (input: RuleInput): string[] => {
  const request = requestOf(input);
  const tags = Array.isArray(request.tags) ? request.tags : [];
  const fromTags = tags.flatMap((tag: unknown) => {
    const key = (tag as { key?: unknown; Key?: unknown } | null)?.key ?? (tag as { Key?: unknown } | null)?.Key;
    return typeof key === 'string' ? [key] : [];
  });
  const fromKeys = Array.isArray(request.tagKeys) ? request.tagKeys.filter((k): k is string => typeof k === 'string') : [];
  return [...fromTags, ...fromKeys];
};

/** No key named (AWS's default key), or one the policy does not allow: see `judgeKmsKey`. */
const kmsVerdict = (input: RuleInput, keyId: string | undefined): Verdict => {
  const judged = judgeKmsKey(keyId, input.secret.arn ?? input.secret.id, input.policy.kms.allowedKeys);
  return judged.allowed ? silent(judged.reason) : fires(judged.reason, { kmsKeyId: keyId || AWS_MANAGED_KEY_ALIAS });
};

/** The control a Security Hub finding is about, when the event is one. */
const securityHubControlOf = (input: RuleInput): string | undefined =>
  input.event.kind === 'securityhub' ? importedFindingOf(input.event.event).Compliance?.SecurityControlId : undefined;

/**
 * A Security Hub control finding: it fires like the Config rule the control runs, once per
 * Security Hub finding and day (Security Hub sends the finding again at every update).
 */
const securityHubVerdict = (input: RuleInput, reason: string): Verdict => {
  if (input.event.kind !== 'securityhub') return silent('not a Security Hub finding');
  const finding = importedFindingOf(input.event.event);
  const refusal = securityHubRefusal(finding);
  if (refusal) return silent(refusal);
  const control = finding.Compliance?.SecurityControlId ?? 'a control';
  return {
    fires: true,
    reason: `Security Hub control ${control} found the secret FAILED: ${reason}`,
    evidence: {
      securityHubFindingId: finding.Id,
      ...(isSecurityHubControl(control) ? { managedRule: CONTROL_MANAGED_RULES[control] } : {}),
    },
    control,
    findingKey: securityHubFindingKey(finding, input.event.event.time),
  };
};

const configVerdict = (input: RuleInput, reason: string, control?: string): Verdict => {
  if (input.event.kind === 'securityhub') return securityHubVerdict(input, reason);
  if (input.event.kind !== 'config') return silent('not a Config compliance change');
  const detail = input.event.event.detail;
  const annotation = detail.newEvaluationResult.annotation ?? undefined;
  const managedRule = managedRuleOf(detail.configRuleName, input.policy.configRules);
  return fires(
    `AWS Config rule ${detail.configRuleName} found the secret NON_COMPLIANT: ${reason}${annotation ? ` (${annotation})` : ''}`,
    { configRuleName: detail.configRuleName, ...(managedRule ? { managedRule } : {}), ...(annotation ? { annotation } : {}) },
    control,
  );
};

/** The managed rule a Config change is about, or the one the Security Hub control runs, when it is one of `rules`. */
const managedRuleIs = (input: RuleInput, rules: readonly ManagedRule[]): ManagedRule | undefined => {
  const control = securityHubControlOf(input);
  const managed =
    input.event.kind === 'config'
      ? managedRuleOf(input.event.event.detail.configRuleName, input.policy.configRules)
      : control !== undefined && isSecurityHubControl(control)
        ? CONTROL_MANAGED_RULES[control]
        : undefined;
  return managed && rules.includes(managed) ? managed : undefined;
};

const apiCall = (...eventNames: string[]): Trigger => ({ source: 'cloudtrail', detailType: API_CALL, eventNames });

// ---------------------------------------------------------------------------------------------

const ruleTable = [
  {
    id: 'rotation-failed',
    title: 'Secret rotation failed',
    triggers: [
      { source: 'cloudtrail', detailType: SERVICE_EVENT, eventNames: ['RotationFailed', 'RotationAbandoned', 'TestRotationFailed'] },
    ],
    condition: 'always',
    severity: 'high',
    control: 'SecretsManager.2',
    actions: ['clear-stale-pending'],
    evaluate: (input) => {
      const detail = cloudTrail(input);
      const message = detail?.errorMessage;
      const parsed = parseRotationError(message);
      const rotationToken = rotationTokenOf(detail?.requestID, input.secret.arn);
      return fires(`Secrets Manager reported ${detail?.eventName ?? 'a rotation failure'}`, {
        ...parsed,
        ...(rotationToken ? { rotationToken } : {}),
        ...(message ? { errorMessage: message.slice(0, 500) } : {}),
      });
    },
  },
  {
    id: 'rotation-succeeded',
    title: 'Secret rotation succeeded',
    triggers: [{ source: 'cloudtrail', detailType: SERVICE_EVENT, eventNames: ['RotationSucceeded'] }],
    condition: 'always (resolves an open rotation-failed finding)',
    severity: 'info',
    control: 'SecretsManager.2',
    actions: [],
    evaluate: always(() => 'Secrets Manager reported RotationSucceeded'),
  },
  {
    id: 'rotation-disabled',
    title: 'Automatic rotation turned off',
    triggers: [apiCall('CancelRotateSecret')],
    condition: 'the caller is not an allowed admin',
    severity: 'medium',
    control: 'SecretsManager.1',
    actions: ['enable-rotation'],
    evaluate: ({ actor }) =>
      actor.isAllowedAdmin
        ? silent(`rotation was turned off by ${who(actor)}, an allowed admin`)
        : fires(`rotation was turned off by ${who(actor)}, who is not an allowed admin`),
  },
  {
    id: 'secret-force-deleted',
    title: 'Secret deleted without recovery',
    triggers: [apiCall('DeleteSecret')],
    condition: 'forceDeleteWithoutRecovery is true (cannot be undone)',
    severity: 'critical',
    practices: [7],
    actions: [],
    evaluate: (input) =>
      requestOf(input).forceDeleteWithoutRecovery === true
        ? fires(`deleted by ${who(input.actor)} with forceDeleteWithoutRecovery: it cannot be restored`, {
            forceDeleteWithoutRecovery: true,
          })
        : silent('deleted with a recovery window'),
  },
  {
    id: 'secret-deleted',
    title: 'Secret scheduled for deletion',
    triggers: [apiCall('DeleteSecret')],
    condition: 'with a recovery window, and the caller is not an allowed admin or the secret carries the protected tag',
    severity: 'critical',
    practices: [7],
    actions: ['restore-secret'],
    needsSecretState: true,
    evaluate: (input) => {
      const request = requestOf(input);
      if (request.forceDeleteWithoutRecovery === true) return silent('deleted without recovery: secret-force-deleted covers it');
      const deletionDate = cloudTrail(input)?.responseElements?.deletionDate;
      const evidence: Evidence = {
        forceDeleteWithoutRecovery: false,
        ...(typeof request.recoveryWindowInDays === 'number' ? { recoveryWindowInDays: request.recoveryWindowInDays } : {}),
        ...(typeof deletionDate === 'string' ? { deletionDate } : {}),
      };
      const protectedTag = input.policy.protectedTag;
      if (input.secretState?.tags[protectedTag] !== undefined) {
        return fires(`the secret carries the protected tag ${protectedTag}; deleted by ${who(input.actor)}`, {
          ...evidence,
          policyMatch: `tag ${protectedTag}`,
        });
      }
      return input.actor.isAllowedAdmin
        ? silent(`deleted by ${who(input.actor)}, an allowed admin, and the secret is not protected`)
        : fires(`deleted by ${who(input.actor)}, who is not an allowed admin`, evidence);
    },
  },
  {
    id: 'deleted-secret-in-use',
    title: 'A secret scheduled for deletion is still being read',
    triggers: [{ source: 'cloudtrail', detailType: API_CALL, eventNames: ['GetSecretValue'], failedCalls: true }],
    condition: 'the read failed because the secret is marked for deletion',
    severity: 'high',
    actions: ['restore-secret'],
    // Every application read is its own event: the reads of one secret within an hour are one
    // incident, one restore and one alert (an hour: the write limit's period too).
    reportOnce: true,
    incident: DELETED_IN_USE_INCIDENT,
    evaluate: (input) => {
      const detail = cloudTrail(input);
      const markedForDeletion = detail?.errorCode === 'InvalidRequestException' && /marked for deletion/i.test(detail.errorMessage ?? '');
      return markedForDeletion
        ? {
            ...fires(`${who(input.actor)} tried to read it, but it is scheduled for deletion: something still depends on it`, {
              errorCode: 'InvalidRequestException',
            }),
            findingKey: incidentKey(input.secret, eventTimeOf(input), DELETED_IN_USE_INCIDENT),
          }
        : silent(detail?.errorCode ? `the read failed with ${detail.errorCode}, not because of a deletion` : 'the read succeeded');
    },
  },
  {
    id: 'value-changed-by-hand',
    title: 'Secret value changed by a person',
    triggers: [apiCall('PutSecretValue', 'UpdateSecret', 'UpdateSecretVersionStage')],
    condition: 'the caller is a person (root, IAM user, SSO user), not rotation; for UpdateSecret only when it sets a new value',
    severity: 'medium',
    practices: [1, 2],
    actions: [],
    evaluate: (input) => {
      const detail = cloudTrail(input);
      const request = requestOf(input);
      // CloudTrail redacts the value itself, but keeps the parameter's name.
      if (detail?.eventName === 'UpdateSecret' && !('secretString' in request) && !('secretBinary' in request)) {
        return silent('UpdateSecret changed metadata only, not the value');
      }
      return input.actor.isPerson
        ? fires(`${detail?.eventName ?? 'a change'} by ${who(input.actor)}: a person changed the value, outside rotation`)
        : silent(`changed by ${who(input.actor)}, which is not a person`);
    },
  },
  {
    id: 'policy-public',
    title: 'Resource policy grants access outside the organisation',
    triggers: [apiCall('PutResourcePolicy')],
    condition: 'a statement grants * or an account outside the allowed set, without a condition that confines it',
    severity: 'critical',
    practices: [5],
    actions: ['remove-public-statements'],
    evaluate: (input) => {
      const analysis = analyseResourcePolicy(requestOf(input).resourcePolicy, {
        ownAccount: input.secret.account,
        allowedAccounts: input.policy.accounts.allowed,
        ...(input.policy.accounts.organizationId ? { organizationId: input.policy.accounts.organizationId } : {}),
        allowedVpcEndpoints: input.policy.vpcEndpoints.flatMap((rule) => rule.endpoints),
      });
      if (analysis.kind === 'unreadable') return unreadablePolicy(analysis.problem);
      if (analysis.offending.length === 0) return silent(`all ${analysis.statementCount} statements are confined to the allowed accounts`);
      const offending = analysis.offending.map(({ id, reasons, principals }) => ({
        id,
        reasons: [...reasons],
        principals: [...principals],
      }));
      return fires(
        `${offending.length} of ${analysis.statementCount} statements open the secret: ${offending.map((o) => `${o.id} ${o.reasons.join(', ')}`).join('; ')}`,
        { offendingStatements: offending },
      );
    },
  },
  {
    id: 'policy-removed',
    title: 'Required resource policy removed',
    triggers: [apiCall('DeleteResourcePolicy')],
    condition: "the secret's name matches the policy's requireResourcePolicy",
    severity: 'medium',
    practices: [5],
    actions: [],
    evaluate: (input) => {
      const glob = matchingGlob(input, input.policy.requireResourcePolicy);
      return glob
        ? fires(`${who(input.actor)} removed the resource policy of a secret that must keep one (${glob})`, { policyMatch: glob })
        : silent('the policy does not require this secret to keep a resource policy');
    },
  },
  {
    id: 'default-kms-key',
    title: 'Secret not encrypted with an allowed customer managed key',
    triggers: [
      sweep(checkDefaultKmsKey),
      apiCall('CreateSecret', 'UpdateSecret'),
      { source: 'config', managedRules: ['secretsmanager-using-cmk'] },
    ],
    condition:
      'CreateSecret without a customer managed key, or CreateSecret/UpdateSecret with a key not in kms.allowedKeys; or Config secretsmanager-using-cmk NON_COMPLIANT',
    severity: 'medium',
    practices: [4],
    actions: [],
    evaluate: (input) => {
      if (input.event.kind === 'config') return configVerdict(input, 'not encrypted with an allowed customer managed key');
      const request = requestOf(input);
      const keyId = typeof request.kmsKeyId === 'string' ? request.kmsKeyId : undefined;
      // UpdateSecret without kmsKeyId keeps the key the secret had: nothing to judge.
      if (cloudTrail(input)?.eventName === 'UpdateSecret' && keyId === undefined) return silent('UpdateSecret kept the key');
      return kmsVerdict(input, keyId);
    },
  },
  {
    id: 'replication-removed',
    title: 'Replication removed from a secret that must replicate',
    triggers: [apiCall('RemoveRegionsFromReplication', 'StopReplicationToReplica')],
    condition: "the secret's name matches the policy's requireReplication",
    severity: 'high',
    practices: [8],
    actions: [],
    evaluate: (input) => {
      const glob = matchingGlob(input, input.policy.requireReplication);
      const regions = requestOf(input).removeReplicaRegions;
      const removedRegions = Array.isArray(regions) ? regions.filter((r): r is string => typeof r === 'string') : [];
      return glob
        ? fires(
            `${who(input.actor)} removed replication${removedRegions.length > 0 ? ` to ${removedRegions.join(', ')}` : ''} from a secret that must replicate (${glob})`,
            {
              policyMatch: glob,
              ...(removedRegions.length > 0 ? { removedRegions } : {}),
            },
          )
        : silent('the policy does not require this secret to replicate');
    },
  },
  {
    id: 'abac-tag-changed',
    title: 'Protected tag changed',
    triggers: [apiCall('TagResource', 'UntagResource')],
    condition: 'a key in protectedTagKeys, or the exemption or protected tag itself, changed by someone who is not an allowed admin',
    severity: 'medium',
    practices: [7],
    actions: [],
    evaluate: (input) => {
      // The exemption and protected tags switch the service's own guard on and off: watch them too.
      const watched = new Set([...input.policy.protectedTagKeys, input.policy.exemptionTag, input.policy.protectedTag]);
      const changed = changedTagKeys(input).filter((key) => watched.has(key));
      if (changed.length === 0) return silent('no protected tag key changed');
      if (input.actor.isAllowedAdmin)
        return silent(`protected tag keys ${changed.join(', ')} changed by ${who(input.actor)}, an allowed admin`);
      return fires(`${who(input.actor)} changed protected tag keys ${changed.join(', ')}`, { changedTagKeys: changed });
    },
  },
  {
    id: 'access-outside-vpce',
    title: 'Secret read outside the required VPC endpoint',
    triggers: [{ source: 'cloudtrail', detailType: API_CALL, eventNames: ['GetSecretValue', 'BatchGetSecretValue'], failedCalls: true }],
    condition: 'a successful read of a secret that vpcEndpoints names, not through one of its endpoints',
    severity: 'high',
    practices: [6],
    actions: [],
    // An application outside its VPC reads on every request: one caller's reads of one secret
    // within an hour are one incident, one alert, the others counted into it.
    reportOnce: true,
    incident: OUTSIDE_VPCE_INCIDENT,
    evaluate: (input) => {
      if (cloudTrail(input)?.errorCode) return silent('the read failed');
      const endpoint = input.actor.vpcEndpointId;
      // A batch read names several secrets: each one that requires an endpoint is judged.
      const violations = secretsRead(input).flatMap(({ id, name }) => {
        const required = input.policy.vpcEndpoints.find((r) => r.secrets.some((glob) => matchesGlob(glob, name)));
        return required && !(endpoint && required.endpoints.includes(endpoint)) ? [{ id, name, endpoints: required.endpoints }] : [];
      });
      if (violations.length === 0)
        return silent(
          endpoint ? `read through ${endpoint}, or no endpoint is required` : 'the policy requires no VPC endpoint for what was read',
        );
      const names = violations.map((v) => v.name).join(', ');
      return {
        ...fires(
          `${who(input.actor)} read ${names} ${endpoint ? `through ${endpoint}, which is not a required endpoint` : 'from outside any VPC endpoint'}`,
          {
            requiredEndpoints: [...new Set(violations.flatMap((v) => v.endpoints))],
            ...(endpoint ? { vpcEndpointId: endpoint } : {}),
          },
        ),
        ...(violations[0] && violations[0].id !== input.secret.id ? { secretId: violations[0].id } : {}),
        findingKey: incidentKey(
          { ...input.secret, ...(violations[0] ?? {}) },
          eventTimeOf(input),
          OUTSIDE_VPCE_INCIDENT,
          countedPrincipal(input.actor),
        ),
      };
    },
  },
  {
    id: 'access-denied-burst',
    title: 'Burst of refused calls on secrets',
    triggers: [{ source: 'denied-call', detailType: API_CALL, errorCodePrefix: ACCESS_DENIED_PREFIX }],
    condition:
      'one principal had more than alerts.accessDeniedBurst.count calls refused with AccessDenied* within a fixed window of windowMinutes (allowed admins too); one finding per principal and window',
    severity: 'medium',
    practices: [10],
    actions: [],
    needsDeniedCount: true,
    aboutCaller: true,
    reportOnce: true,
    evaluate: (input) => {
      const tally = input.deniedCalls;
      const limit = input.policy.alerts.accessDeniedBurst.count;
      // classify() without a ledger (the bench, pure tests): one event alone says nothing about a burst.
      if (!tally) return silent('refused calls were not counted: a burst cannot be judged from one event');
      const window = `the ${tally.window.minutes}-minute window from ${tally.window.start.toISOString()}`;
      const caller = `${tally.principal} (${input.actor.kind}${input.actor.isAllowedAdmin ? ', an allowed admin' : ''})`;
      const refused = `${tally.count} refused call${tally.count === 1 ? '' : 's'} by ${caller} in ${window}`;
      if (tally.count <= limit) return silent(`${refused}: not more than ${limit}`);
      // Every call past the line fires, with one finding id per principal and window: classify
      // publishes it once (reportOnce). Firing only at exactly limit + 1 would lose the burst when
      // that one delivery fails after counting (its retry counts limit + 2).
      const detail = cloudTrail(input);
      const eventName = detail?.eventName ?? 'a call';
      const errorCode = detail?.errorCode ?? ACCESS_DENIED_PREFIX;
      const secrets = deniedSecrets(input);
      return {
        ...fires(
          `${caller} had ${tally.count} calls on Secrets Manager refused in ${window}, more than ${limit}; ` +
            `the call that crossed the line: ${eventName}${secrets.length > 0 ? ` on ${secrets.join(', ')}` : ''} (${errorCode})`,
          {
            deniedCount: tally.count,
            deniedWindowMinutes: tally.window.minutes,
            deniedSecrets: secrets,
            deniedEventNames: [eventName],
            errorCode,
          },
        ),
        findingKey: `${tally.principal}/${tally.window.start.toISOString()}`,
      };
    },
  },
  {
    id: 'rotation-missing',
    title: 'Rotation not enabled',
    triggers: [
      sweep(checkRotationMissing),
      { source: 'config', managedRules: ['secretsmanager-rotation-enabled-check'] },
      { source: 'securityhub', controls: ['SecretsManager.1'] },
    ],
    condition: 'Config secretsmanager-rotation-enabled-check NON_COMPLIANT, or Security Hub SecretsManager.1 FAILED',
    severity: 'medium',
    control: 'SecretsManager.1',
    actions: ['enable-rotation'],
    evaluate: (input) => configVerdict(input, 'automatic rotation is not enabled'),
  },
  {
    id: 'rotation-overdue',
    title: 'Rotation overdue',
    triggers: [
      sweep(checkRotationOverdue),
      { source: 'config', managedRules: ['secretsmanager-scheduled-rotation-success-check', 'secretsmanager-secret-periodic-rotation'] },
      { source: 'securityhub', controls: ['SecretsManager.2', 'SecretsManager.4'] },
    ],
    condition:
      'Config secretsmanager-scheduled-rotation-success-check (SM.2) or secretsmanager-secret-periodic-rotation (SM.4) NON_COMPLIANT, or Security Hub SecretsManager.2 or SecretsManager.4 FAILED',
    severity: 'high',
    control: 'SecretsManager.4',
    actions: [],
    evaluate: (input) =>
      managedRuleIs(input, ['secretsmanager-scheduled-rotation-success-check'])
        ? configVerdict(input, 'the last scheduled rotation did not succeed', 'SecretsManager.2')
        : configVerdict(input, `not rotated within the rule's maximum age`, 'SecretsManager.4'),
  },
  {
    id: 'unused',
    title: 'Secret unused',
    triggers: [
      sweep(checkUnused),
      { source: 'config', managedRules: ['secretsmanager-secret-unused'] },
      { source: 'securityhub', controls: ['SecretsManager.3'] },
    ],
    condition: 'Config secretsmanager-secret-unused NON_COMPLIANT, or Security Hub SecretsManager.3 FAILED',
    severity: 'low',
    control: 'SecretsManager.3',
    actions: [],
    evaluate: (input) => configVerdict(input, "not accessed within the rule's number of days"),
  },
  {
    id: 'stale-pending',
    title: 'Stale AWSPENDING version',
    triggers: [sweep(checkStalePending)],
    condition: 'a version labelled AWSPENDING, not AWSCURRENT, older than the rotation window',
    severity: 'high',
    practices: [11],
    actions: ['clear-stale-pending'],
    evaluate: sweepOnly,
  },
  {
    id: 'resource-policy-missing',
    title: 'Required resource policy missing',
    triggers: [sweep(checkResourcePolicyMissing)],
    condition: 'no resource policy on a secret the policy requires to have one (requireResourcePolicy)',
    severity: 'medium',
    practices: [5],
    actions: [],
    evaluate: sweepOnly,
  },
  {
    id: 'scheduled-for-deletion',
    title: 'Secret scheduled for deletion',
    triggers: [sweep(checkScheduledForDeletion)],
    condition: 'the secret is scheduled for deletion (a deletion the events missed, or one still to be confirmed)',
    severity: 'medium',
    practices: [7],
    actions: [],
    evaluate: sweepOnly,
  },
] as const satisfies readonly Rule[];

/** A resource policy the analysis cannot read is rejected with the problem named, never guessed about. */
const unreadablePolicy = (problem: string): never => {
  throw new InvalidEventError([`detail.requestParameters.resourcePolicy: ${problem}`]);
};

export type { RuleId } from '../contracts/rule-ids.js';

/** The table, widened for lookups. */
export const rules: readonly Rule[] = ruleTable;

const byId: ReadonlyMap<RuleId, Rule> = new Map(rules.map((rule) => [rule.id, rule]));

/** The catalogue's rule of that id (the catalogue has one for every id: a test holds it to that). */
export const ruleById = (id: RuleId): Rule => {
  const rule = byId.get(id);
  if (!rule) throw new Error(`rule ${id} is not in the catalogue`);
  return rule;
};

/** The rules the sweep checks, in the order their findings are reported (a test holds it to the catalogue's sweep triggers). */
export const SWEEP_RULE_IDS = [
  'scheduled-for-deletion',
  'rotation-missing',
  'rotation-overdue',
  'stale-pending',
  'unused',
  'default-kms-key',
  'resource-policy-missing',
] as const satisfies readonly RuleId[];

export type SweepRuleId = (typeof SWEEP_RULE_IDS)[number];

/**
 * The sweep condition of a sweep rule: the check its catalogue entry's sweep trigger holds.
 * @example
 * const result = sweepCheckOf('unused')(secret, { policy, now: new Date() });
 * if (result.kind === 'fail') console.log(result.reason);
 */
export const sweepCheckOf = (id: SweepRuleId): SweepCheck => {
  const trigger = ruleById(id).triggers.find((t): t is Extract<Trigger, { source: 'sweep' }> => t.source === 'sweep');
  // The meta-test ties SWEEP_RULE_IDS to the sweep triggers; reaching this is a programming error.
  if (!trigger) throw new Error(`rule ${id} has no sweep trigger in the catalogue`);
  return trigger.check;
};

/** The rules an event triggers (before their conditions are checked). */
export const rulesTriggeredBy = (event: ClassifiableEvent, policy: Policy): readonly Rule[] => {
  if (event.kind === 'securityhub') {
    const control = importedFindingOf(event.event).Compliance?.SecurityControlId;
    return rules.filter((rule) =>
      rule.triggers.some((t) => t.source === 'securityhub' && control !== undefined && (t.controls as readonly string[]).includes(control)),
    );
  }
  if (event.kind === 'config') {
    const managed = managedRuleOf(event.event.detail.configRuleName, policy.configRules);
    return managed ? rules.filter((rule) => rule.triggers.some((t) => t.source === 'config' && t.managedRules.includes(managed))) : [];
  }
  const { 'detail-type': detailType, detail } = event.event;
  return rules.filter((rule) => rule.triggers.some((trigger) => cloudTrailTriggers(trigger, detailType, detail)));
};

const cloudTrailTriggers = (trigger: Trigger, detailType: string, detail: CloudTrailEvent['detail']): boolean => {
  if (trigger.source === 'denied-call')
    return trigger.detailType === detailType && (detail.errorCode?.startsWith(trigger.errorCodePrefix) ?? false);
  if (trigger.source !== 'cloudtrail' || trigger.detailType !== detailType || !trigger.eventNames.includes(detail.eventName)) return false;
  // Failed API calls reach classify too (access-denied-burst needs them); they changed nothing.
  return !detail.errorCode || detailType !== API_CALL || trigger.failedCalls === true;
};
