/**
 * The organisation sweep's one message to the alert topic, sent when its last shard finishes:
 * totals over every account and region, findings per check and severity, the accounts with the
 * most findings (the first `TOP_ACCOUNTS`, the rest counted), the shards that could not be read
 * and why. Bounded whatever the organisation's size: a fixed number of lines, each naming at most
 * an account and its regions, so 10,000 accounts weigh what 10 do, far under SNS's 256 KB; the
 * subject follows the alerts' rules (SNS's 99 characters, printable ASCII). Pure.
 */
import * as z from '../contracts/zod.js';
import type { Severity } from '../contracts/finding.js';
import { SeveritySchema } from '../contracts/finding.js';
import { subjectFrom } from '../alerts/model.js';
import type { AlertMessage } from '../ports/notifier.js';
import { SWEEP_SUMMARY_RULE } from './sweep-summary.js';
import { SEVERITIES } from '../contracts/severity.js';
import { emptyCounts, type SweepCounts, worstSeverity } from './summary.js';
import { countRows } from './sweep-summary.js';

/** Accounts named in the summary, by findings. */
export const TOP_ACCOUNTS = 10;
/** Shards that could not be read, named with their reason; the rest are counted. */
export const FAILED_SHARDS_SHOWN = 5;

const count = z.int().check(z.minimum(0));

/** What one shard reports when it finishes, recorded in the ledger for the summary. */
export const ShardFiguresSchema = z.object({
  account: z.string(),
  region: z.string(),
  secrets: count,
  exempt: count,
  findings: count,
  unjudged: count,
  byRule: z.record(z.string(), count),
  bySeverity: z.partialRecord(SeveritySchema, count),
  listCalls: count,
  closerLooks: count,
  invocations: count,
  finishedAt: z.iso.datetime({ offset: true }),
  /** Why the shard could not be read at all (its read role not assumable, ListSecrets refused). */
  failed: z.optional(z.string()),
});
export type ShardFigures = z.infer<typeof ShardFiguresSchema>;

/** A finished shard's figures from its counts. */
export const shardFigures = (
  shard: { readonly account: string; readonly region: string },
  counts: SweepCounts,
  run: { readonly listCalls: number; readonly invocations: number; readonly finishedAt: string; readonly failed?: string },
): ShardFigures => ({
  account: shard.account,
  region: shard.region,
  secrets: counts.secrets,
  exempt: counts.exempt,
  findings: counts.findings,
  unjudged: counts.unjudged,
  byRule: { ...counts.byRule },
  bySeverity: { ...counts.bySeverity },
  listCalls: run.listCalls,
  closerLooks: counts.perSecretCalls,
  invocations: run.invocations,
  finishedAt: run.finishedAt,
  ...(run.failed ? { failed: run.failed } : {}),
});

export interface OrganisationSummaryInput {
  readonly runId: string;
  readonly hub: { readonly account: string; readonly region: string };
  readonly startedAt: string;
  readonly accounts: number;
  readonly regions: readonly string[];
  /** Every shard's figures; a shard whose figures are missing is counted as such. */
  readonly shards: readonly ShardFigures[];
  readonly expectedShards: number;
}

interface AccountFigures {
  readonly account: string;
  findings: number;
  secrets: number;
  readonly byRegion: Map<string, number>;
  readonly bySeverity: Record<Severity, number>;
}

/** Totals over the shards, as one set of counts (so the single sweep's lines can be reused). */
const totalsOf = (shards: readonly ShardFigures[]): SweepCounts & { listCalls: number } => {
  const totals = { ...emptyCounts(), byRule: {} as Record<string, number>, bySeverity: { ...emptyCounts().bySeverity }, listCalls: 0 };
  for (const shard of shards) {
    totals.secrets += shard.secrets;
    totals.exempt += shard.exempt;
    totals.findings += shard.findings;
    totals.unjudged += shard.unjudged;
    totals.perSecretCalls += shard.closerLooks;
    totals.listCalls += shard.listCalls;
    for (const [rule, n] of Object.entries(shard.byRule)) totals.byRule[rule] = (totals.byRule[rule] ?? 0) + n;
    for (const severity of SEVERITIES) totals.bySeverity[severity] += shard.bySeverity[severity] ?? 0;
  }
  return totals;
};

/** Per account, most findings first (then most secrets, then by id). */
export const accountsByFindings = (shards: readonly ShardFigures[]): AccountFigures[] => {
  const accounts = new Map<string, AccountFigures>();
  for (const shard of shards) {
    const figures = accounts.get(shard.account) ?? {
      account: shard.account,
      findings: 0,
      secrets: 0,
      byRegion: new Map<string, number>(),
      bySeverity: { ...emptyCounts().bySeverity },
    };
    figures.findings += shard.findings;
    figures.secrets += shard.secrets;
    if (shard.findings > 0) figures.byRegion.set(shard.region, (figures.byRegion.get(shard.region) ?? 0) + shard.findings);
    for (const severity of SEVERITIES) figures.bySeverity[severity] += shard.bySeverity[severity] ?? 0;
    accounts.set(shard.account, figures);
  }
  return [...accounts.values()].sort((a, b) => b.findings - a.findings || b.secrets - a.secrets || a.account.localeCompare(b.account));
};

const severities = (bySeverity: Readonly<Record<Severity, number>>): string =>
  SEVERITIES.filter((s) => bySeverity[s] > 0)
    .map((s) => `${s} ${bySeverity[s]}`)
    .join(', ') || 'none';

/** Regions of an account, most findings first, at most four named. */
const regionsLine = (byRegion: ReadonlyMap<string, number>): string => {
  const sorted = [...byRegion].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  const shown = sorted.slice(0, 4).map(([region, n]) => `${region} ${n}`);
  return `${shown.join(', ')}${sorted.length > 4 ? `, +${sorted.length - 4} regions` : ''}`;
};

export const renderOrganisationSummary = (input: OrganisationSummaryInput, finishedAt: string): AlertMessage => {
  const totals = totalsOf(input.shards);
  const worst = worstSeverity(totals) ?? 'info';
  const failed = input.shards.filter((s) => s.failed !== undefined);
  const missing = Math.max(input.expectedShards - input.shards.length, 0);
  const gaps = failed.length + missing;
  // Short enough that SNS's 99 characters keep all of it with the longest severity and the tail.
  const label = `${totals.findings} findings, ${input.accounts} accounts${gaps > 0 ? `, ${gaps} unread` : ''}`;
  const subject = subjectFrom(worst, 'sweep', label, input.hub.account, 'organisation');
  const ranked = accountsByFindings(input.shards).filter((a) => a.findings > 0);
  const top = ranked.slice(0, TOP_ACCOUNTS);
  const rest = ranked.slice(TOP_ACCOUNTS);
  const judged = totals.secrets - totals.exempt;
  const seconds = Math.max((Date.parse(finishedAt) - Date.parse(input.startedAt)) / 1000, 0);
  const lines = [
    `Organisation sweep ${input.runId} from ${input.hub.account}/${input.hub.region}: ${input.accounts} accounts x ${input.regions.length} regions = ${input.expectedShards} shards`,
    `  regions: ${input.regions.join(', ')}`,
    '',
    'Totals',
    `  secrets: ${totals.secrets} (${totals.exempt} exempt by tag, ${judged} judged)`,
    `  findings: ${totals.findings} (${severities(totals.bySeverity)})`,
    ...(totals.unjudged > 0 ? [`  could not judge: ${totals.unjudged} secrets (AWS refused a closer look; see each shard's log)`] : []),
    `  ListSecrets calls: ${totals.listCalls} (${totals.secrets > 0 ? (totals.listCalls / totals.secrets).toFixed(4) : '0'} per secret); closer looks: ${totals.perSecretCalls}`,
    `  from ${input.startedAt} to ${finishedAt} (${seconds.toFixed(0)} s)`,
    '',
    'Findings by check',
    ...(totals.findings === 0
      ? ['  none']
      : countRows(totals).map((r) => `  ${r.rule} (${r.severity}${r.control ? `, ${r.control}` : ''}): ${r.count}`)),
    '',
    `Accounts with the most findings (${top.length} of ${ranked.length} with findings)`,
    ...(top.length === 0
      ? ['  none']
      : top.map((a) => `  ${a.account}: ${a.findings} (${severities(a.bySeverity)}) in ${a.secrets} secrets; ${regionsLine(a.byRegion)}`)),
    ...(rest.length > 0 ? [`  ... and ${rest.length} more accounts with ${rest.reduce((n, a) => n + a.findings, 0)} findings`] : []),
    ...(gaps > 0
      ? [
          '',
          `Not read (${gaps} shards): these account-regions were not judged`,
          ...failed.slice(0, FAILED_SHARDS_SHOWN).map((s) => `  ${s.account}/${s.region}: ${s.failed ?? ''}`.slice(0, 600)),
          ...(failed.length > FAILED_SHARDS_SHOWN ? [`  ... and ${failed.length - FAILED_SHARDS_SHOWN} more failed`] : []),
          ...(missing > 0 ? [`  ${missing} shards recorded no figures (see the sweep function's log for run ${input.runId})`] : []),
        ]
      : []),
    '',
    'Each finding is sent on its own (or in a digest when many share a rule), naming its account and region.',
  ];
  return {
    subject,
    body: `${lines.join('\n')}\n`,
    attributes: { severity: worst, rule: SWEEP_SUMMARY_RULE, account: input.hub.account, region: input.hub.region, secret: '*' },
  };
};
