/**
 * The one metrics module: what the service did, as CloudWatch metrics in the embedded metric
 * format (Powertools Metrics). A metric is a structured line in the function's own log, which
 * CloudWatch turns into a metric: no PutMetricData call, no extra permission, no added latency.
 *
 * Each use case or handler records with one call (`recordFinding(...)`), so the call sites stay
 * one line. Each call writes its line at once with its own dimensions (a single metric), so a
 * function that fails later loses none of what it already counted.
 *
 * Lines are written only inside Lambda (AWS_LAMBDA_FUNCTION_NAME set): the local replay, the
 * CLI and the tests print their own output and never a metric line, unless a test installs a
 * sink with {@link captureMetrics}.
 *
 * The names and dimensions below are what serverless.yml's alarms and dashboard read
 * (deploy/operations.cjs): change them together.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The CloudWatch namespace of every metric the service emits. */
export const METRICS_NAMESPACE = 'SecretsRemediator';
/** The service dimension Powertools adds to every metric. */
export const METRICS_SERVICE = 'secrets-remediator';

/** One recorded metric: what a test sink receives. */
export interface RecordedMetric {
  readonly name: string;
  readonly unit: 'Count' | 'Milliseconds';
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

type Sink = (metric: RecordedMetric) => void;

let metrics: Metrics | undefined;
const lambdaSink: Sink = (metric) => {
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  const single = metrics.singleMetric();
  for (const [name, value] of Object.entries(metric.dimensions)) single.addDimension(name, value);
  // A single metric writes its line as soon as its one value is added.
  single.addMetric(metric.name, metric.unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, metric.value);
};

let sink: Sink | undefined;
const record = (metric: RecordedMetric): void => {
  const target = sink ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? lambdaSink : undefined);
  if (!target) return;
  try {
    target(metric);
  } catch {
    // A metric is never worth a failed invocation (and a retried write): the work is done.
  }
};

/**
 * Sends every metric recorded from now on to `into` (tests); returns the function that stops.
 */
export const captureMetrics = (into: RecordedMetric[]): (() => void) => {
  sink = (metric) => into.push(metric);
  return () => {
    sink = undefined;
  };
};

const count = (name: string, dimensions: Record<string, string>, value = 1): void => record({ name, unit: 'Count', value, dimensions });

/** A finding published (classify or sweep), by its rule and severity. */
export const recordFinding = (finding: { readonly rule: string; readonly severity: string }): void =>
  count('Findings', { rule: finding.rule, severity: finding.severity });

/** An action finished, by its type and outcome (applied, planned, skipped, blocked, failed). */
export const recordAction = (action: string, outcome: string): void => count('Actions', { action, outcome });

/** A write the service refused itself (the per-secret write limit), by action. */
export const recordRefusedWrite = (action: string): void => count('RefusedWrites', { action });

/** An alert's delivery on one channel, by outcome (sent, held, failed, ...). */
export const recordAlert = (channel: string, outcome: string): void => count('Alerts', { channel, outcome });

/** A digest's delivery on one channel, by outcome. */
export const recordDigest = (channel: string, outcome: string): void => count('Digests', { channel, outcome });

/** A finding's import into Security Hub, by outcome (imported, refused, not-writable). */
export const recordSecurityHubImport = (outcome: string): void => count('SecurityHubImports', { outcome });

/** Channel `none`: an outcome that reached no channel (held, duplicate, ignored, empty). */
const NO_CHANNEL = 'none';
/** Channel `any`: a failure, before the use case could say which channel failed. */
const ANY_CHANNEL = 'any';

/** An alert handler's outcome: per channel it reached, or once under `none`. */
export const recordAlertOutcome = (outcome: { readonly status: string; readonly channels?: readonly string[] }): void => {
  for (const channel of outcome.channels?.length ? outcome.channels : [NO_CHANNEL]) recordAlert(channel, outcome.status);
};

/** A digest run's outcome: each digest per channel it reached, or once under `none`. */
export const recordDigestOutcome = (outcome: {
  readonly digests: readonly { readonly status: string; readonly channels?: readonly string[] }[];
}): void => {
  for (const digest of outcome.digests)
    for (const channel of digest.channels?.length ? digest.channels : [NO_CHANNEL]) recordDigest(channel, digest.status);
};

/**
 * Runs `work` and counts its failure as `record(any, failed)` before passing the error on, so
 * a failed delivery shows on the dashboard and not only in the error alarm.
 */
export const countingFailures = async <T>(record: (channel: string, outcome: string) => void, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    record(ANY_CHANNEL, 'failed');
    throw error;
  }
};

/**
 * A sweep run completed: what it read, found and called, how long it took, and one
 * `SweepsCompleted`, the heartbeat its alarm waits for.
 */
export const recordSweep = (run: {
  readonly secrets: number;
  readonly findings: number;
  readonly listCalls: number;
  readonly durationMs: number;
}): void => {
  count('SweepSecrets', {}, run.secrets);
  count('SweepFindings', {}, run.findings);
  count('SweepCalls', {}, run.listCalls);
  record({ name: 'SweepDuration', unit: 'Milliseconds', value: run.durationMs, dimensions: {} });
  count('SweepsCompleted', {});
};
