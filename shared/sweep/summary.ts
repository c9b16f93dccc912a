/**
 * What a sweep counted: per check (rule) and per severity, plus the economy figures (calls per
 * secret). Plain data, JSON-safe, so it travels in a checkpoint from one invocation to the next.
 */
import type { Finding, Severity } from '../contracts/finding.js';
import { SeveritySchema } from '../contracts/finding.js';

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
}

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = SeveritySchema.options;

export const severityRank = (severity: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(severity);

/** True when `severity` is `threshold` or more severe. */
export const atLeast = (severity: Severity, threshold: Severity): boolean => severityRank(severity) >= severityRank(threshold);

export const emptyCounts = (): SweepCounts => ({
  secrets: 0,
  exempt: 0,
  findings: 0,
  perSecretCalls: 0,
  byRule: {},
  bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
});

/** The counts after one more inspected secret. */
export const addInspection = (
  counts: SweepCounts,
  inspection: { readonly findings: readonly Finding[]; readonly exempt: boolean; readonly perSecretCalls: number },
): SweepCounts => {
  const byRule = { ...counts.byRule };
  const bySeverity = { ...counts.bySeverity };
  for (const finding of inspection.findings) {
    byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    bySeverity[finding.severity] += 1;
  }
  return {
    secrets: counts.secrets + 1,
    exempt: counts.exempt + (inspection.exempt ? 1 : 0),
    findings: counts.findings + inspection.findings.length,
    perSecretCalls: counts.perSecretCalls + inspection.perSecretCalls,
    byRule,
    bySeverity,
  };
};

/** The most severe level with at least one finding, if any. */
export const worstSeverity = (counts: SweepCounts): Severity | undefined => SEVERITIES.find((s) => counts.bySeverity[s] > 0);
