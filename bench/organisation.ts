/**
 * `npm run bench -- organisation`: the organisation sweep over a synthetic organisation of 1,000
 * accounts × 4 regions (4,000 shards): most account-regions hold 100–2,000 secrets, eight hold
 * 100,000 and one 500,000 (ORG_ACCOUNTS, ORG_REGIONS, ORG_SEED change it).
 *
 * What is measured and what is simulated, plainly:
 * - Measured: the real sweep engine (`runSweep`: listing, checks, closer looks) over synthetic
 *   accounts of each size class (ORG_CALIBRATION, default 100, 1,000, 2,000, 100,000, 500,000
 *   secrets), ListSecrets answering in 150 ms (SWEEP_LATENCY_MS) under the per-account-region quota
 *   of 100 calls a second, in real time, with the shards' listing setting (a shard splits from
 *   SHARD_MIN_SPLIT_PAGES up): wall time, ListSecrets calls, peak heap growth. And the
 *   real coordinator (`coordinateSweep`) over an in-memory Organizations of 1,000 accounts, the
 *   ledger in memory and PutEvents answering in 30 ms, in real time: its whole time, and when it
 *   published each shard (after that shard's PutEvents call answered). On the organisation's first
 *   run it takes its census with the real code (shared/sweep/census.ts, CENSUS_CONCURRENCY counts
 *   in flight, publishing as the counts come): each account-region's count answers the true size
 *   after an AssumeRole and a GetMetricData call of CENSUS_LATENCY_MS each (default 100 ms), waited
 *   in real time, so the census takes its real time (about 16 s for 4,000 account-regions) and is
 *   measured: until its last answer.
 * - Simulated: the 4,000 shards' schedule. Each shard's duration and calls come from the
 *   measurement of its size (interpolated between the sizes measured); each shard starts when it
 *   was published or, when every slot is busy, when the first slot frees, in the order the
 *   coordinator published them, as Lambda runs them under the sweep function's reserved
 *   concurrency, on a simulated clock. Running 5 million secrets' checks in one process on this
 *   machine would measure its CPU, not Lambda's (each shard has its own).
 *   Two runs: the organisation's first, whose coordinator has no sizes yet and publishes as its
 *   census counts (the largest counted first); and any later one, whose coordinator publishes the
 *   largest account-regions of the run before first (the sizes the previous run's last shard
 *   recorded: shared/sweep/shard-sizes.ts), with no census.
 * Cost: the sweep function's memory (serverless.yml) × the billed durations, in GB-seconds.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POLICY, type Policy } from '../shared/policy/schema.js';
import { MemoryLedger } from '../shared/sandbox/memory-ledger.js';
import { MemoryOrganizations } from '../shared/sandbox/memory-organizations.js';
import { coordinateSweep } from '../shared/sweep/coordinator.js';
import { recordShardSizes } from '../shared/sweep/shard-sizes.js';
import { SHARD_MIN_SPLIT_PAGES } from '../shared/sweep/sweep-use-case.js';
import { round } from './format.js';
import { measureFullSweep, sweepSettings } from './sweep.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Calls the census makes per account-region: AssumeRole of the read role, then GetMetricData. */
const CENSUS_CALLS = 2;
/** The sweep function's timeout (serverless.yml): the coordinator's remaining time when it starts. */
const SWEEP_TIMEOUT_MS = 900_000;

const numberFromEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

/** A small seeded generator (mulberry32), so the organisation is the same on every run. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface Calibration {
  readonly secrets: number;
  readonly seconds: number;
  readonly listCalls: number;
  readonly peakHeapMB: number;
  readonly peakLiveHeapMB: number;
}

/** Linear between the measured sizes (and beyond the last, in proportion). */
const interpolate = (points: readonly Calibration[], secrets: number, pick: (c: Calibration) => number): number => {
  const sorted = [...points].sort((a, b) => a.secrets - b.secrets);
  const first = sorted[0] as Calibration;
  if (secrets <= first.secrets) return pick(first) * (secrets / first.secrets);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as Calibration;
    const b = sorted[i] as Calibration;
    if (secrets <= b.secrets) return pick(a) + ((pick(b) - pick(a)) * (secrets - a.secrets)) / (b.secrets - a.secrets);
  }
  const last = sorted.at(-1) as Calibration;
  return pick(last) * (secrets / last.secrets);
};

/** The sweep function's memory size in MB, as serverless.yml gives it. */
const sweepMemoryMb = (): number => {
  const yml = readFileSync(`${repoRoot}/serverless.yml`, 'utf8');
  const sweep = yml.slice(yml.indexOf('\n  sweep:'));
  const found = /\n {4}memorySize: (\d+)/.exec(sweep);
  if (!found) throw new Error('serverless.yml: no memorySize for the sweep function');
  return Number(found[1]);
};

export interface OrganisationBenchResult {
  /** The organisation's first run (no sizes recorded yet), or a later one (the previous run's sizes). */
  readonly run: 'first' | 'later';
  readonly accounts: number;
  readonly regions: number;
  readonly shards: number;
  readonly secrets: number;
  readonly concurrency: number;
  /** The coordinator's time (measured), the census's included. */
  readonly coordinatorSeconds: number;
  /** The first run's census (measured, until its last answer): 0 on a later run, which has the sizes its previous run recorded. */
  readonly censusSeconds: number;
  /** When the first shard was published, from the coordinator's start (measured). */
  readonly firstPublishedSeconds: number;
  readonly putEventsCalls: number;
  readonly largestAloneSeconds: number;
  readonly wallSeconds: number;
  readonly ratioToLargest: number;
  readonly listCalls: number;
  readonly callsPerSecret: number;
  readonly peakHeapMBBySize: Readonly<Record<string, number>>;
  /** The same, right after a GC: what a shard holds. */
  readonly peakLiveHeapMBBySize: Readonly<Record<string, number>>;
  readonly gbSeconds: number;
  readonly memoryMb: number;
}

export const measureOrganisation = async (log: (line: string) => void = console.log): Promise<OrganisationBenchResult[]> => {
  const accounts = numberFromEnv('ORG_ACCOUNTS', 1000);
  const regionCount = numberFromEnv('ORG_REGIONS', 4);
  const random = seeded(numberFromEnv('ORG_SEED', 7));
  const settings = sweepSettings();
  const sizes = (process.env.ORG_CALIBRATION ?? '100,1000,2000,100000,500000').split(',').map(Number);

  // 1. The engine, measured per size class.
  const calibration: Calibration[] = [];
  for (const size of sizes) {
    const full = await measureFullSweep(size, settings, SHARD_MIN_SPLIT_PAGES);
    calibration.push({
      secrets: size,
      seconds: full.wallSeconds,
      listCalls: full.listCalls,
      peakHeapMB: full.peakHeapGrowthMB,
      peakLiveHeapMB: full.peakLiveHeapGrowthMB,
    });
    log(
      `  measured ${size.toLocaleString('en-US')} secrets: ${round(full.wallSeconds, 2)} s, ${full.listCalls} ListSecrets calls, peak heap +${round(full.peakHeapGrowthMB, 1)} MB (live after GC +${round(full.peakLiveHeapGrowthMB, 1)} MB)`,
    );
  }

  // 2. The organisation: account-region sizes, the big ones placed at random.
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'].slice(0, regionCount);
  const ids = Array.from({ length: accounts }, (_, i) => String(100000000000 + i));
  const shardCount = accounts * regions.length;
  const size = Array.from({ length: shardCount }, () => 100 + Math.floor(random() * 1901));
  const big = new Set<number>();
  while (big.size < Math.min(9, shardCount)) big.add(Math.floor(random() * shardCount));
  [...big].forEach((index, n) => (size[index] = n === 0 ? 500_000 : 100_000));
  const secrets = size.reduce((sum, n) => sum + n, 0);

  // 3. The coordinator, for real, over in-memory Organizations and ledger, PutEvents at 30 ms; the
  // order and the times it publishes the shards at are those Lambda gets them in. Run twice: the
  // first run, then a later one, once the first run's last shard has recorded the sizes it read.
  const organizations = new MemoryOrganizations({ id: 'r-bench', accounts: ids.map((id) => ({ id, active: true })) });
  const clock = { now: () => new Date() };
  const ledger = new MemoryLedger(clock.now);
  // The coordinator paces its first run's publishing by the sweep function's reserved concurrency.
  const policyAt = (sweepConcurrency: number): Policy => ({
    ...DEFAULT_POLICY,
    organisation: { ...DEFAULT_POLICY.organisation, enabled: true, organizationId: 'o-bench00000', regions, sweepConcurrency },
  });
  const indexOf = new Map(
    ids.flatMap((account, a) => regions.map((region, r) => [`${account}#${region}`, a * regions.length + r] as const)),
  );
  // The first run's census (shared/sweep/census.ts): each account-region's count costs an
  // AssumeRole and a GetMetricData call (CENSUS_CALLS) of CENSUS_LATENCY_MS, waited in real time,
  // then answers the true size; the coordinator's real census code paces the calls and publishes
  // as they answer. A later run reads the sizes and asks for no count.
  const censusLatencyMs = numberFromEnv('CENSUS_LATENCY_MS', 100);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const trueSize = (place: { readonly account: string; readonly region: string }) =>
    size[indexOf.get(`${place.account}#${place.region}`) ?? -1];
  const coordinate = async (runId: string, concurrency: number) => {
    // Each shard as Lambda gets it: which one, and when (seconds from the coordinator's start).
    const published: { readonly index: number; readonly atSeconds: number }[] = [];
    let putEventsCalls = 0;
    let started = 0;
    let lastCountMs: number | undefined;
    const bus = {
      publish: async (entries: readonly { readonly detail: unknown }[]) => {
        putEventsCalls += 1;
        await sleep(30);
        const atSeconds = (performance.now() - started) / 1000;
        for (const { detail } of entries) {
          const { account, region } = detail as { account: string; region: string };
          published.push({ index: indexOf.get(`${account}#${region}`) ?? -1, atSeconds });
        }
      },
    };
    const secretCountOf = async (place: { readonly account: string; readonly region: string }) => {
      await sleep(CENSUS_CALLS * censusLatencyMs);
      lastCountMs = performance.now() - started;
      return trueSize(place);
    };
    started = performance.now();
    const coordinated = await coordinateSweep(
      { ledger, clock, bus, organizations, secretCountOf },
      {
        runId,
        hub: { account: ids[0] as string, region: 'us-east-1' },
        now: new Date(),
        policy: policyAt(concurrency),
        remainingMs: SWEEP_TIMEOUT_MS,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (coordinated.shards !== shardCount || published.length !== shardCount || published.some((p) => p.index === -1))
      throw new Error(`the coordinator published ${published.length} shards of ${coordinated.shards}, expected ${shardCount}`);
    // The census ends with its last answer (all of them come in long before its budget).
    return { published, seconds, putEventsCalls, censusSeconds: lastCountMs === undefined ? 0 : lastCountMs / 1000 };
  };
  const concurrencies = (process.env.ORG_CONCURRENCY ?? `${DEFAULT_POLICY.organisation.sweepConcurrency},100,200`).split(',').map(Number);
  // The first run once per concurrency (its census paces the publishing by it), all before any sizes are recorded.
  const firsts = new Map<number, Awaited<ReturnType<typeof coordinate>>>();
  for (const concurrency of concurrencies) firsts.set(concurrency, await coordinate(`sweep-bench-first-${concurrency}`, concurrency));
  await recordShardSizes(
    { ledger, clock },
    'sweep-bench-first',
    size.map((secrets, i) => ({
      account: ids[Math.floor(i / regions.length)] as string,
      region: regions[i % regions.length] as string,
      secrets,
      exempt: 0,
      findings: 0,
      unjudged: 0,
      byRule: {},
      bySeverity: {},
      listCalls: 0,
      closerLooks: 0,
      invocations: 1,
      finishedAt: new Date().toISOString(),
    })),
  );
  const later = await coordinate('sweep-bench-later', DEFAULT_POLICY.organisation.sweepConcurrency);

  // 4. The shards' schedule under each concurrency, on a simulated clock.
  const durations = size.map((n) => interpolate(calibration, n, (c) => c.seconds));
  const calls = size.reduce((sum, n) => sum + Math.round(interpolate(calibration, n, (c) => c.listCalls)), 0);
  const largestAloneSeconds = interpolate(calibration, 500_000, (c) => c.seconds);
  const memoryMb = sweepMemoryMb();
  return concurrencies.flatMap((concurrency) =>
    (
      [
        ['first', firsts.get(concurrency) as Awaited<ReturnType<typeof coordinate>>],
        ['later', later],
      ] as const
    ).map(([run, { published, seconds: coordinatorSeconds, putEventsCalls, censusSeconds: census }]) => {
      // The coordinator's own invocation holds one slot until it is done.
      const free = Array.from({ length: concurrency }, (_, i) => (i === 0 ? coordinatorSeconds : 0));
      let end = 0;
      // In the order published: a shard starts when it is published, or when the first slot frees if none is free then.
      for (const { index, atSeconds } of published) {
        let slot = 0;
        for (let i = 1; i < free.length; i++) if ((free[i] as number) < (free[slot] as number)) slot = i;
        const finish = Math.max(free[slot] as number, atSeconds) + (durations[index] as number);
        free[slot] = finish;
        end = Math.max(end, finish);
      }
      const billedSeconds = durations.reduce((sum, s) => sum + Math.ceil(s * 1000) / 1000, 0) + coordinatorSeconds;
      return {
        run,
        accounts,
        regions: regions.length,
        shards: shardCount,
        secrets,
        concurrency,
        coordinatorSeconds,
        censusSeconds: census,
        firstPublishedSeconds: published[0]?.atSeconds ?? 0,
        putEventsCalls,
        largestAloneSeconds,
        wallSeconds: end,
        ratioToLargest: end / largestAloneSeconds,
        listCalls: calls,
        callsPerSecret: calls / secrets,
        peakHeapMBBySize: Object.fromEntries(calibration.map((c) => [c.secrets, round(c.peakHeapMB, 1)])),
        peakLiveHeapMBBySize: Object.fromEntries(calibration.map((c) => [c.secrets, round(c.peakLiveHeapMB, 1)])),
        gbSeconds: (billedSeconds * memoryMb) / 1024,
        memoryMb,
      };
    }),
  );
};
