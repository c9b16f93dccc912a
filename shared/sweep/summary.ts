/**
 * What a sweep counted: per check (rule) and per severity, plus the economy figures (calls per
 * secret) and the secrets it could not judge. Plain data, JSON-safe, so it travels in a
 * checkpoint from one invocation to the next.
 */
import * as z from '../contracts/zod.js';
import type { Finding, Severity } from '../contracts/finding.js';
import { SeveritySchema } from '../contracts/finding.js';
import { SEVERITIES } from '../contracts/severity.js';

/**
 * Why a check could not be judged: its closer look (or the lookup of the name) was refused with
 * AccessDenied — typically a resource policy that denies everyone but the application's role —
 * or with InvalidRequest for the secret's current state.
 */
export type UnjudgedReason = 'AccessDenied' | 'InvalidSecretState';

/** At most this many names of unjudged secrets are kept, for the summary to point at. */
export const UNJUDGED_SAMPLE_SIZE = 5;

export interface SweepCounts {
  /** Secrets read from the listing. */
  readonly secrets: number;
  /** Secrets carrying the exemption tag: not judged. */
  readonly exempt: number;
  readonly findings: number;
  /** Calls made for a closer look at one secret (ListSecretVersionIds, GetResourcePolicy). */
  readonly perSecretCalls: number;
  readonly byRule: Readonly<Record<string, number>>;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /**
   * Secrets at least one check could not judge (its closer look was refused), and names the
   * listing could not read (DescribeSecret refused): not a pass, so the summary says so.
   */
  readonly unjudged: number;
  /** The same secrets by reason (`UnjudgedReason`); one refused for two reasons counts under each. */
  readonly unjudgedByReason: Readonly<Record<string, number>>;
  /** The first few of their names (at most `UNJUDGED_SAMPLE_SIZE`): where to start looking. */
  readonly unjudgedSample: readonly string[];
}

const zeroBySeverity = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export const emptyCounts = (): SweepCounts => ({
  secrets: 0,
  exempt: 0,
  findings: 0,
  perSecretCalls: 0,
  byRule: {},
  bySeverity: zeroBySeverity(),
  unjudged: 0,
  unjudgedByReason: {},
  unjudgedSample: [],
});

const count = z.int().check(z.minimum(0));

/**
 * Counts read back from a checkpoint. Fields added since a checkpoint was written default to
 * nothing counted, so a run that was under way when a new version was deployed still resumes.
 */
export const SweepCountsSchema = z.object({
  secrets: count,
  exempt: count,
  findings: count,
  perSecretCalls: count,
  byRule: z.record(z.string(), count),
  bySeverity: z.pipe(
    z.partialRecord(SeveritySchema, count),
    z.transform((given): Record<Severity, number> => ({ ...zeroBySeverity(), ...given })),
  ),
  unjudged: z._default(count, 0),
  unjudgedByReason: z._default(z.record(z.string(), count), {}),
  unjudgedSample: z._default(z.array(z.string()).check(z.maxLength(UNJUDGED_SAMPLE_SIZE)), []),
}) satisfies z.ZodMiniType<SweepCounts, unknown>;

/** Adds one unjudged secret (or unreadable name) under each of its distinct reasons. */
const withUnjudged = (counts: SweepCounts, reasons: readonly UnjudgedReason[], name: string | undefined): SweepCounts => {
  const distinct = [...new Set(reasons)];
  if (distinct.length === 0) return counts;
  const unjudgedByReason = { ...counts.unjudgedByReason };
  for (const reason of distinct) unjudgedByReason[reason] = (unjudgedByReason[reason] ?? 0) + 1;
  const sampled = name !== undefined && counts.unjudgedSample.length < UNJUDGED_SAMPLE_SIZE;
  return {
    ...counts,
    unjudged: counts.unjudged + 1,
    unjudgedByReason,
    unjudgedSample: sampled ? [...counts.unjudgedSample, name] : counts.unjudgedSample,
  };
};

/** The counts after one more inspected secret; `name` (the secret's) lets an unjudged one be sampled. */
export const addInspection = (
  counts: SweepCounts,
  inspection: {
    readonly findings: readonly Finding[];
    readonly exempt: boolean;
    readonly perSecretCalls: number;
    readonly unjudged?: readonly { readonly reason: UnjudgedReason }[];
  },
  name?: string,
): SweepCounts => {
  const byRule = { ...counts.byRule };
  const bySeverity = { ...counts.bySeverity };
  for (const finding of inspection.findings) {
    byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    bySeverity[finding.severity] += 1;
  }
  const added: SweepCounts = {
    ...counts,
    secrets: counts.secrets + 1,
    exempt: counts.exempt + (inspection.exempt ? 1 : 0),
    findings: counts.findings + inspection.findings.length,
    perSecretCalls: counts.perSecretCalls + inspection.perSecretCalls,
    byRule,
    bySeverity,
  };
  return withUnjudged(
    added,
    (inspection.unjudged ?? []).map((u) => u.reason),
    name,
  );
};

/**
 * The counts after a name the listing could not read (DescribeSecret answered AccessDenied): it
 * is no secret read (AWS may deny before it looks, so it may not even exist), but it is unjudged.
 */
export const addUnreadable = (counts: SweepCounts, name: string): SweepCounts => withUnjudged(counts, ['AccessDenied'], name);

/** The most severe level with at least one finding, if any. */
export const worstSeverity = (counts: SweepCounts): Severity | undefined => SEVERITIES.find((s) => counts.bySeverity[s] > 0);

/** Two runs' counts as one (the scan of several account-regions); the unjudged sample keeps the first few. */
export const mergeCounts = (a: SweepCounts, b: SweepCounts): SweepCounts => {
  const sum = (x: Readonly<Record<string, number>>, y: Readonly<Record<string, number>>): Record<string, number> => {
    const total: Record<string, number> = { ...x };
    for (const [key, n] of Object.entries(y)) total[key] = (total[key] ?? 0) + n;
    return total;
  };
  return {
    secrets: a.secrets + b.secrets,
    exempt: a.exempt + b.exempt,
    findings: a.findings + b.findings,
    perSecretCalls: a.perSecretCalls + b.perSecretCalls,
    byRule: sum(a.byRule, b.byRule),
    bySeverity: sum(a.bySeverity, b.bySeverity) as Record<Severity, number>,
    unjudged: a.unjudged + b.unjudged,
    unjudgedByReason: sum(a.unjudgedByReason, b.unjudgedByReason),
    unjudgedSample: [...a.unjudgedSample, ...b.unjudgedSample].slice(0, UNJUDGED_SAMPLE_SIZE),
  };
};
