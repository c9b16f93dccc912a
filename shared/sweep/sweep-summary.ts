/**
 * The sweep's one message to the alert topic: what it read, what it found per check and
 * severity, what it could not judge, and what it cost. Pure. Findings themselves travel on the
 * bus, one per problem.
 */
import type { Severity } from '../contracts/finding.js';
import type { AlertMessage } from '../ports/notifier.js';
import { rules } from '../domain/catalogue.js';
import { subjectFrom } from '../alerts/model.js';
import { SEVERITIES } from '../contracts/severity.js';
import { type SweepCounts, worstSeverity } from './summary.js';

export interface SweepSummaryInput {
  readonly runId: string;
  readonly account: string;
  readonly region: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Invocations the run took (1 + continuations). */
  readonly invocations: number;
  readonly counts: SweepCounts;
  readonly listCalls: number;
}

export const SWEEP_SUMMARY_RULE = 'sweep-summary';

/** Per check, most severe first, then by count. */
export const countRows = (counts: SweepCounts): { rule: string; title: string; severity: Severity; control: string; count: number }[] =>
  Object.entries(counts.byRule)
    .map(([id, count]) => {
      const rule = rules.find((r) => r.id === id);
      return { rule: id, title: rule?.title ?? id, severity: rule?.severity ?? 'info', control: rule?.control ?? '', count };
    })
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.count - a.count || a.rule.localeCompare(b.rule));

/**
 * "could not judge 3 secrets (AccessDenied 2, InvalidSecretState 1), e.g. prod/a, prod/b", or
 * undefined when every secret was judged. Reasons most frequent first.
 */
export const unjudgedLine = (counts: SweepCounts): string | undefined => {
  if (counts.unjudged === 0) return undefined;
  const reasons = Object.entries(counts.unjudgedByReason)
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`);
  const sample = counts.unjudgedSample.length > 0 ? `, e.g. ${counts.unjudgedSample.join(', ')}` : '';
  return `could not judge ${counts.unjudged} secret${counts.unjudged === 1 ? '' : 's'} (${reasons.join(', ')})${sample}`;
};

export const renderSweepSummary = (input: SweepSummaryInput): AlertMessage => {
  const { counts } = input;
  const worst = worstSeverity(counts) ?? 'info';
  const unjudged = unjudgedLine(counts);
  // In the subject too: an unjudged secret is a gap in the sweep, not a pass, and on-call reads subjects.
  // The alerts' own subject rules: at most SNS's 99 characters, printable ASCII, the label cut to fit.
  const subject = subjectFrom(
    worst,
    'sweep',
    `${counts.findings} findings in ${counts.secrets} secrets${counts.unjudged > 0 ? `, ${counts.unjudged} unjudged` : ''}`,
    input.account,
    input.region,
  );
  const seconds = Math.max((Date.parse(input.finishedAt) - Date.parse(input.startedAt)) / 1000, 0);
  const judged = counts.secrets - counts.exempt;
  const lines = [
    `Scheduled sweep ${input.runId} of ${input.account}/${input.region}`,
    '',
    'Findings by check',
    ...(counts.findings === 0
      ? [counts.unjudged === 0 ? '  none: every secret passed every check' : '  none among the checks it could judge']
      : countRows(counts).map((r) => `  ${r.rule} (${r.severity}${r.control ? `, ${r.control}` : ''}): ${r.count}`)),
    '',
    'Findings by severity',
    ...SEVERITIES.map((s) => `  ${s}: ${counts.bySeverity[s]}`),
    '',
    'Read',
    `  secrets: ${counts.secrets} (${counts.exempt} exempt by tag, ${judged} judged)`,
    ...(unjudged
      ? [`  ${unjudged}`, '  (AWS refused a closer look, or the lookup of the name: those checks neither passed nor failed)']
      : []),
    `  ListSecrets calls: ${input.listCalls}; closer looks: ${counts.perSecretCalls} (${judged > 0 ? (counts.perSecretCalls / judged).toFixed(3) : '0'} per judged secret)`,
    `  from ${input.startedAt} to ${input.finishedAt} (${seconds.toFixed(0)} s, ${input.invocations} invocation${input.invocations === 1 ? '' : 's'})`,
    '',
    'Each finding is sent on its own (or in a digest when many share a rule), with what to do next.',
  ];
  return {
    subject,
    body: `${lines.join('\n')}\n`,
    attributes: { severity: worst, rule: SWEEP_SUMMARY_RULE, account: input.account, region: input.region, secret: '*' },
  };
};
