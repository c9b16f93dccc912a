/**
 * The report `scan` prints for people: what was read (account, region, policy, stage, live or
 * sandbox, when), then one table per check naming the secrets it found, then the counts. A scan
 * streams its findings to files; this report keeps only the first few per check (a sample), so a
 * scan of 100,000 secrets prints a screenful per check, not 100,000 lines.
 */
import Table from 'cli-table3';
import type { Finding } from '../contracts/finding.js';
import { summaryTable } from './scan-output.js';
import { countRows } from './sweep-summary.js';
import type { SweepCounts } from './summary.js';

/** Rows shown per check; the rest are counted and left to `--output`. */
export const REPORT_ROWS_PER_CHECK = 50;

/** What the scan read, for the report's header and the empty-scan warning. */
export interface ScanContext {
  readonly mode: 'live' | 'sandbox';
  /** Unknown for a live scan that listed no secret (the account is read from the secrets' ARNs). */
  readonly account?: string | undefined;
  readonly region?: string | undefined;
  readonly policyFile: string;
  readonly stage: string;
  readonly startedAt: string;
  /** Live: the profile and `AWS_ENDPOINT_URL`, when set. Sandbox: the seed file. */
  readonly profile?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly seedFile?: string | undefined;
  /** A scan across accounts: what it read ("3 accounts x 2 regions through role ..."), said instead of one account and region. */
  readonly scope?: string | undefined;
}

/** The first `cap` findings of each check, kept as findings stream past. */
export interface FindingSample {
  add(findings: readonly Finding[]): void;
  /** The kept findings of one check, in the order they came. */
  of(rule: string): readonly Finding[];
}

export const findingSample = (cap: number = REPORT_ROWS_PER_CHECK): FindingSample => {
  const kept = new Map<string, Finding[]>();
  return {
    add: (findings) => {
      for (const finding of findings) {
        const list = kept.get(finding.rule) ?? [];
        if (list.length < cap) list.push(finding);
        kept.set(finding.rule, list);
      }
    },
    of: (rule) => kept.get(rule) ?? [],
  };
};

const where = (context: ScanContext): string =>
  context.scope ?? `account ${context.account ?? 'unknown'}, region ${context.region ?? 'unknown'}`;

/** The report's first lines: what was read, against which policy, when. */
export const reportHeader = (context: ScanContext): string => {
  const reading =
    context.mode === 'sandbox'
      ? `sandbox (in-memory account${context.seedFile ? ` seeded from ${context.seedFile}` : ''})`
      : `live AWS${context.profile ? `, profile ${context.profile}` : ''}${context.endpoint ? `, endpoint ${context.endpoint}` : ''}`;
  return [
    `secrets-remediator scan of ${where(context)}`,
    `  reading: ${reading}`,
    `  policy:  ${context.policyFile} (stage ${context.stage})`,
    `  started: ${context.startedAt}`,
  ].join('\n');
};

/** One table per check that found something, most severe first, at most `cap` secrets each. */
export const checkTables = (counts: SweepCounts, sample: FindingSample, cap: number = REPORT_ROWS_PER_CHECK): string[] =>
  countRows(counts).map((row) => {
    const table = new Table({
      head: ['secret', 'account/region', 'severity', 'reason'],
      style: { head: [], border: [], compact: true },
      wordWrap: true,
      colWidths: [null, null, null, 70],
    });
    const shown = sample.of(row.rule).slice(0, cap);
    for (const finding of shown) {
      table.push([
        finding.secret.name ?? finding.secret.arn ?? finding.secret.id,
        `${finding.secret.account}/${finding.secret.region}`,
        finding.severity,
        finding.reason,
      ]);
    }
    const more = row.count - shown.length;
    return [
      `${row.rule}: ${row.title} — ${row.count} finding${row.count === 1 ? '' : 's'} (${row.severity}${row.control ? `, ${row.control}` : ''})`,
      table.toString(),
      ...(more > 0 ? [`… and ${more} more: use --output findings.json`] : []),
    ].join('\n');
  });

/**
 * Zero secrets read: almost always the wrong region, account or endpoint rather than an empty
 * account, so the report says loudly what was read and what to check; undefined otherwise.
 */
export const emptyScanWarning = (counts: SweepCounts, context: ScanContext, allowEmpty: boolean): string | undefined => {
  if (counts.secrets > 0 || counts.unjudged > 0) return undefined;
  const checks =
    context.mode === 'sandbox'
      ? [`the seed file${context.seedFile ? ` ${context.seedFile}` : ''} lists no secrets: add some under "secrets"`]
      : [
          `the region: ${context.region ?? 'none resolved'} was read; pass --region or set AWS_REGION to the region that holds your secrets`,
          `the account: run "aws sts get-caller-identity${context.profile ? ` --profile ${context.profile}` : ''}" to see which account these credentials reach`,
          ...(context.endpoint ? [`the endpoint: AWS_ENDPOINT_URL=${context.endpoint} is set; unset it to read AWS itself`] : []),
        ];
  return [
    `WARNING: NO SECRETS FOUND in ${where(context)}. A scan that sees nothing has checked nothing. Check:`,
    ...checks.map((line) => `  - ${line}`),
    allowEmpty ? '  (--allow-empty: not treated as a failure)' : '  Exit 2. Pass --allow-empty if this account really has no secrets.',
  ].join('\n');
};

/** The whole text report: header, the empty-scan warning if any, a table per check, the counts. */
export const renderScanReport = (input: {
  readonly context: ScanContext;
  readonly counts: SweepCounts;
  readonly sample: FindingSample;
  readonly complete: boolean;
  readonly listCalls: number;
  readonly seconds: number;
  readonly allowEmpty: boolean;
}): string => {
  const empty = emptyScanWarning(input.counts, input.context, input.allowEmpty);
  return [
    reportHeader(input.context),
    ...(input.complete ? [] : ['INCOMPLETE: the scan stopped before the end of the listing']),
    ...(empty ? ['', empty] : []),
    ...checkTables(input.counts, input.sample).flatMap((table) => ['', table]),
    '',
    summaryTable(input.counts, { listCalls: input.listCalls, seconds: input.seconds }),
  ].join('\n');
};
