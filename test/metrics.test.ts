/**
 * The service's metrics: what the handlers record for a real event through the real chain, and
 * the embedded-metric-format line Powertools writes for it inside Lambda (and nowhere else).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeAlert } from '../shared/handlers/alert.js';
import { makeHandler as makeClassify } from '../shared/handlers/classify.js';
import { captureMetrics, METRICS_NAMESPACE, type RecordedMetric, recordFinding, recordSweep } from '../shared/metrics.js';
import { localContext } from '../shared/replay/lambda-context.js';
import { MemoryDigest } from '../shared/sandbox/memory-digest.js';
import { loadSampleEvent } from './helpers/events.js';
import { classifyContext, samplePolicy } from './helpers/policy.js';
import { defaultSandbox } from './helpers/sandbox.js';

/** The account the published RotationFailed sample was captured in: classify runs there, as the deployment that received it would. */
const context = localContext('classify', '843407916570', 'ap-southeast-2');
let stop: (() => void) | undefined;

afterEach(() => {
  stop?.();
  stop = undefined;
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('Metrics', () => {
  it('counts each published finding by its rule and severity', async () => {
    const recorded: RecordedMetric[] = [];
    stop = captureMetrics(recorded);

    await makeClassify(defaultSandbox(), classifyContext)(
      loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'),
      context,
    );

    expect(recorded).toEqual([
      { name: 'Findings', unit: 'Count', value: 1, dimensions: { rule: 'rotation-failed', severity: expect.any(String) } },
    ]);
  });

  it('counts an alert per channel it reached, and a failed alert as failed', async () => {
    const account = defaultSandbox();
    await makeClassify(account, classifyContext)(loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'), context);
    const finding = account.bus.published[0];
    const recorded: RecordedMetric[] = [];
    stop = captureMetrics(recorded);
    const alert = makeAlert({ ...account, digest: new MemoryDigest() }, { alerts: samplePolicy.alerts });
    // The finding awaits its remediation: alert ignores it, under no channel.
    await alert(finding, localContext('alert'));

    const failing = makeAlert(
      { ...account, notifier: { publish: () => Promise.reject(new Error('sns down')) }, digest: new MemoryDigest() },
      { alerts: samplePolicy.alerts },
    );
    const result = {
      ...finding,
      'detail-type': 'Remediation Result',
      detail: { finding: finding?.detail, result: { type: 'clear-stale-pending', mode: 'dry-run', outcome: 'planned', reason: 'dry run' } },
    };
    await expect(failing(result, localContext('alert'))).rejects.toThrow();

    expect(recorded.map((m) => [m.name, m.dimensions])).toEqual([
      ['Alerts', { channel: 'none', outcome: 'ignored' }],
      ['Alerts', { channel: 'any', outcome: 'failed' }],
    ]);
  });

  it('writes nothing outside Lambda, so the CLI and the replay print only their own output', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    const write = vi.spyOn(process.stdout, 'write');

    recordFinding({ rule: 'rotation-failed', severity: 'high' });

    expect(write).not.toHaveBeenCalled();
  });

  it('writes one embedded-metric-format line per metric inside Lambda, with its dimensions and the service', () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'secrets-remediator-test-sweep');
    vi.stubEnv('POWERTOOLS_DEV', undefined);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });

    recordFinding({ rule: 'rotation-failed', severity: 'high' });
    recordSweep({ secrets: 10, findings: 2, listCalls: 1, durationMs: 1234 });

    const emitted = lines.map(
      (line) =>
        JSON.parse(line) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
        },
    );
    expect(emitted).toHaveLength(6);
    expect(emitted[0]).toMatchObject({ rule: 'rotation-failed', severity: 'high', service: 'secrets-remediator', Findings: 1 });
    expect(emitted[0]?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Metrics: [{ Name: 'Findings', Unit: 'Count' }],
    });
    expect(emitted[0]?._aws.CloudWatchMetrics[0]?.Dimensions[0]?.sort()).toEqual(['rule', 'service', 'severity']);
    expect(emitted.at(-1)).toMatchObject({ service: 'secrets-remediator', SweepsCompleted: 1 });
    expect(emitted.find((e) => 'SweepDuration' in e)).toMatchObject({ SweepDuration: 1234 });
  });
});
