/**
 * What the replay says about one event: the routes it took, each finding, the action's result
 * and the alert — as one JSON object (`--json`) or as text for a person. With payloads asked
 * for (`--show-payloads`), each alert also carries its Chatbot document and Slack message, built
 * by the same renderers from the same finding and result the alert function rendered.
 */
import {
  type ActionResult,
  type Finding,
  FINDING_DETAIL_TYPE,
  OutcomeSchema,
  RESULT_DETAIL_TYPE,
  type RemediationResult,
} from '../contracts/finding.js';
import { type ChatbotNotification, renderFinding } from '../alerts/render.js';
import { formatStages } from '../alerts/format.js';
import { redactEventIdentifier, redactEventText } from '../contracts/hostile-text.js';
import type { AlertMessage, SlackMessage } from '../ports/notifier.js';
import { plural } from '../plural.js';
import type { FunctionName } from '../contracts/functions.js';
import type { Invocation } from './chain.js';

export interface ActionReport {
  readonly type: string;
  /** The action's outcome; `pending` when its function reported nothing. */
  readonly outcome: ActionResult['outcome'] | 'pending';
  readonly reason: string;
  readonly versionId?: string;
  readonly before?: ActionResult['before'];
  readonly after?: ActionResult['after'];
  /** The state the action is about, before and after, in words. */
  readonly state?: ActionResult['state'];
  /** The account and region the action acted in, when its result names them. */
  readonly account?: string;
  readonly region?: string;
}

export interface FindingReport {
  readonly id: string;
  readonly rule: string;
  readonly severity: Finding['severity'];
  readonly control?: string;
  readonly reason: string;
  readonly secret: string;
  readonly notes: readonly string[];
  readonly actions: readonly ActionReport[];
  readonly alert?: {
    readonly subject: string;
    readonly body: string;
    readonly attributes: AlertMessage['attributes'];
    /** With payloads asked for: what SNS → Chatbot and the Slack webhook would receive. */
    readonly chatbot?: ChatbotNotification;
    readonly slack?: SlackMessage;
  };
}

export interface ReportOptions {
  /** Add each alert's Chatbot document and Slack message (`--show-payloads`). */
  readonly payloads?: boolean;
}

export interface EventReport {
  readonly event: string;
  /** Functions invoked, in order, without repeats. */
  readonly matched: readonly FunctionName[];
  /** `bus/rule → function`, in the order they fired. */
  readonly routes: readonly string[];
  readonly findings: readonly FindingReport[];
  /** Set when the event file was wrapped from a bare CloudTrail record. */
  readonly wrapped?: boolean;
  /** Set when the event was refused, with what is wrong. */
  readonly rejected?: readonly string[];
  /** Set when a function answered `ignored`, with why. */
  readonly ignored?: readonly string[];
  /** Set when rules applied but none fired: each rule's reason. */
  readonly noFinding?: readonly string[];
  /** Set when replaying the event threw: where, the error's class, and a reason that quotes no input. */
  readonly crashed?: Crash;
  /** Set for a CloudTrail log file or lookup-events output: how many records it held, how many were replayed. */
  readonly source?: string;
  /** How many events the file held, when more than one (a JSON array, a log file, lookup-events output). */
  readonly events?: number;
}

/** A replay step that threw, described without quoting the event (its text may be hostile or secret). */
export interface Crash {
  /** The function that threw, or the replay step (`load`, `report`). */
  readonly step: string;
  readonly errorClass: string;
  readonly reason: string;
}

interface HandlerAnswer {
  status?: string;
  problems?: string[];
  reason?: string;
  reasons?: string[];
}

export const buildReport = (
  file: string,
  invocations: readonly Invocation[],
  wrapped = false,
  options: ReportOptions = {},
): EventReport => {
  const published = invocations.flatMap((i) => i.published);
  const findings = published.filter((e) => e['detail-type'] === FINDING_DETAIL_TYPE).map((e) => e.detail as Finding);
  const results = published.filter((e) => e['detail-type'] === RESULT_DETAIL_TYPE).map((e) => e.detail as RemediationResult);
  const answers = invocations.map((i) => (i.output ?? {}) as HandlerAnswer);
  // The functions' answers quote the event (a name, a principal, an error): redacted like every sink.
  const rejected = answers.flatMap((a) => (a.status === 'rejected' ? (a.problems ?? []) : [])).map((text) => redactEventText(text));
  const ignored = answers.flatMap((a) => (a.status === 'ignored' && a.reason ? [a.reason] : [])).map((text) => redactEventText(text));
  const noFinding = answers.flatMap((a) => (a.status === 'no-finding' ? (a.reasons ?? []) : [])).map((text) => redactEventText(text));

  return {
    event: file,
    matched: [...new Set(invocations.map((i) => i.target))],
    routes: invocations.map((i) => `${i.bus}/${i.route} → ${i.target}`),
    findings: findings.map((finding) => ({
      id: finding.id,
      rule: finding.rule,
      severity: finding.severity,
      ...(finding.control ? { control: finding.control } : {}),
      reason: finding.reason,
      secret: redactEventIdentifier(finding.secret.arn ?? finding.secret.id),
      notes: finding.notes,
      actions: actionsOf(finding, results),
      ...alertFor(finding.id, invocations, options),
    })),
    ...(wrapped ? { wrapped } : {}),
    ...(rejected.length > 0 ? { rejected } : {}),
    ...(ignored.length > 0 ? { ignored } : {}),
    ...(noFinding.length > 0 ? { noFinding } : {}),
  };
};

/** Each planned action's result; `pending` when its function reported none (it failed, or was not reached). */
const actionsOf = (finding: Finding, results: readonly RemediationResult[]): ActionReport[] =>
  finding.actions.map((type) => {
    const result = results.find((r) => r.finding.id === finding.id && r.result.type === type)?.result;
    return result ? actionReport(result) : { type, outcome: 'pending', reason: 'no result was reported' };
  });

const actionReport = (result: ActionResult): ActionReport => ({
  ...whereActed(result),
  type: result.type,
  outcome: result.outcome,
  reason: result.reason,
  ...(result.versionId ? { versionId: result.versionId } : {}),
  ...(result.before ? { before: result.before } : {}),
  ...(result.after ? { after: result.after } : {}),
  ...(result.state ? { state: result.state } : {}),
});

/**
 * The account and region a result says it acted in. The result contract may carry them (a
 * multi-account deployment); they are passed on as given, never made up from the event.
 */
const whereActed = (result: ActionResult): { account?: string; region?: string } => {
  const { account, region } = result as { account?: unknown; region?: unknown };
  return { ...(typeof account === 'string' ? { account } : {}), ...(typeof region === 'string' ? { region } : {}) };
};

/** The alert an `alert` invocation sent for this finding (its input carries the finding). */
const alertFor = (findingId: string, invocations: readonly Invocation[], options: ReportOptions) => {
  const invocation = invocations.find((i) => i.target === 'alert' && i.alerts.length > 0 && inputFindingId(i.input) === findingId);
  const sent = invocation?.alerts[0];
  if (!invocation || !sent) return {};
  return {
    alert: {
      subject: sent.subject,
      body: sent.body,
      attributes: sent.attributes,
      ...(options.payloads ? payloadsOf(invocation.input) : {}),
    },
  };
};

/**
 * The Chatbot and Slack renderings of what the alert function was given: the finding (alone, or
 * with its action's result). The function validated that input before it sent anything.
 */
const payloadsOf = (input: unknown): { chatbot?: ChatbotNotification; slack?: SlackMessage } => {
  const detail = (input as { detail?: Finding | RemediationResult }).detail;
  if (!detail) return {};
  const { finding, result } = 'finding' in detail ? detail : { finding: detail, result: undefined };
  const { chatbot, slack } = renderFinding(finding, result, { chatbot: true });
  return { chatbot, slack };
};

const inputFindingId = (input: unknown): string | undefined => {
  const detail = (input as { detail?: { id?: string; finding?: { id?: string } } }).detail;
  return detail?.finding?.id ?? detail?.id;
};

/** The report as text for a terminal. */
export const formatReport = (report: EventReport): string => {
  const lines = [`━━ ${report.event}${report.wrapped ? '  (bare CloudTrail record, wrapped in an EventBridge envelope)' : ''}`];
  if (report.routes.length === 0 && !report.rejected) lines.push('  routed: no rule matches this event; nothing was invoked');
  else if (report.routes.length > 0) lines.push(`  routed: ${report.routes.join(', ')}`);
  if (report.source) lines.push(`  source: ${report.source}`);
  for (const problem of report.rejected ?? []) lines.push(`  REJECTED: ${problem}`);
  for (const reason of report.ignored ?? []) lines.push(`  ignored: ${reason}`);
  for (const reason of report.noFinding ?? []) lines.push(`  no finding: ${reason}`);
  for (const finding of report.findings) {
    lines.push(`  finding: ${finding.rule} (${finding.severity}${finding.control ? `, ${finding.control}` : ''}) on ${finding.secret}`);
    lines.push(`    why: ${finding.reason}`);
    for (const note of finding.notes) lines.push(`    note: ${note}`);
    for (const action of finding.actions) {
      lines.push(
        `    action ${action.type}: ${action.outcome.toUpperCase()}${action.account ? ` in ${action.account}/${action.region ?? '?'}` : ''} — ${action.reason}`,
      );
      const before = action.state?.before ?? (action.before ? formatStages(action.before) : undefined);
      const after = action.state?.after ?? (action.after ? formatStages(action.after) : undefined);
      if (before) lines.push(`      before: ${before}`);
      if (after) lines.push(`      after:  ${after}${action.outcome === 'planned' ? ' (planned, not written)' : ''}`);
    }
    if (finding.alert) {
      lines.push(`    alert: ${finding.alert.subject}`);
      lines.push(
        ...finding.alert.body
          .trimEnd()
          .split('\n')
          .map((line) => `      │ ${line}`),
      );
      if (finding.alert.chatbot)
        lines.push('    chatbot (SNS → AWS Chatbot custom notification, the "https" message):', ...framed(finding.alert.chatbot));
      if (finding.alert.slack) lines.push('    slack (incoming webhook, Block Kit):', ...framed(finding.alert.slack));
    } else {
      lines.push('    alert: none sent');
    }
  }
  return lines.join('\n');
};

/** A payload as pretty JSON, framed like the alert text. */
const framed = (payload: unknown): string[] =>
  JSON.stringify(payload, null, 2)
    .split('\n')
    .map((line) => `      │ ${line}`);

/** The report in one line (`--quiet`): the file, then each finding and what came of it, or why nothing did. */
export const formatReportLine = (report: EventReport): string => {
  const what = report.rejected
    ? `REJECTED: ${report.rejected.join('; ')}`
    : report.findings.length > 0
      ? report.findings
          .map((finding) => {
            const actions = finding.actions.map((a) => `${a.type} ${a.outcome}`).join(', ');
            return `${finding.rule} ${finding.id} (${finding.severity})${actions ? `: ${actions}` : ''}; alert ${finding.alert ? 'yes' : 'no'}`;
          })
          .join(' | ')
      : report.routes.length === 0
        ? 'no rule matches'
        : `no finding${report.ignored ? ` (ignored: ${distinct(report.ignored)})` : ''}`;
  return `${report.event}: ${what}`;
};

/** Reasons once each, with how often a repeated one came (a burst of events ignored for one cause). */
const distinct = (reasons: readonly string[]): string =>
  [...new Set(reasons)]
    .map((reason) => {
      const times = reasons.filter((r) => r === reason).length;
      return times > 1 ? `${reason} (×${times})` : reason;
    })
    .join('; ');

/** Outcomes an action can report, `pending` included: every key of the summary's `actions`. */
const OUTCOMES = [...OutcomeSchema.options, 'pending'] as const;

/** The whole replay in numbers: the `--json` summary line, and the text summary's source. */
export interface ReplaySummary {
  readonly events: number;
  readonly routed: number;
  readonly findings: number;
  readonly actions: Readonly<Record<(typeof OUTCOMES)[number], number>>;
  /** Findings that raised an alert of their own (digests are counted apart). */
  readonly alerts: number;
  /** Digests alert-digest sent for alerts held back by storm control. */
  readonly digests: number;
  /** What each channel was sent, digests included: SNS (email and every plain subscriber), AWS Chatbot, Slack. */
  readonly messages: { readonly sns: number; readonly chatbot: number; readonly slack: number };
  readonly rejected: number;
}

export interface SentMessages {
  readonly topic: readonly AlertMessage[];
  readonly slack: readonly SlackMessage[];
}

export const summarize = (reports: readonly EventReport[], digests: number, sent: SentMessages): ReplaySummary => {
  const findings = reports.flatMap((r) => r.findings);
  const outcomes = findings.flatMap((f) => f.actions.map((a) => a.outcome));
  return {
    // A file may hold many events: the summary counts events, not files.
    events: reports.reduce((n, r) => n + (r.events ?? 1), 0),
    routed: reports.filter((r) => r.matched.length > 0).length,
    findings: findings.length,
    actions: Object.fromEntries(
      OUTCOMES.map((outcome) => [outcome, outcomes.filter((o) => o === outcome).length]),
    ) as ReplaySummary['actions'],
    alerts: findings.filter((f) => f.alert).length,
    digests,
    messages: { sns: sent.topic.length, chatbot: sent.topic.filter((m) => m.chatbot).length, slack: sent.slack.length },
    rejected: reports.filter((r) => r.rejected).length,
  };
};

/** The summary for a person: counts with their nouns, and what to do after a dry run. */
export const formatSummary = (summary: ReplaySummary, context: { mode: string; live: boolean }): string => {
  const { actions } = summary;
  const lines = [
    `${plural(summary.events, 'event')} replayed against ${context.live ? 'the live account' : 'the sandbox account'} in ${context.mode} mode: ` +
      `${summary.routed} routed, ${plural(summary.findings, 'finding')}, ` +
      `${plural(
        OUTCOMES.reduce((n, o) => n + actions[o], 0),
        'action',
      )} (${OUTCOMES.filter((o) => o !== 'pending' || actions[o] > 0)
        .map((o) => `${actions[o]} ${o}`)
        .join(', ')}); ` +
      `${plural(summary.alerts, 'alert')}, ${plural(summary.digests, 'digest')}; ${summary.rejected} rejected.`,
  ];
  if (context.mode === 'dry-run' && actions.planned > 0)
    lines.push('Dry run: no secret was changed. Run with --mode enforce to apply the planned fixes.');
  return lines.join('\n');
};
