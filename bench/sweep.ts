/**
 * The sweep's listing (`shared/sweep/list-account.ts`) over synthetic accounts of 10,000 to
 * 500,000 secrets, as it runs in Lambda: ListSecrets taking SWEEP_LATENCY_MS a call (150 ms by
 * default: a 100-entry page is among the slower Secrets Manager reads; measure yours with
 * `aws secretsmanager list-secrets --max-results 100` and set the variable), under the real
 * regional quota of 100 calls a second, enforced by the account (throttling) and paced by the
 * engine at the same rate.
 *
 * The physical limit is the quota: 500,000 secrets are at least 5,000 calls, 50 s. The goal is
 * within 1.5× of it (75 s). Reported per size: wall time, secrets/s, ListSecrets calls per secret
 * (and in total, splits and probes included), DescribeSecret lookups, throttles, the largest
 * checkpoint seen during the run, and memory: growth over a baseline taken after the account was
 * built (so the account itself is not counted) of the heap in use (garbage included: what V8 let
 * accumulate), of the live heap (after a GC, sampled every second), of RSS, and what stays at the end.
 * Each run also checks that every secret came exactly once.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SyntheticSecrets } from '../shared/sandbox/synthetic-secrets.js';
import { listAccount } from '../shared/sweep/list-account.js';
import { DEFAULT_POLICY } from '../shared/policy/schema.js';
import { runSweep } from '../shared/sweep/run-sweep.js';

export interface SweepSettings {
  readonly sizes: readonly number[];
  readonly latencyMs: number;
  /** The account's quota (throttles above it) and the engine's pace. */
  readonly quota: number;
  readonly callsPerSecond: number;
  readonly concurrency: number;
  readonly creationOrder: 'random' | 'by-name';
}

export interface SweepResult {
  readonly secrets: number;
  readonly wallSeconds: number;
  readonly secretsPerSecond: number;
  readonly listCalls: number;
  readonly callsPerSecret: number;
  /** Calls over the physical minimum, ceil(secrets / 100). */
  readonly overheadCalls: number;
  readonly describeCalls: number;
  readonly throttled: number;
  readonly retried: number;
  readonly shards: number;
  readonly maxCheckpointBytes: number;
  readonly peakHeapGrowthMB: number;
  /** The largest heap growth measured right after a GC: what the listing really holds. */
  readonly peakLiveHeapGrowthMB: number;
  readonly peakRssGrowthMB: number;
  readonly retainedHeapMB: number;
  /** Every secret yielded exactly once. */
  readonly exactlyOnce: boolean;
}

const MB = 1024 * 1024;

const numberFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
};

/** The settings, from SWEEP_SIZES (comma-separated), SWEEP_LATENCY_MS, SWEEP_QUOTA, SWEEP_CONCURRENCY, SWEEP_ORDER. */
export const sweepSettings = (): SweepSettings => {
  const quota = numberFromEnv('SWEEP_QUOTA', 100);
  const order = process.env.SWEEP_ORDER ?? 'random';
  if (order !== 'random' && order !== 'by-name') throw new Error(`SWEEP_ORDER must be random or by-name, got ${JSON.stringify(order)}`);
  return {
    sizes: (process.env.SWEEP_SIZES ?? '10000,100000,500000').split(',').map((size) => {
      const value = Number(size.trim());
      if (!Number.isInteger(value) || value <= 0) throw new Error(`SWEEP_SIZES: ${JSON.stringify(size)} is not a number of secrets`);
      return value;
    }),
    latencyMs: numberFromEnv('SWEEP_LATENCY_MS', 150),
    quota,
    callsPerSecond: quota,
    concurrency: numberFromEnv('SWEEP_CONCURRENCY', 32),
    creationOrder: order,
  };
};

/** `gc()` without `--expose-gc` on the command line (`npm run bench` runs plain tsx). */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

const measureOne = async (size: number, settings: SweepSettings): Promise<SweepResult> => {
  const account = new SyntheticSecrets({
    count: size,
    creationOrder: settings.creationOrder,
    listSecrets: { latencyMs: settings.latencyMs, callsPerSecond: settings.quota },
  });
  // The consumer's own state (one byte a secret, to check exactly-once) exists before the baseline.
  const seen = new Uint8Array(size);
  let duplicates = 0;
  collectGarbage();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakRss = baseline.rss;
  let maxCheckpointBytes = 0;
  let peakLive = baseline.heapUsed;

  const listing = listAccount(account, { callsPerSecond: settings.callsPerSecond, concurrency: settings.concurrency });
  const sampleMemory = setInterval(() => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  }, 50);
  const sampleEachSecond = setInterval(() => {
    // What a stop at this moment would carry to the next invocation.
    maxCheckpointBytes = Math.max(maxCheckpointBytes, Buffer.byteLength(JSON.stringify(listing.checkpoint() ?? {})));
    collectGarbage();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 1000);
  const started = performance.now();
  try {
    for await (const page of listing.pages) {
      for (const secret of page) {
        const index = account.indexOfArn(secret.arn);
        if (index === undefined) throw new Error(`listed a secret the account does not hold: ${secret.arn}`);
        if (seen[index] === 1) duplicates++;
        seen[index] = 1;
      }
    }
  } finally {
    clearInterval(sampleMemory);
    clearInterval(sampleEachSecond);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  collectGarbage();
  const retained = process.memoryUsage().heapUsed - baseline.heapUsed;
  const missing = size - seen.reduce((sum, flag) => sum + flag, 0);
  const progress = listing.progress();
  return {
    secrets: progress.secrets,
    wallSeconds,
    secretsPerSecond: progress.secrets / wallSeconds,
    listCalls: account.listCalls,
    callsPerSecret: account.listCalls / size,
    overheadCalls: account.listCalls - Math.ceil(size / 100),
    describeCalls: account.describeCalls,
    throttled: account.listSecretsSimulation?.throttled ?? 0,
    retried: progress.retried,
    shards: progress.shardsKnown,
    maxCheckpointBytes,
    peakHeapGrowthMB: (peakHeap - baseline.heapUsed) / MB,
    peakLiveHeapGrowthMB: (peakLive - baseline.heapUsed) / MB,
    peakRssGrowthMB: (peakRss - baseline.rss) / MB,
    retainedHeapMB: retained / MB,
    exactlyOnce: duplicates === 0 && missing === 0 && progress.secrets === size,
  };
};

/** Lists each size in turn (one account at a time, so one does not weigh on the next's memory). */
export const measureSweep = async (settings: SweepSettings, onResult?: (result: SweepResult) => void): Promise<SweepResult[]> => {
  const results: SweepResult[] = [];
  for (const size of settings.sizes) {
    const result = await measureOne(size, settings);
    onResult?.(result);
    results.push(result);
  }
  return results;
};

export interface FullSweepResult {
  readonly secrets: number;
  readonly wallSeconds: number;
  readonly secretsPerSecond: number;
  readonly findings: number;
  readonly byRule: Readonly<Record<string, number>>;
  readonly listCalls: number;
  readonly closerLooks: number;
  /** Every Secrets Manager call per secret: ListSecrets, lookups and closer looks. */
  readonly callsPerSecret: number;
  readonly peakHeapGrowthMB: number;
  /** The largest heap growth right after a GC (sampled each second): what the sweep really holds, not garbage V8 let pile up. */
  readonly peakLiveHeapGrowthMB: number;
  readonly peakRssGrowthMB: number;
}

/** Closer looks answer in this long (ListSecretVersionIds, GetResourcePolicy are small reads). */
const CLOSER_LOOK_LATENCY_MS = 50;

/**
 * The whole sweep as the function runs it (`runSweep`): the listing above, every secret judged by
 * the checks under the shipped defaults plus a resource-policy requirement on `prod/payments/jwt-signing*` (about 1 in 100 secrets),
 * closer looks (one in five hundred secrets carries an AWSPENDING; the payments secrets need
 * GetResourcePolicy) answering in 50 ms and paced at their default, and the findings counted as
 * they would be put on the bus.
 */
export const measureFullSweep = async (size: number, settings: SweepSettings, minSplitPages?: number): Promise<FullSweepResult> => {
  const account = new SyntheticSecrets({
    count: size,
    creationOrder: settings.creationOrder,
    listSecrets: { latencyMs: settings.latencyMs, callsPerSecond: settings.quota },
  });
  const slow = <T>(answer: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => setTimeout(() => void answer().then(resolve, reject), CLOSER_LOOK_LATENCY_MS));
  const reads = {
    listSecrets: account.listSecrets.bind(account),
    describeSecret: account.describeSecret.bind(account),
    listVersions: (id: string) => slow(() => account.listVersions(id)),
    getResourcePolicy: (id: string) => slow(() => account.getResourcePolicy(id)),
  };
  const policy = { ...DEFAULT_POLICY, requireResourcePolicy: ['prod/payments/jwt-signing*'] };
  collectGarbage();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;
  let peakRss = baseline.rss;
  let peakLive = baseline.heapUsed;
  const sample = setInterval(() => {
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakRss = Math.max(peakRss, usage.rss);
  }, 50);
  const sampleLive = setInterval(() => {
    collectGarbage();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 1000);
  const started = performance.now();
  let published = 0;
  try {
    const report = await runSweep(
      reads,
      async (findings) => {
        published += findings.length;
        await Promise.resolve();
      },
      {
        policy,
        now: new Date(),
        runId: 'bench',
        listCallsPerSecond: settings.callsPerSecond,
        concurrency: settings.concurrency,
        ...(minSplitPages ? { minSplitPages } : {}),
      },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    if (published !== report.counts.findings) throw new Error(`published ${published} findings, counted ${report.counts.findings}`);
    return {
      secrets: report.counts.secrets,
      wallSeconds,
      secretsPerSecond: report.counts.secrets / wallSeconds,
      findings: report.counts.findings,
      byRule: report.counts.byRule,
      listCalls: account.listCalls,
      closerLooks: account.closerLooks,
      callsPerSecret: (account.listCalls + account.describeCalls + account.closerLooks) / size,
      peakHeapGrowthMB: (peakHeap - baseline.heapUsed) / MB,
      peakLiveHeapGrowthMB: (peakLive - baseline.heapUsed) / MB,
      peakRssGrowthMB: (peakRss - baseline.rss) / MB,
    };
  } finally {
    clearInterval(sample);
    clearInterval(sampleLive);
  }
};
