/**
 * Module-load time of a bundle, the part of a Lambda cold start our code controls: a fresh
 * `node` per sample (no module cache, no JIT warmth) times `await import(bundle)`, which
 * evaluates the whole bundle including each handler's top level (config, AWS clients).
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { median } from './format.js';

/** The function's environment as serverless.yml sets it, with placeholder resource names. */
export const BENCH_ENV: Readonly<Record<string, string>> = {
  EVENT_BUS_NAME: 'bench-bus',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bench-alerts',
  AWS_REGION: 'us-east-1',
  REMEDIATION_MODE: 'dry-run',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // The AWS SDK warns that Node 20 support is ending; Lambda runs nodejs24.x.
  NODE_NO_WARNINGS: '1',
};

export interface LoadTimes {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
}

/** One fresh process: prints `{"ms": <import time>}` or fails with the import's error. */
const childScript = (bundle: string): string => `
const start = performance.now();
const module = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const ms = performance.now() - start;
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler function');
process.stdout.write(JSON.stringify({ ms }));
`;

/**
 * Times one import in a fresh process. `nodeOptions` is NODE_OPTIONS for the child, so the parent's
 * (tsx's, a debugger's) never leak in; serverless.yml deploys with `--enable-source-maps`.
 */
export const timeImport = (bundle: string, nodeOptions = ''): number => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', childScript(bundle)], {
    env: { PATH: process.env.PATH ?? '', ...BENCH_ENV, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) {
    const reason = child.error?.message ?? (child.stderr.trim() || `exit ${String(child.status ?? child.signal)}`);
    throw new Error(`importing ${bundle} failed: ${reason}`);
  }
  return (JSON.parse(child.stdout) as { ms: number }).ms;
};

/**
 * Samples every bundle `samples` times, round-robin so that a slow moment of the machine spreads
 * over all functions instead of landing on one. One untimed import first warms the file cache.
 */
export const measureLoadTimes = (
  bundles: ReadonlyMap<string, string>,
  samples: number,
  nodeOptions = '',
): Map<string, LoadTimes> => {
  const times = new Map<string, number[]>([...bundles.keys()].map((name) => [name, []]));
  for (const bundle of bundles.values()) timeImport(bundle, nodeOptions);
  for (let round = 0; round < samples; round += 1) {
    for (const [name, bundle] of bundles) times.get(name)?.push(timeImport(bundle, nodeOptions));
  }
  return new Map(
    [...times].map(([name, samplesMs]) => [
      name,
      { medianMs: median(samplesMs), minMs: Math.min(...samplesMs), maxMs: Math.max(...samplesMs), samplesMs },
    ]),
  );
};
