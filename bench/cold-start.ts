/**
 * Module-load time of a bundle, the part of a Lambda cold start our code controls: a fresh
 * `node` per sample (no module cache, no JIT warmth) times `await import(bundle)`, which
 * evaluates the whole bundle including each handler's top level (config, AWS clients).
 * Each sample also reports the CPU time the process spent in that import (all its threads):
 * on a shared, loaded machine the wall clock includes waiting for a core, the CPU time much less.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packagedPolicy } from '../shared/policy/load-packaged-policy.js';
import { loadPolicy } from '../shared/policy/load-policy.js';
import { median } from './format.js';

/** The stage the bench's functions run as. */
const STAGE = 'bench';

/** policy.yml as packaging ships it to the functions (resolved for the stage, with its digest), in a temporary folder. */
function packagedPolicyFile(): string {
  const source = fileURLToPath(new URL('../policy.yml', import.meta.url));
  const file = join(mkdtempSync(join(tmpdir(), 'bench-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify(packagedPolicy(loadPolicy({ file: source, stage: STAGE }), STAGE)));
  return file;
}

/** The function's environment as serverless.yml sets it, with placeholder resource names. */
export const BENCH_ENV: Readonly<Record<string, string>> = {
  EVENT_BUS_NAME: 'bench-bus',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bench-alerts',
  LEDGER_TABLE_NAME: 'bench-ledger',
  DIGEST_TABLE_NAME: 'bench-digest',
  STAGE,
  // policy.json of the shipped policy, read at cold start as in Lambda (packaging writes it).
  POLICY_FILE: packagedPolicyFile(),
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // The AWS SDK warns that Node 20 support is ending; Lambda runs nodejs24.x.
  NODE_NO_WARNINGS: '1',
};

export interface LoadTimes {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly samplesMs: readonly number[];
  /** Median CPU time (user + system, every thread) of the same imports. */
  readonly cpuMedianMs: number;
}

/** One sample: the import's wall-clock time and the CPU time spent meanwhile. */
interface ImportTime {
  readonly ms: number;
  readonly cpuMs: number;
}

/** One fresh process: prints `{"ms": <import time>, "cpuMs": <CPU time>}` or fails with the import's error. */
const childScript = (bundle: string): string => `
const cpu = process.cpuUsage();
const start = performance.now();
const module = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const ms = performance.now() - start;
const { user, system } = process.cpuUsage(cpu);
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler function');
process.stdout.write(JSON.stringify({ ms, cpuMs: (user + system) / 1000 }));
`;

/**
 * The NODE_OPTIONS serverless.yml sets under provider.environment, or undefined when it sets none
 * (or an empty one).
 * A plain text scan (indentation, not a YAML parser): enough for the one line it looks for. A
 * NODE_OPTIONS anywhere else (a function's own environment) is an error rather than ignored.
 */
export const deployedNodeOptions = (repoRoot: string): string | undefined => {
  const lines = readFileSync(join(repoRoot, 'serverless.yml'), 'utf8').split(/\r?\n/);
  const indent = (line: string): number => line.length - line.trimStart().length;
  const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
  let section = '';
  let environmentIndent: number | undefined;
  let found: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (!isContent(line)) continue;
    if (indent(line) === 0) {
      section = line.trim();
      environmentIndent = undefined;
      continue;
    }
    if (environmentIndent !== undefined && indent(line) <= environmentIndent) environmentIndent = undefined;
    if (section === 'provider:' && /^\s+environment:\s*$/.test(line) && environmentIndent === undefined) {
      environmentIndent = indent(line);
      continue;
    }
    const match = /^\s+NODE_OPTIONS:\s*(.*)$/.exec(line);
    if (!match) continue;
    if (environmentIndent === undefined || section !== 'provider:') {
      throw new Error(`serverless.yml:${index + 1} sets NODE_OPTIONS outside provider.environment; the bench reads only that one`);
    }
    found = unquote(match[1] ?? '');
  }
  return found || undefined;
};

/** `'x'` / `"x"` → `x`; an unquoted value loses a trailing ` # comment`. */
const unquote = (value: string): string => {
  const trimmed = value.trim();
  const quoted = /^(['"])(.*)\1$/.exec(trimmed);
  return quoted ? (quoted[2] ?? '') : trimmed.replace(/\s+#.*$/, '');
};

/**
 * Times one import in a fresh process. `nodeOptions` is NODE_OPTIONS for the child, so the parent's
 * (tsx's, a debugger's) never leak in; run.ts passes what serverless.yml deploys with, if anything.
 */
export const timeImport = (bundle: string, nodeOptions = ''): ImportTime => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', childScript(bundle)], {
    env: { PATH: process.env.PATH ?? '', ...BENCH_ENV, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (child.status !== 0) {
    const reason = child.error?.message ?? (child.stderr.trim() || `exit ${String(child.status ?? child.signal)}`);
    throw new Error(`importing ${bundle} failed: ${reason}`);
  }
  return JSON.parse(child.stdout) as ImportTime;
};

/**
 * Samples every bundle `samples` times, round-robin so that a slow moment of the machine spreads
 * over all functions instead of landing on one. One untimed import first warms the file cache.
 */
export const measureLoadTimes = (bundles: ReadonlyMap<string, string>, samples: number, nodeOptions = ''): Map<string, LoadTimes> => {
  const times = new Map<string, ImportTime[]>([...bundles.keys()].map((name) => [name, []]));
  for (const bundle of bundles.values()) timeImport(bundle, nodeOptions);
  for (let round = 0; round < samples; round += 1) {
    for (const [name, bundle] of bundles) times.get(name)?.push(timeImport(bundle, nodeOptions));
  }
  return new Map(
    [...times].map(([name, sampled]) => {
      const samplesMs = sampled.map((t) => t.ms);
      return [
        name,
        {
          medianMs: median(samplesMs),
          minMs: Math.min(...samplesMs),
          maxMs: Math.max(...samplesMs),
          samplesMs,
          cpuMedianMs: median(sampled.map((t) => t.cpuMs)),
        },
      ];
    }),
  );
};
