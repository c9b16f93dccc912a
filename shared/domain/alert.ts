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

const fallbackNarrative: RuleNarrative = {
  happened: (f) => [`${f.event.name} at ${f.event.time}.`],
  nextSteps: () => ['Review the event in CloudTrail.'],
};

/** Renders one alert for a finding, after its action (if any) settled. */
export const renderAlert = (finding: Finding, result?: ActionResult): AlertMessage => {
  const narrative = narratives[finding.rule] ?? fallbackNarrative;
  const control = [finding.control, finding.practice ? `practice ${finding.practice}` : undefined].filter(Boolean).join(', ');
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
    `${actor.principal} (${actor.kind})`,
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
    return finding.actions.length === 0 ? ['nothing: this finding plans no action'] : ['no result reported for the planned action'];
  }
  const changed = result.before && result.after && !sameStages(result.before, result.after);
  return [
    `${result.type}: ${result.outcome} — ${outcomeWords[result.outcome]}`,
    result.reason,
    ...(result.before ? [`version stages before: ${formatStages(result.before)}`] : []),
    ...(result.after && changed ? [`version stages after${result.outcome === 'planned' ? ' (planned)' : ''}: ${formatStages(result.after)}`] : []),
  ];
};

export const formatStages = (stages: VersionStages): string => {
  const entries = Object.entries(stages);
  return entries.length === 0 ? '(no labelled versions)' : entries.map(([id, labels]) => `${id} [${labels.join(', ')}]`).join('; ');
};

const sameStages = (a: VersionStages, b: VersionStages): boolean => formatStages(a) === formatStages(b);

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
