/**
 * What each rule's alert says happened, and what on-call should do next — with the exact CLI
 * command where there is one. Pure; reads only a cleaned finding (`clean-finding.ts`).
 */
import type { ActionResult, ActionType, Finding } from '../contracts/finding.js';
import type { RuleId } from '../contracts/rule-ids.js';
import { PENDING } from '../domain/plan-clear-stale-pending.js';
import { incidentScopeOf } from '../domain/incidents.js';
import { rotationStepAdvice } from '../domain/rotation-failure.js';
import { shellArg } from './format.js';

/** One line of "what happened": a sentence, or a labelled value (shown as code in chat when `code`). */
export type Line = string | { readonly label: string; readonly value: string; readonly code?: boolean };

/** One next step: what to do, and the command that does it, when there is one. */
export interface NextStep {
  readonly text: string;
  readonly command?: string;
}

interface RuleAdvice {
  /** What happened, beyond the common "event at time: reason" line. */
  readonly happened?: (f: Finding) => Line[];
  /** The repair a person would make — the one the rule's action makes, when it has one. */
  readonly fix?: (f: Finding, result?: ActionResult) => NextStep | undefined;
  /** What to check or do besides the repair. */
  readonly followUp: (f: Finding, result?: ActionResult) => NextStep[];
}

const id = (f: Finding): string => shellArg(f.secret.id);
const sm = (f: Finding, rest: string): string => `aws secretsmanager ${rest.replace('{id}', id(f))}`;

const rotateAgain = (f: Finding): NextStep => ({ text: 'Once fixed, rotate again', command: sm(f, 'rotate-secret --secret-id {id}') });

const clearPending = (f: Finding, versionId: string | undefined): NextStep | undefined =>
  versionId
    ? {
        text: `Clear the stale ${PENDING} yourself (or let the service do it in enforce mode)`,
        command: sm(
          f,
          `update-secret-version-stage --secret-id {id} --version-stage ${PENDING} --remove-from-version-id ${shellArg(versionId)}`,
        ),
      }
    : undefined;

const lookupEvents = (f: Finding): string =>
  `aws cloudtrail lookup-events --region ${shellArg(f.secret.region)} --lookup-attributes AttributeKey=ResourceName,AttributeValue=${shellArg(f.secret.arn ?? f.secret.id)}`;

/** The dates a sweep (or Config) compared, as labelled lines. */
export const dateLines = ({ evidence: e }: Finding): Line[] => [
  ...(e.createdDate ? [{ label: 'Created', value: e.createdDate }] : []),
  ...(e.lastAccessedDate ? [{ label: 'Last accessed', value: e.lastAccessedDate }] : []),
  ...(e.lastRotatedDate ? [{ label: 'Last rotated', value: e.lastRotatedDate }] : []),
  ...(e.nextRotationDate ? [{ label: 'Next rotation', value: e.nextRotationDate }] : []),
  ...(e.pendingVersionId ? [{ label: `${PENDING} version`, value: e.pendingVersionId, code: true }] : []),
  ...(e.pendingCreatedDate ? [{ label: `${PENDING} since`, value: e.pendingCreatedDate }] : []),
  ...(e.deletionDate ? [{ label: 'Deleted for good on', value: e.deletionDate }] : []),
  ...(e.thresholdDays !== undefined ? [{ label: 'Threshold', value: `${e.thresholdDays} ${e.thresholdDays === 1 ? 'day' : 'days'}` }] : []),
];

/** The evidence a finding carries, one line each, for rules without a narrative of their own. */
export const evidenceLines = ({ evidence: e }: Finding): Line[] => [
  ...(e.offendingStatements ?? []).map((s) => ({
    label: `Statement ${s.id}`,
    value: `${s.reasons.join('; ')}${s.principals.length > 0 ? ` (principals: ${s.principals.join(', ')})` : ''}`,
  })),
  ...(e.changedTagKeys ? [{ label: 'Tag keys changed', value: e.changedTagKeys.join(', ') }] : []),
  ...(e.kmsKeyId ? [{ label: 'KMS key', value: e.kmsKeyId, code: true }] : []),
  ...(e.requiredEndpoints
    ? [{ label: 'Required VPC endpoints', value: `${e.requiredEndpoints.join(', ')}; used: ${e.vpcEndpointId ?? 'none'}` }]
    : []),
  ...(e.removedRegions ? [{ label: 'Regions removed', value: e.removedRegions.join(', ') }] : []),
  ...(e.recoveryWindowInDays !== undefined ? [{ label: 'Recovery window', value: `${e.recoveryWindowInDays} days` }] : []),
  ...(e.configRuleName
    ? [
        {
          label: 'Config rule',
          value: `${e.configRuleName}${e.managedRule && e.managedRule !== e.configRuleName ? ` (${e.managedRule})` : ''}`,
        },
      ]
    : []),
  ...(e.annotation ? [{ label: 'Config says', value: e.annotation }] : []),
  ...(e.policyMatch ? [{ label: 'Policy entry', value: e.policyMatch }] : []),
  ...(e.errorCode && !e.deniedCount ? [{ label: 'Error code', value: e.errorCode }] : []),
];

/** Every rule's advice: a rule added to the catalogue does not compile until it has its own. */
const advice: Readonly<Record<RuleId, RuleAdvice>> = {
  'rotation-failed': {
    happened: (f) => {
      const step = rotationStepAdvice[f.evidence.failingStep ?? 'unknown'];
      return [
        `${f.event.name} at ${f.event.time}: ${step.meaning}.`,
        { label: 'Failing step', value: f.evidence.failingStep ?? 'not named in the error message' },
        ...(f.evidence.rotationLambdaArn ? [{ label: 'Rotation function', value: f.evidence.rotationLambdaArn, code: true }] : []),
        ...(f.evidence.errorMessage ? [{ label: 'Error message', value: f.evidence.errorMessage, code: true }] : []),
      ];
    },
    followUp: (f, result) => [
      ...rotationStepAdvice[f.evidence.failingStep ?? 'unknown'].checks.map((text) => ({ text })),
      ...(result && (result.outcome === 'planned' || result.outcome === 'failed')
        ? [clearPending(f, result.versionId)].filter((s): s is NextStep => s !== undefined)
        : []),
      rotateAgain(f),
    ],
  },
  'rotation-succeeded': {
    happened: (f) => [`${f.event.name} at ${f.event.time}: the secret rotated; a new version holds AWSCURRENT.`],
    followUp: () => [{ text: 'Nothing to do: this resolves an open rotation-failed alert for the secret.' }],
  },
  'stale-pending': {
    happened: () => [
      `A version has held ${PENDING} without AWSCURRENT for longer than the rotation window: a rotation failed or was abandoned and left it, and the next rotation will fail on it.`,
    ],
    fix: (f, result) => clearPending(f, result?.versionId ?? f.evidence.pendingVersionId),
    followUp: (f) => [
      { text: "Read the rotation function's CloudWatch logs for why the rotation stopped." },
      { text: 'See the versions and their labels', command: sm(f, 'list-secret-version-ids --secret-id {id} --include-deprecated') },
      rotateAgain(f),
    ],
  },
  'rotation-disabled': {
    fix: (f) => ({
      text: 'If it was not intended, turn rotation back on',
      command: sm(f, `rotate-secret --secret-id {id} --rotation-rules '{"ScheduleExpression": "rate(30 days)"}'`),
    }),
    followUp: () => [{ text: 'Ask the caller why; add them to allowedAdmins in the policy if they should be able to.' }],
  },
  'rotation-missing': {
    fix: (f) => ({
      text: 'Turn on rotation',
      command: sm(
        f,
        `rotate-secret --secret-id {id} --rotation-lambda-arn <function ARN> --rotation-rules '{"ScheduleExpression": "rate(30 days)"}'`,
      ),
    }),
    followUp: () => [
      { text: 'Map a rotation function for this secret in the policy (rotation.functions) so the service can turn rotation on itself.' },
    ],
  },
  'rotation-overdue': {
    fix: (f) => ({ text: "Check the rotation function's logs, then rotate now", command: sm(f, 'rotate-secret --secret-id {id}') }),
    followUp: (f) => [
      {
        text: 'See when it last rotated and when it should next',
        command: sm(f, 'describe-secret --secret-id {id} --query "[LastRotatedDate,NextRotationDate]"'),
      },
    ],
  },
  'secret-deleted': {
    fix: (f) => ({ text: 'Restore it before the recovery window ends', command: sm(f, 'restore-secret --secret-id {id}') }),
    followUp: () => [{ text: 'Find out who still uses it before letting the deletion go through.' }],
  },
  'secret-force-deleted': {
    followUp: (f) => [
      { text: 'It cannot be restored. Find what used it, create a new secret and rotate the credentials it held at their source.' },
      { text: 'Find its readers in CloudTrail', command: lookupEvents(f) },
    ],
  },
  'scheduled-for-deletion': {
    happened: (f) => [
      `The secret is scheduled for deletion${f.evidence.deletionDate ? ` on ${f.evidence.deletionDate}` : ''}; the events did not show who scheduled it, or it is still to be confirmed.`,
    ],
    fix: (f) => ({
      text: 'If the deletion was not intended, restore it before that date',
      command: sm(f, 'restore-secret --secret-id {id}'),
    }),
    followUp: (f) => [{ text: 'Find who scheduled it and who still reads it', command: lookupEvents(f) }],
  },
  'deleted-secret-in-use': {
    fix: (f) => ({ text: 'Something still reads it: restore it', command: sm(f, 'restore-secret --secret-id {id}') }),
    followUp: () => [{ text: 'Then move the reader to its replacement before deleting again.' }],
  },
  'value-changed-by-hand': {
    followUp: (f) => [
      { text: 'Confirm the change with the person; values should change through rotation.' },
      { text: 'If it was not them, rotate the secret now and review their credentials', command: sm(f, 'rotate-secret --secret-id {id}') },
    ],
  },
  'policy-public': {
    fix: (f) => ({
      text: `Remove the offending statements (${(f.evidence.offendingStatements ?? []).map((s) => s.id).join(', ') || 'see above'}) and put the policy back with --block-public-policy`,
      command: sm(f, 'put-resource-policy --secret-id {id} --block-public-policy --resource-policy file://policy.json'),
    }),
    followUp: (f) => [{ text: 'Review CloudTrail for reads by other accounts since the change', command: lookupEvents(f) }],
  },
  'policy-removed': {
    fix: (f) => ({
      text: 'Put the resource policy back',
      command: sm(f, 'put-resource-policy --secret-id {id} --block-public-policy --resource-policy file://policy.json'),
    }),
    followUp: () => [],
  },
  'resource-policy-missing': {
    happened: () => ['The secret has no resource policy, and the policy requires one for it.'],
    fix: (f) => ({
      text: 'Give it the resource policy it must have',
      command: sm(f, 'put-resource-policy --secret-id {id} --block-public-policy --resource-policy file://policy.json'),
    }),
    followUp: (f) => [{ text: 'Find when it was removed', command: lookupEvents(f) }],
  },
  'default-kms-key': {
    fix: (f) => ({
      text: 'Re-encrypt with an allowed customer managed key',
      command: sm(f, 'update-secret --secret-id {id} --kms-key-id <key ARN>'),
    }),
    followUp: () => [],
  },
  'replication-removed': {
    fix: (f) => ({
      text: 'Replicate it again',
      command: sm(f, 'replicate-secret-to-regions --secret-id {id} --add-replica-regions Region=<region>'),
    }),
    followUp: () => [],
  },
  'abac-tag-changed': {
    fix: (f) => ({
      text: "Put the tags back if the change was not intended: access decisions (ABAC) and this service's own guards depend on them",
      command: sm(f, 'tag-resource --secret-id {id} --tags Key=<key>,Value=<value>'),
    }),
    followUp: () => [],
  },
  'access-outside-vpce': {
    followUp: () => [
      {
        text: 'Find the caller in CloudTrail; if it should not read from outside the VPC, deny it with an aws:sourceVpce condition in the resource policy.',
      },
    ],
  },
  'access-denied-burst': {
    happened: (f) => [
      `${f.evidence.deniedCount ?? 'Many'} calls refused within ${f.evidence.deniedWindowMinutes ?? '?'} minutes for ${f.actor.principal}.`,
      ...(f.evidence.deniedEventNames?.length ? [{ label: 'Refused calls', value: f.evidence.deniedEventNames.join(', ') }] : []),
      ...(f.evidence.deniedSecrets?.length ? [{ label: 'On secrets', value: f.evidence.deniedSecrets.join(', '), code: true }] : []),
      ...(f.evidence.errorCode ? [{ label: 'Error code', value: f.evidence.errorCode }] : []),
    ],
    followUp: (f) => [
      {
        text: 'If the caller should have access, a recent change broke it (its IAM policy, the resource policy, the KMS key policy): test it',
        command: `aws iam simulate-principal-policy --policy-source-arn ${shellArg(f.actor.principal)} --action-names secretsmanager:GetSecretValue${f.secret.arn ? ` --resource-arns ${shellArg(f.secret.arn)}` : ''}`,
      },
      { text: 'If it should not, someone may be probing: find where the calls come from and revoke its credentials.' },
    ],
  },
  unused: {
    fix: (f) => ({
      text: 'If nothing needs it, schedule its deletion with a recovery window',
      command: sm(f, 'delete-secret --secret-id {id} --recovery-window-in-days 30'),
    }),
    followUp: () => [],
  },
};

/** What the action type does, in words for "the service already …" / "would have …". */
const actionWords: Readonly<Record<ActionType, string>> = {
  'clear-stale-pending': `cleared the stale ${PENDING}`,
  'enable-rotation': 'turned rotation back on',
  'restore-secret': 'restored the secret',
  'remove-public-statements': 'removed the offending statements',
};

/** What happened: the event (or the sweep) and the reason, the rule's narrative, the evidence. */
export const happenedLines = (f: Finding): Line[] => {
  const narrative = advice[f.rule].happened;
  // A sweep finding has no event to tell: the sweep's own finding opens, the narrative explains.
  const opening =
    f.actor.kind === 'sweep'
      ? [`The scheduled sweep found this at ${f.event.time}: ${f.reason}.`]
      : narrative
        ? []
        : [`${f.event.name} at ${f.event.time}: ${f.reason}.`];
  return [...opening, ...(narrative ? narrative(f) : []), ...incidentLines(f), ...evidenceLines(f)];
};

/** "And N more reads by …": the findings counted into this one's incident by the time its alert was written. */
const incidentLines = (f: Finding): Line[] => {
  const more = f.evidence.incidentCount;
  const minutes = incidentScopeOf(f.rule)?.windowMinutes;
  if (!more || minutes === undefined) return [];
  const by = incidentScopeOf(f.rule)?.perCaller ? `by ${f.actor.principal}` : 'by the same or other callers';
  return [
    `And ${more} more read${more === 1 ? '' : 's'} ${by} in the same ${minutes}-minute window: counted into this one alert, not alerted one by one.`,
  ];
};

/**
 * Next steps, in order: the repair (said according to what the service did with it: done,
 * would have done in dry run, could not), then what to check. Ends with the CloudTrail review
 * when the finding came from an event.
 */
export const nextSteps = (f: Finding, result?: ActionResult): NextStep[] => {
  const rule = advice[f.rule];
  const fix = rule.fix?.(f, result);
  const steps = [...repairSteps(fix, result), ...rule.followUp(f, result)];
  return steps.length > 0 ? steps : [{ text: 'Review the event in CloudTrail.' }];
};

const repairSteps = (fix: NextStep | undefined, result?: ActionResult): NextStep[] => {
  if (!fix) return [];
  if (!result) return [fix];
  const did = actionWords[result.type];
  switch (result.outcome) {
    case 'applied':
      return [{ text: `Nothing to repair: the service ${did}. Check that it holds, and why it happened.` }];
    case 'planned':
      return [{ ...fix, text: `Dry run: the service would have ${did}, and changed nothing. ${fix.text}` }];
    case 'skipped':
      return [{ ...fix, text: `The service left it (${result.reason}). Check before acting; if still needed: ${lowerFirst(fix.text)}` }];
    case 'blocked':
    case 'failed':
      return [{ ...fix, text: `The service could not (${result.outcome}): do it by hand. ${fix.text}` }];
  }
};

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);
