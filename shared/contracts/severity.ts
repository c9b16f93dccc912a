/**
 * The order of severities, written once: the alerts' minimum severity, the scan's `--fail-on`
 * and the sweep's counts all compare by it.
 */
import { type Severity, SeveritySchema } from './finding.js';

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = SeveritySchema.options;

/** A number that grows with severity: `info` 1 up to `critical` 5. */
export const severityRank = (severity: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(severity);

/**
 * True when `severity` is `threshold` or more severe.
 * @example
 * atLeast('critical', 'high'); // true
 * atLeast('low', 'medium'); // false
 */
export const atLeast = (severity: Severity, threshold: Severity): boolean => severityRank(severity) >= severityRank(threshold);
