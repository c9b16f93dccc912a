/**
 * Finding (+ the result of its action) → the alert on-call reads. Pure. Built only from the
 * finding's fields, never from the raw event, so nothing the parser did not pick can leak.
 */
import type { ActionResult, Finding, VersionStages } from '../contracts/finding.js';
import type { AlertMessage } from '../ports/notifier.js';
import { PENDING } from './plan-clear-stale-pending.js';
import { rotationStepAdvice } from './rotation-failure.js';

export const MAX_SUBJECT = 100;

interface RuleNarrative {
  readonly happened: (finding: Finding) => string[];
  readonly nextSteps: (finding: Finding, result?: ActionResult) => string[];
}

const rotateAgain = (f: Finding) => `Once fixed, rotate again: aws secretsmanager rotate-secret --secret-id ${f.secret.id}`;

const narratives: Readonly<Record<string, RuleNarrative>> = {
  'rotation-failed': {
    happened: (f) => {
      const advice = rotationStepAdvice[f.evidence.failingStep ?? 'unknown'];
      return [
        `${f.event.name} at ${f.event.time}: ${advice.meaning}.`,
        `Failing step: ${f.evidence.failingStep ?? 'not named in the error message'}`,
        ...(f.evidence.rotationLambdaArn ? [`Rotation function: ${f.evidence.rotationLambdaArn}`] : []),
        ...(f.evidence.errorMessage ? [`Error message: ${f.evidence.errorMessage}`] : []),
      ];
    },
    nextSteps: (f, result) => {
      const { checks } = rotationStepAdvice[f.evidence.failingStep ?? 'unknown'];
      const clearByHand =
        result && result.versionId && (result.outcome === 'planned' || result.outcome === 'failed')
          ? [
              `Clear the stale ${PENDING} yourself (or run in enforce mode): aws secretsmanager update-secret-version-stage --secret-id ${f.secret.id} --version-stage ${PENDING} --remove-from-version-id ${result.versionId}`,
            ]
          : [];
      return [...checks, ...clearByHand, rotateAgain(f)];
    },
  },
  'rotation-succeeded': {
    happened: (f) => [`${f.event.name} at ${f.event.time}: the secret rotated; a new version holds AWSCURRENT.`],
    nextSteps: () => ['Nothing to do: this resolves an open rotation-failed alert for the secret.'],
  },
};

/** The evidence a finding carries, one line each, for rules without a narrative of their own. */
const evidenceLines = ({ evidence: e }: Finding): string[] => [
  ...(e.offendingStatements ?? []).map((s) => `Statement ${s.id}: ${s.reasons.join('; ')}`),
  ...(e.changedTagKeys ? [`Tag keys changed: ${e.changedTagKeys.join(', ')}`] : []),
  ...(e.kmsKeyId ? [`KMS key: ${e.kmsKeyId}`] : []),
  ...(e.requiredEndpoints ? [`Required VPC endpoints: ${e.requiredEndpoints.join(', ')}; used: ${e.vpcEndpointId ?? 'none'}`] : []),
  ...(e.removedRegions ? [`Regions removed: ${e.removedRegions.join(', ')}`] : []),
  ...(e.recoveryWindowInDays !== undefined ? [`Recovery window: ${e.recoveryWindowInDays} days${e.deletionDate ? `, deleted for good on ${e.deletionDate}` : ''}`] : []),
  ...(e.configRuleName ? [`Config rule: ${e.configRuleName}${e.managedRule && e.managedRule !== e.configRuleName ? ` (${e.managedRule})` : ''}`] : []),
  ...(e.policyMatch ? [`Policy entry: ${e.policyMatch}`] : []),
];

/** What to do next, per rule, when the rule has no narrative of its own. */
const nextStepsByRule: Readonly<Record<string, (f: Finding) => string[]>> = {
  'rotation-disabled': (f) => [`If it was not intended, turn rotation back on: aws secretsmanager rotate-secret --secret-id ${f.secret.id} --rotation-rules '{"ScheduleExpression": "rate(30 days)"}'`, 'Ask the caller why; add them to allowedAdmins if they should be able to.'],
  'secret-deleted': (f) => [`Restore it before the recovery window ends: aws secretsmanager restore-secret --secret-id ${f.secret.id}`, 'Find out who still uses it before letting the deletion go through.'],
  'secret-force-deleted': () => ['It cannot be restored. Find what used it, create a new secret and rotate the credentials it held at their source.'],
  'deleted-secret-in-use': (f) => [`Something still reads it: restore it: aws secretsmanager restore-secret --secret-id ${f.secret.id}`, 'Then move the reader to its replacement before deleting again.'],
  'value-changed-by-hand': () => ['Confirm the change with the person; values should change through rotation.', 'If it was not them, rotate the secret now and review their credentials.'],
  'policy-public': (f) => [`Remove the offending statements (${(f.evidence.offendingStatements ?? []).map((s) => s.id).join(', ')}) and put the policy back with --block-public-policy: aws secretsmanager put-resource-policy --secret-id ${f.secret.id} --block-public-policy --resource-policy file://policy.json`, 'Review CloudTrail for reads by other accounts since the change.'],
  'policy-removed': (f) => [`Put the resource policy back: aws secretsmanager put-resource-policy --secret-id ${f.secret.id} --block-public-policy --resource-policy file://policy.json`],
  'default-kms-key': (f) => [`Re-encrypt with an allowed customer managed key: aws secretsmanager update-secret --secret-id ${f.secret.id} --kms-key-id <key ARN>`],
  'replication-removed': (f) => [`Replicate it again: aws secretsmanager replicate-secret-to-regions --secret-id ${f.secret.id} --add-replica-regions Region=<region>`],
  'abac-tag-changed': () => ['Put the tags back if the change was not intended: access decisions (ABAC) and this service\'s own guards depend on them.'],
  'access-outside-vpce': () => ['Find the caller in CloudTrail; if it should not read from outside the VPC, deny it with an aws:sourceVpce condition in the resource policy.'],
  'rotation-missing': (f) => [`Turn on rotation: aws secretsmanager rotate-secret --secret-id ${f.secret.id} --rotation-lambda-arn <function ARN> --rotation-rules '{"ScheduleExpression": "rate(30 days)"}'`],
  'rotation-overdue': (f) => [`Check the rotation function's logs, then rotate now: aws secretsmanager rotate-secret --secret-id ${f.secret.id}`],
  unused: (f) => [`If nothing needs it, schedule its deletion with a recovery window: aws secretsmanager delete-secret --secret-id ${f.secret.id} --recovery-window-in-days 30`],
};

const fallbackNarrative: RuleNarrative = {
  happened: (f) => [`${f.event.name} at ${f.event.time}: ${f.reason}.`, ...evidenceLines(f)],
  nextSteps: (f) => [...(nextStepsByRule[f.rule]?.(f) ?? []), 'Review the event in CloudTrail.'],
};

/** Renders one alert for a finding, after its action (if any) settled. */
export const renderAlert = (finding: Finding, result?: ActionResult): AlertMessage => {
  const narrative = narratives[finding.rule] ?? fallbackNarrative;
  const control = [finding.control, finding.practices ? `practice ${finding.practices.join('/')}` : undefined].filter(Boolean).join(', ');
  const sections = [
    `${finding.title} (${finding.rule}, severity ${finding.severity}${control ? `, ${control}` : ''})`,
    section('What happened', narrative.happened(finding)),
    section('Secret', [
      finding.secret.arn ?? finding.secret.id,
      `account ${finding.secret.account}, region ${finding.secret.region}`,
    ]),
    section('Who', [describeActor(finding)]),
    section('What the service did', describeResult(finding, result)),
    section('Next steps', narrative.nextSteps(finding, result).map((step, i) => `${i + 1}. ${step}`)),
    section('Links', links(finding)),
    ...(finding.notes.length > 0 ? [section('Could not read from the event', finding.notes)] : []),
    `finding ${finding.id}`,
  ];
  return {
    subject: subjectOf(finding),
    body: sections.join('\n\n') + '\n',
    attributes: {
      severity: finding.severity,
      rule: finding.rule,
      account: finding.secret.account,
      region: finding.secret.region,
      secret: secretLabel(finding),
    },
  };
};

/** `[HIGH] rotation-failed: name (account/region)`, the secret's name shortened to fit 100 characters. */
export const subjectOf = (finding: Finding): string => {
  const head = `[${finding.severity.toUpperCase()}] ${finding.rule}: `;
  const tail = ` (${finding.secret.account}/${finding.secret.region})`;
  const room = MAX_SUBJECT - head.length - tail.length;
  const label = secretLabel(finding);
  const fitted = label.length <= room ? label : `${label.slice(0, Math.max(room - 1, 0))}…`;
  return `${head}${fitted}${tail}`.slice(0, MAX_SUBJECT);
};

const secretLabel = (finding: Finding): string =>
  finding.secret.name ?? finding.secret.arn?.split(':secret:')[1] ?? finding.secret.id;

const section = (title: string, lines: readonly string[]): string =>
  [title, ...lines.map((line) => `  ${line}`)].join('\n');

const describeActor = ({ actor }: Finding): string =>
  [
    `${actor.principal} (${actor.kind}${actor.sessionArn ? `, session ${actor.sessionArn}` : ''}${actor.mfa === undefined ? '' : actor.mfa ? ', with MFA' : ', without MFA'})`,
    // A service acting for itself reports its own name as source and agent: say it once.
    actor.sourceIp && actor.sourceIp !== actor.principal ? `from ${actor.sourceIp}` : undefined,
    actor.userAgent && actor.userAgent !== actor.principal ? `using ${actor.userAgent}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');

const outcomeWords: Readonly<Record<ActionResult['outcome'], string>> = {
  applied: 'done',
  planned: 'would have done this (dry run: nothing was changed)',
  skipped: 'left as it is',
  blocked: 'not allowed to act',
  failed: 'FAILED',
};

const describeResult = (finding: Finding, result?: ActionResult): string[] => {
  if (!result) {
    if (finding.actions.length === 0) return ['nothing: this finding plans no action'];
    return finding.actions.map((type) => `${type}: no result reported`);
  }
  const before = result.state?.before ?? (result.before ? formatStages(result.before) : undefined);
  const after = result.state?.after ?? (result.after ? formatStages(result.after) : undefined);
  const what = result.type === 'clear-stale-pending' ? 'version stages' : 'state';
  return [
    `${result.type}: ${result.outcome} — ${outcomeWords[result.outcome]}`,
    result.reason,
    ...(before ? [`${what} before: ${before}`] : []),
    ...(after && after !== before ? [`${what} after${result.outcome === 'planned' ? ' (planned)' : ''}: ${after}`] : []),
  ];
};

export const formatStages = (stages: VersionStages): string => {
  const entries = Object.entries(stages);
  return entries.length === 0 ? '(no labelled versions)' : entries.map(([id, labels]) => `${id} [${labels.join(', ')}]`).join('; ');
};


const links = (finding: Finding): string[] => {
  const { region } = finding.secret;
  const console = `https://${region}.console.aws.amazon.com`;
  const secretLink = finding.secret.name
    ? [`secret: ${console}/secretsmanager/secret?name=${encodeURIComponent(finding.secret.name)}&region=${region}`]
    : [];
  const eventLink = finding.event.cloudTrailEventId
    ? [`CloudTrail event: ${console}/cloudtrail/home?region=${region}#/events/${encodeURIComponent(finding.event.cloudTrailEventId)}`]
    : [];
  return secretLink.length + eventLink.length > 0 ? [...secretLink, ...eventLink] : ['none: the event named no secret or CloudTrail id to link to'];
};
