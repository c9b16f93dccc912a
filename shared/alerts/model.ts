/**
 * The one model of an alert: every fact any channel shows, built once from a finding and the
 * result of its action. Plain text, the Chatbot document and the Slack message are renderings
 * of this model only, so the three cannot disagree, and the redaction boundary
 * (`clean-finding.ts`) is crossed exactly once, here.
 *
 * Strings in the model are plain text, already redacted, not yet escaped: each renderer escapes
 * for its own channel.
 */
import { createHash } from 'node:crypto';
import { type ActionResult, type ActorKind, type Finding, NO_SECRET, type Outcome, type Severity } from '../contracts/finding.js';
import { isSecretsManagerId } from '../contracts/hostile-text.js';
import { dateLines, happenedLines, type Line, type NextStep, nextSteps } from './advice.js';
import { cleanFinding } from '../contracts/clean-finding.js';
import { formatStages } from './format.js';
import { asciiLine, CHATBOT_LIMITS, SNS_LIMITS, truncate } from './limits.js';

export type { Line, NextStep } from './advice.js';

export interface AlertLink {
  readonly label: string;
  readonly url: string;
}

/** Who caused it: the caller as CloudTrail saw it, or the sweep (no caller). */
export interface AlertWho {
  readonly kind: ActorKind;
  readonly principal: string;
  /** One line: principal (kind, session, MFA) — or the sweep. */
  readonly description: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly vpcEndpointId?: string;
  /** Found by the scheduled sweep: there was no caller, the dates below are what it compared. */
  readonly foundBySweep: boolean;
}

/** What the service did about it. */
export interface AlertAction {
  /** `restore-secret: planned — would have done this (dry run: nothing was changed)`. */
  readonly headline: string;
  /** The outcome, or `none` (the rule plans no action) / `pending` (no result reported). */
  readonly outcome: Outcome | 'none' | 'pending';
  readonly dryRun: boolean;
  /** The headline, then the reason and the state before and after. */
  readonly lines: readonly string[];
}

export interface AlertModel {
  readonly findingId: string;
  readonly rule: string;
  readonly title: string;
  readonly severity: Severity;
  /** `SecretsManager.2, practice 11`, when the rule maps to any. */
  readonly control?: string;
  /** `[HIGH] rotation-failed: prod/payments/db (123456789012/us-east-1)`: ≤ 99 printable ASCII. */
  readonly subject: string;
  readonly secret: {
    /** The name, else what the ARN or id says; for a finding about a caller, the caller. */
    readonly label: string;
    /** The full ARN where known, else the id as the event named it. */
    readonly reference: string;
    readonly account: string;
    readonly region: string;
    /** False for a finding about a caller whose calls named no secret. */
    readonly named: boolean;
  };
  readonly event: { readonly name: string; readonly time: string; readonly detailType: string };
  readonly who: AlertWho;
  readonly happened: readonly Line[];
  /** Dates the check compared (the sweep, Config): created, last accessed, last rotated, … */
  readonly dates: readonly Line[];
  readonly action: AlertAction;
  readonly nextSteps: readonly NextStep[];
  readonly links: readonly AlertLink[];
  /** What the parser could not make out of the event. */
  readonly notes: readonly string[];
  /** One Chatbot/Slack thread per secret: account, region and name. */
  readonly threadId: string;
  readonly keywords: readonly string[];
  readonly relatedResources: readonly string[];
  /** One line for previews: title, secret, where, outcome. */
  readonly summary: string;
  /** The outcome in a few words: `restore-secret planned (dry run)`, `alert only`. */
  readonly outcomeSummary: string;
  /** SNS message attributes, for subscription filter policies. */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Builds the model from a finding and the result of its action (none: the rule plans no
 * action, or the result is not known yet). Redacts first; nothing raw reaches the model.
 * @example
 * const model = buildAlertModel(finding, result);
 * renderPlainText(model); // what email receives
 */
export const buildAlertModel = (rawFinding: Finding, rawResult?: ActionResult): AlertModel => {
  const { finding: f, result } = cleanFinding(rawFinding, rawResult);
  const secret = secretOf(f);
  const control = [f.control, f.practices?.length ? `practice ${f.practices.join('/')}` : undefined].filter(Boolean).join(', ');
  const action = actionOf(f, result);
  const subject = subjectFrom(f.severity, f.rule, secret.label, secret.account, secret.region);
  return {
    findingId: f.id,
    rule: f.rule,
    title: f.title,
    severity: f.severity,
    ...(control ? { control } : {}),
    subject,
    secret,
    event: { name: f.event.name, time: f.event.time, detailType: f.event.detailType },
    who: whoOf(f),
    happened: happenedLines(f),
    dates: dateLines(f),
    action,
    nextSteps: nextSteps(f, result),
    links: linksOf(f, secret.named),
    notes: f.notes,
    threadId: threadIdOf(secret.account, secret.region, secret.named ? secret.label : `caller/${f.actor.principal}`),
    keywords: keywordsOf(f, action),
    relatedResources: [
      ...(secret.named ? [secret.reference] : []),
      ...(f.evidence.rotationLambdaArn?.startsWith('arn:') ? [f.evidence.rotationLambdaArn] : []),
      ...(f.evidence.kmsKeyId?.startsWith('arn:') ? [f.evidence.kmsKeyId] : []),
    ],
    summary: truncate(
      `${f.title}: ${secret.label} (${secret.account}/${secret.region}) — ${outcomeShort(action)}`,
      CHATBOT_LIMITS.summaryChars,
    ),
    outcomeSummary: outcomeShort(action),
    attributes: {
      severity: f.severity,
      rule: f.rule,
      account: secret.account,
      region: secret.region,
      secret: secret.label,
    },
  };
};

/**
 * `[SEVERITY] rule: label (account/region)` in at most 99 printable ASCII characters, the label
 * shortened (with `...`) to fit: SNS refuses longer subjects, and rewrites non-ASCII ones.
 */
export const subjectFrom = (severity: Severity, rule: string, label: string, account: string, region: string): string => {
  const head = asciiLine(`[${severity.toUpperCase()}] ${rule}: `);
  const tail = asciiLine(` (${account}/${region})`);
  const room = SNS_LIMITS.subjectChars - head.length - tail.length;
  const fitted = room >= 4 ? truncate(asciiLine(label), room, '...') : '';
  return truncate(`${head}${fitted}${tail}`, SNS_LIMITS.subjectChars, '...');
};

/** The subject of a finding's alert (redacted like the rest of it). */
export const subjectOf = (finding: Finding): string => buildAlertModel(finding).subject;

/**
 * One thread per secret: `account/region/name`, or — past Chatbot's length — the same three
 * hashed, so it stays one per secret however long the name.
 */
export const threadIdOf = (account: string, region: string, key: string): string => {
  const plain = `${account}/${region}/${key}`;
  if (plain.length <= CHATBOT_LIMITS.threadIdChars && /^[\x21-\x7E]+$/.test(plain)) return plain;
  return `${asciiLine(account).slice(0, 20)}/${asciiLine(region).slice(0, 20)}/sha256-${createHash('sha256').update(plain).digest('hex').slice(0, 40)}`;
};

/**
 * What an alert calls the finding's secret: its name, else what the ARN or id says; for a
 * finding about a caller whose calls named no secret (access-denied-burst), the caller. The
 * single alert and a digest's line both use it, so they name it alike.
 */
export const secretLabelOf = (f: Pick<Finding, 'secret' | 'actor'>): string => {
  const label = f.secret.id !== NO_SECRET ? (f.secret.name ?? f.secret.arn?.split(':secret:')[1] ?? f.secret.id) : f.actor.principal;
  return label || 'unknown secret';
};

const secretOf = (f: Finding): AlertModel['secret'] => {
  const named = f.secret.id !== NO_SECRET;
  return {
    label: secretLabelOf(f),
    reference: f.secret.arn ?? f.secret.id,
    // SNS attributes may not be empty; a messy event can leave these blank.
    account: f.secret.account || 'unknown-account',
    region: f.secret.region || 'unknown-region',
    named,
  };
};

const whoOf = ({ actor, event }: Finding): AlertWho => {
  const foundBySweep = actor.kind === 'sweep';
  const description = foundBySweep
    ? `no caller: found by the scheduled sweep, which checked the secret at ${event.time}`
    : `${actor.principal} (${[actor.kind, actor.sessionArn ? `session ${actor.sessionArn}` : undefined, actor.mfa === undefined ? undefined : actor.mfa ? 'with MFA' : 'without MFA'].filter(Boolean).join(', ')})`;
  return {
    kind: actor.kind,
    principal: actor.principal,
    description,
    // A service acting for itself reports its own name as source and agent: say it once.
    ...(actor.sourceIp && actor.sourceIp !== actor.principal ? { sourceIp: actor.sourceIp } : {}),
    ...(actor.userAgent && actor.userAgent !== actor.principal ? { userAgent: actor.userAgent } : {}),
    ...(actor.vpcEndpointId ? { vpcEndpointId: actor.vpcEndpointId } : {}),
    foundBySweep,
  };
};

const outcomeWords: Readonly<Record<Outcome, string>> = {
  applied: 'done',
  planned: 'would have done this (dry run: nothing was changed)',
  skipped: 'left as it is',
  blocked: 'not allowed to act',
  failed: 'FAILED',
};

const actionOf = (f: Finding, result?: ActionResult): AlertAction => {
  if (!result) {
    if (f.actions.length === 0)
      return {
        headline: 'nothing: this finding plans no action',
        outcome: 'none',
        dryRun: false,
        lines: ['nothing: this finding plans no action'],
      };
    const lines = f.actions.map((type) => `${type}: no result reported`);
    return { headline: lines.join('; '), outcome: 'pending', dryRun: false, lines };
  }
  const before = result.state?.before ?? (result.before ? formatStages(result.before) : undefined);
  const after = result.state?.after ?? (result.after ? formatStages(result.after) : undefined);
  const what = result.type === 'clear-stale-pending' ? 'version stages' : 'state';
  const headline = `${result.type}: ${result.outcome} — ${outcomeWords[result.outcome]}`;
  return {
    headline,
    outcome: result.outcome,
    dryRun: result.mode === 'dry-run' || result.outcome === 'planned',
    lines: [
      headline,
      result.reason,
      ...(before ? [`${what} before: ${before}`] : []),
      ...(after && after !== before ? [`${what} after${result.outcome === 'planned' ? ' (planned)' : ''}: ${after}`] : []),
    ],
  };
};

const outcomeShort = (action: AlertAction): string =>
  action.outcome === 'none'
    ? 'alert only'
    : action.outcome === 'pending'
      ? 'action result pending'
      : action.outcome === 'planned'
        ? `${action.headline.split(':')[0]} planned (dry run)`
        : `${action.headline.split(':')[0]} ${action.outcome}`;

const keywordsOf = (f: Finding, action: AlertAction): string[] =>
  [
    f.severity.toUpperCase(),
    f.rule,
    ...(action.outcome === 'none' ? [] : [action.dryRun ? 'dry run' : action.outcome]),
    f.secret.account,
    f.secret.region,
  ].filter((k) => k.length > 0 && k.length <= CHATBOT_LIMITS.keywordChars);

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const CLOUDTRAIL_EVENT_ID = /^[A-Za-z0-9-]{8,64}$/;
const CONFIG_RULE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** The console of the region's partition (commercial, China, GovCloud). */
const consoleOf = (region: string): string =>
  region.startsWith('cn-')
    ? `https://${region}.console.amazonaws.cn`
    : region.startsWith('us-gov-')
      ? `https://${region}.console.amazonaws-us-gov.com`
      : `https://${region}.console.aws.amazon.com`;

/**
 * Links to the secret, its CloudTrail event and its Config rule — only from values of the shape
 * each link needs, so a redacted or odd value makes no link rather than a wrong one.
 */
const linksOf = (f: Finding, named: boolean): AlertLink[] => {
  const { region } = f.secret;
  if (!REGION.test(region)) return [];
  const console = consoleOf(region);
  const name = f.secret.name;
  return [
    // Only a name Secrets Manager would accept: a redacted or hostile one makes no link (and no URIError).
    ...(named && name && isSecretsManagerId(name)
      ? [{ label: 'Secret in the console', url: `${console}/secretsmanager/secret?name=${encodeURIComponent(name)}&region=${region}` }]
      : []),
    ...(f.event.cloudTrailEventId && CLOUDTRAIL_EVENT_ID.test(f.event.cloudTrailEventId)
      ? [
          {
            label: 'CloudTrail event',
            url: `${console}/cloudtrail/home?region=${region}#/events/${encodeURIComponent(f.event.cloudTrailEventId)}`,
          },
        ]
      : []),
    ...(f.evidence.configRuleName && CONFIG_RULE_NAME.test(f.evidence.configRuleName)
      ? [
          {
            label: 'Config rule',
            url: `${console}/config/home?region=${region}#/rules/details?configRuleName=${encodeURIComponent(f.evidence.configRuleName)}`,
          },
        ]
      : []),
  ];
};
