/**
 * `npm run bench`: the numbers that decide how this service feels in Lambda, measured the way
 * they are deployed. Speed goals live here, never in timed tests (which flake on shared CI).
 *
 * 1. Bundle size per function: each handler bundled with esbuild.options.json, the options
 *    serverless.yml gives serverless-esbuild. Size drives the download and parse part of a cold
 *    start and the deployment package; the top packages name the culprit of a regression. With
 *    code splitting, the bundle is what a cold start loads (handler.mjs and the chunks it imports
 *    statically); the chunks only `import()` loads, on first use, are a column of their own. The
 *    zip size is the real `osls package` zip when .serverless/ (or PACKAGED_DIR) holds one,
 *    else a gzip estimate.
 * 2. Module-load time per function: `await import(bundle)` in a fresh `node` per sample, with the
 *    NODE_OPTIONS serverless.yml deploys with (if any) in a second column; what a cold start
 *    spends in our code before the first event is handled.
 *    Side by side with each function, its bare twin: a handler importing and building only the
 *    @aws-sdk clients the function loads at cold start, bundled with the same options and timed in the
 *    same round-robin; the table gives both columns, the ratio and the goals (classify ≤ 400 KB,
 *    every other bundle ≤ bare + 60 KB, module load ≤ 1.3× bare) with PASS/FAIL.
 * 3. parse + classify throughput: the classify function's pure core over the sample events,
 *    with tinybench; what one warm instance can keep up with (goal ≥ 100,000 events/s).
 * 4. Sweep listing (`sweep.ts`): 10,000, 100,000 and 500,000 synthetic secrets listed under the
 *    real ListSecrets quota with simulated latency; secrets/s, calls per secret, peak memory.
 *
 * 5. Reads (`reads.ts`): 1,000,000 synthetic read events (≈ 99.9 % plain reads by applications)
 *    through the deployed read-calls pattern with the project's matcher: classify invocations per
 *    million reads (goal ≤ 2,000), and the findings with the pattern and with every read classified
 *    (none may be lost).
 *
 * 6. Storm (`storm.ts`): 1,000 findings of one rule in one window, three shapes (one caller many
 *    prefixes, many callers one prefix, rotation-failed with one rotation function), replayed
 *    through the real chain: messages per channel (goal ≤ 10, the first alerts included) and
 *    findings the email does not list (goal 0).
 *
 * 7. Organisation (`organisation.ts`): the organisation sweep over 1,000 accounts × 4 regions,
 *    the engine measured per size class, the coordinator (the first run's census included, its
 *    calls' latency simulated) measured in real time, the shards' schedule under the reserved
 *    concurrency simulated from when each was published: shard count, concurrency, wall time
 *    against the largest account-region alone (goal ≤ 1.2×), ListSecrets calls per secret
 *    (goal ≤ 0.011), memory per shard, GB-seconds.
 *
 * `npm run bench -- <section>...` runs only the sections named (`bundles` (1 and 2),
 * `throughput`, `sweep`, `reads`, `storm`, `organisation`); with none, all of them.
 *
 * Ends with one `BENCH_SUMMARY {json}` line holding every number, for notes and comparisons.
 * Bundles go to a temporary folder under .bench/ (gitignored), removed at the end.
 */
import { functionNames } from '../shared/contracts/functions.js';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import {
  type BareBundle,
  bundleBare,
  type BundleReport,
  bundleFunction,
  loadEsbuildOptions,
  packagedDir,
  PROJECT,
  writesMapFile,
} from './bundle.js';
import { deployedNodeOptions, type LoadTimes, measureLoadTimes } from './cold-start.js';
import { heading, kb, round } from './format.js';
import { measureOrganisation } from './organisation.js';
import { measureReads, type ReadsResult } from './reads.js';
import { measureFullSweep, measureSweep, type SweepResult, type SweepSettings, sweepSettings } from './sweep.js';
import { measureStorms, STORM_GOAL_MESSAGES, type StormResult } from './storm.js';
import { loadSamples, measureThroughput, type ThroughputResult } from './throughput.js';

const FUNCTIONS = functionNames;
const LOAD_SAMPLES = 7;
const TOP_PACKAGES = 5;
const TASK_TIME_MS = 2000;
/** Cold-start goals: classify's bundle, every other bundle over its bare twin, module load over the bare twin's. */
const CLASSIFY_BUNDLE_GOAL_KB = 400;
const BUNDLE_OVER_BARE_GOAL_KB = 60;
const LOAD_RATIO_GOAL = 1.3;
const THROUGHPUT_GOAL = 100_000;
/** The throughput task the goal is about: what one classify invocation does with its event. */
const THROUGHPUT_GOAL_TASK = 'JSON.parse + parse + classify';
const WARMUP_TIME_MS = 300;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Where `osls package` output is looked for, as shown to the reader. */
const zipDir = packagedDir(repoRoot);
const shownZipDir = relative(repoRoot, zipDir).startsWith('..') ? zipDir : relative(repoRoot, zipDir) || '.';

const bundleAll = async (options: BuildOptions, outDir: string): Promise<BundleReport[]> => {
  const reports: BundleReport[] = [];
  for (const name of FUNCTIONS) {
    try {
      reports.push(await bundleFunction(repoRoot, options, name, outDir, zipDir));
    } catch (error) {
      // esbuild has already printed its errors (file:line) above this line.
      throw new Error(`bundling functions/${name}/handler.ts failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return reports;
};

/** One bare bundle per distinct set of SDK clients, keyed by that set (`a+b`). */
const bareKey = (clients: readonly string[]): string => clients.map((c) => c.replace('@aws-sdk/client-', '')).join('+') || '(none)';

const bundleBares = async (options: BuildOptions, reports: readonly BundleReport[], outDir: string): Promise<Map<string, BareBundle>> => {
  const bares = new Map<string, BareBundle>();
  for (const { sdkClients } of reports) {
    if (!bares.has(bareKey(sdkClients))) bares.set(bareKey(sdkClients), await bundleBare(repoRoot, options, sdkClients, outDir));
  }
  return bares;
};

interface ColdStartRow {
  readonly name: string;
  readonly clients: string;
  /** SDK clients the function loads only on first use (not in the bare twin). */
  readonly lazyClients: string;
  readonly bundleKb: number;
  readonly bareKb: number;
  /** Powertools, middy and zod in the bundle: the libraries the service is built on, beside the SDK. */
  readonly librariesKb: number;
  readonly bundleGoalKb: number;
  readonly bundlePass: boolean;
  readonly loadMs: number;
  readonly bareLoadMs: number;
  readonly ratio: number;
  readonly loadPass: boolean;
  /** The same imports in CPU time: steadier than the wall clock on a loaded machine. */
  readonly cpuMs: number;
  readonly bareCpuMs: number;
  readonly cpuRatio: number;
}

/** Powertools (Logger, Metrics, their commons), middy and zod: what every function carries beyond its SDK clients before any of our code. */
const isBuiltOnLibrary = (name: string): boolean =>
  name.startsWith('@aws-lambda-powertools/') || name.startsWith('@middy/') || name === 'zod';

/** Each function against its bare twin, measured in the same run; the goals and whether they are met. */
const coldStartRows = (
  reports: readonly BundleReport[],
  bares: ReadonlyMap<string, BareBundle>,
  loads: ReadonlyMap<string, LoadTimes>,
): ColdStartRow[] =>
  reports.map((r) => {
    const key = bareKey(r.sdkClients);
    const bare = bares.get(key);
    const bareKb = kb(bare?.bytes ?? NaN);
    const bundleGoalKb = r.name === 'classify' ? CLASSIFY_BUNDLE_GOAL_KB : round(bareKb + BUNDLE_OVER_BARE_GOAL_KB, 1);
    const loadMs = loads.get(r.name)?.medianMs ?? NaN;
    const bareLoadMs = loads.get(`bare:${key}`)?.medianMs ?? NaN;
    const ratio = loadMs / bareLoadMs;
    const cpuMs = loads.get(r.name)?.cpuMedianMs ?? NaN;
    const bareCpuMs = loads.get(`bare:${key}`)?.cpuMedianMs ?? NaN;
    return {
      name: r.name,
      clients: key,
      lazyClients: bareKey(r.lazySdkClients),
      bundleKb: kb(r.bytes),
      bareKb,
      librariesKb: kb(r.packages.filter((p) => isBuiltOnLibrary(p.name)).reduce((sum, p) => sum + p.bytes, 0)),
      bundleGoalKb,
      bundlePass: kb(r.bytes) <= bundleGoalKb,
      loadMs,
      bareLoadMs,
      ratio,
      loadPass: ratio <= LOAD_RATIO_GOAL,
      cpuMs,
      bareCpuMs,
      cpuRatio: cpuMs / bareCpuMs,
    };
  });

const verdict = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');

const printColdStart = (rows: readonly ColdStartRow[]): void => {
  heading(
    'Cold start against the bare SDK clients (same run, same esbuild options)',
    `bare = a handler that only imports and builds the @aws-sdk clients the function loads at cold start (found in its bundle's metafile);\n` +
      'clients it loads only on first use (dynamic import()) are listed apart and are in neither column.\n' +
      `Goals: classify bundle ≤ ${CLASSIFY_BUNDLE_GOAL_KB} KB, every other bundle ≤ bare + ${BUNDLE_OVER_BARE_GOAL_KB} KB; ` +
      `module load ≤ ${LOAD_RATIO_GOAL}× the bare bundle's (medians of ${LOAD_SAMPLES} fresh processes each, sampled round-robin). Load average: ${loadAverage()}.\n` +
      'cpu = the CPU time of the same imports (every thread): on a loaded machine, the steadier ratio.\n' +
      `libs = Powertools, middy and zod in the bundle, which the service is built on: over ${BUNDLE_OVER_BARE_GOAL_KB} KB, the bare + ${BUNDLE_OVER_BARE_GOAL_KB} KB goal cannot be met with them.`,
  );
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        r.name,
        {
          'sdk clients': r.clients,
          'on first use': r.lazyClients,
          'bundle KB': r.bundleKb,
          'bare KB': r.bareKb,
          'libs KB': r.librariesKb,
          'goal KB': r.bundleGoalKb,
          size: verdict(r.bundlePass),
          'load ms': round(r.loadMs, 1),
          'bare ms': round(r.bareLoadMs, 1),
          ratio: round(r.ratio, 2),
          load: verdict(r.loadPass),
          'cpu ms': round(r.cpuMs, 1),
          'bare cpu ms': round(r.bareCpuMs, 1),
          'cpu ratio': round(r.cpuRatio, 2),
        },
      ]),
    ),
  );
};

/** The 1-, 5- and 15-minute load averages: timings on a busy machine are noisier, ratios less so. */
const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/** The column heading of the zip size and the note that says where the numbers come from. */
const zipColumn = (reports: readonly BundleReport[], hasMap: boolean): { column: string; note: string } => {
  const estimate = `gzip of each file written${hasMap ? ', maps included' : ''}`;
  const packaged = reports.filter((r) => r.zip.packaged);
  if (packaged.length === 0) {
    return {
      column: 'zip est. KB (gzip)',
      note: `zip est. = ${estimate}: no osls package output in ${shownZipDir}/ (run \`npm run package\`, or set PACKAGED_DIR).`,
    };
  }
  const optionsChanged = statSync(join(repoRoot, 'esbuild.options.json')).mtimeMs;
  const stale = packaged.filter((r) => r.zip.packaged && r.zip.mtimeMs < optionsChanged).map((r) => r.name);
  const missing = reports.filter((r) => !r.zip.packaged).map((r) => r.name);
  const newest = Math.max(...packaged.map((r) => (r.zip.packaged ? r.zip.mtimeMs : 0)));
  return {
    column: `zip KB (${shownZipDir}/)`,
    note:
      `zip KB = size of ${shownZipDir}/<function>.zip from osls package (newest written ${new Date(newest).toISOString()}).` +
      (missing.length > 0 ? `\n  no zip for ${missing.join(', ')}: shown is the estimate, ${estimate}, marked "est.".` : '') +
      (stale.length > 0 ? `\n  WARNING: ${stale.join(', ')} zip is older than esbuild.options.json; run \`npm run package\` again.` : ''),
  };
};

const printBundles = (options: BuildOptions, reports: readonly BundleReport[]): void => {
  const hasMap = writesMapFile(options);
  const zip = zipColumn(reports, hasMap);
  heading(
    'Bundle size per function',
    `esbuild.options.json as serverless-esbuild uses it (sourcemap: ${JSON.stringify(options.sourcemap ?? false)}, ` +
      `minify: ${JSON.stringify(options.minify ?? false)}, keepNames: ${JSON.stringify(options.keepNames ?? false)}, ` +
      `splitting: ${JSON.stringify(options.splitting ?? false)}); the zip holds every file written${hasMap ? ', maps included' : ''}.\n` +
      'loaded = handler.mjs and the chunks it imports statically (the cold start); on first use = chunks only import() loads.\n' +
      zip.note,
  );
  console.table(
    Object.fromEntries(
      reports.map((r) => [
        r.name,
        {
          'loaded KB': kb(r.bytes),
          'loaded gzip KB': kb(r.gzipBytes),
          'on first use KB': kb(r.lazyBytes),
          ...(r.map ? { 'map KB': kb(r.map.bytes), 'map gzip KB': kb(r.map.gzipBytes) } : {}),
          [zip.column]: r.zip.packaged || !reports.some((o) => o.zip.packaged) ? kb(r.zip.bytes) : `${kb(r.zip.bytes)} est.`,
        },
      ]),
    ),
  );
  const names = new Set(reports.flatMap((r) => topPackages(r).map((p) => p.name)));
  console.log(`Top ${TOP_PACKAGES} packages per function by bytes loaded at cold start (KB; esbuild metafile bytesInOutput):`);
  console.table(
    Object.fromEntries(
      [...names, PROJECT].map((name) => [
        name,
        Object.fromEntries(reports.map((r) => [r.name, kb(r.packages.find((p) => p.name === name)?.bytes ?? 0)])),
      ]),
    ),
  );
};

const topPackages = (report: BundleReport) => report.packages.filter((p) => p.name !== PROJECT).slice(0, TOP_PACKAGES);

const printLoadTimes = (
  nodeOptions: string | undefined,
  plain: ReadonlyMap<string, LoadTimes>,
  deployed: ReadonlyMap<string, LoadTimes> | undefined,
): void => {
  heading(
    `Module-load (cold start) time per function, ${LOAD_SAMPLES} fresh processes each`,
    `Relative numbers only: Lambda runs nodejs24.x on arm64; this is Node ${process.versions.node} on ${process.arch}.\n` +
      (nodeOptions === undefined
        ? 'serverless.yml sets no NODE_OPTIONS: the one column is the deployed configuration.'
        : `"as deployed" adds NODE_OPTIONS=${nodeOptions}, which serverless.yml sets under provider.environment.`),
  );
  const row = (t: LoadTimes | undefined) => (t ? `${t.medianMs.toFixed(1)} (${t.minMs.toFixed(1)}–${t.maxMs.toFixed(1)})` : 'n/a');
  console.table(
    Object.fromEntries(
      FUNCTIONS.map((name) => [
        name,
        {
          'import ms, median (min–max)': row(plain.get(name)),
          ...(deployed ? { [`as deployed (${nodeOptions})`]: row(deployed.get(name)) } : {}),
        },
      ]),
    ),
  );
};

const printThroughput = (samples: ReturnType<typeof loadSamples>, results: readonly ThroughputResult[]): void => {
  const findings = samples.events.filter((e) => e.kind === 'findings').length;
  const wrapped = samples.events.filter((e) => e.wrapped).length;
  heading(
    'parse + classify throughput (one op = one event)',
    `${samples.events.length} sample events from events/ (${findings} with findings, ${samples.events.length - findings} without (ignored or no rule fired); ` +
      `${wrapped} bare CloudTrail record(s) wrapped in the EventBridge envelope), cycled; ${TASK_TIME_MS} ms per task.\n` +
      'events/s = 1 / mean latency (tinybench throughput.mean, the mean of per-sample rates, is in BENCH_SUMMARY as tinybenchMeanHz).',
  );
  for (const { file, reason } of samples.skipped) console.log(`  skipped ${file}: ${reason}`);
  console.table(
    Object.fromEntries(
      results.map((r) => [
        r.task,
        {
          'events/s': Math.round(r.hz),
          '± rme %': round(r.rmePercent),
          'p50 µs': round(r.p50Us),
          'p99 µs': round(r.p99Us),
          samples: r.samples,
        },
      ]),
    ),
  );
  const goal = results.find((r) => r.task === THROUGHPUT_GOAL_TASK);
  if (goal) {
    console.log(
      `Goal: "${THROUGHPUT_GOAL_TASK}" ≥ ${THROUGHPUT_GOAL.toLocaleString('en-US')} events/s: ` +
        `${Math.round(goal.hz).toLocaleString('en-US')} · ${verdict(goal.hz >= THROUGHPUT_GOAL)} (load average ${loadAverage()})`,
    );
  }
  // The goal's budget per event, and what reading and validating the event alone take of it.
  const json = results.find((r) => r.task === 'JSON.parse alone');
  const zod = results.find((r) => r.task === 'parse (zod, pre-JSON.parsed)');
  if (json && zod) {
    const floorUs = 1e6 / json.hz + 1e6 / zod.hz;
    console.log(
      `Floor: JSON.parse and the zod validation alone take ${round(floorUs, 2)} µs an event of the goal's ${round(1e6 / THROUGHPUT_GOAL, 2)} µs, ` +
        `leaving ${round(Math.max(0, 1e6 / THROUGHPUT_GOAL - floorUs), 2)} µs for classify`,
    );
  }
};

const printSweepHeading = (settings: SweepSettings): void => {
  heading(
    'Sweep listing (listAccount over a synthetic account)',
    `ListSecrets: ${settings.latencyMs} ms a call (SWEEP_LATENCY_MS), quota ${settings.quota} calls/s enforced by the account (SWEEP_QUOTA) and ` +
      `paced by the engine at ${settings.callsPerSecond}/s; ${settings.concurrency} shards at once (SWEEP_CONCURRENCY); creation order ${settings.creationOrder} (SWEEP_ORDER).\n` +
      `Physical limit: ceil(secrets / 100) calls at ${settings.quota}/s (500,000 → 50 s); goal within 1.5× (75 s).\n` +
      'Memory: growth over a baseline taken after the account was built: heap in use (garbage included), live heap (after a GC, each second), RSS; "retained" after a GC at the end.',
  );
};

const printSweepRow = (r: SweepResult, settings: SweepSettings): void => {
  const limit = Math.ceil(r.secrets / 100) / settings.quota;
  console.table({
    [r.secrets.toLocaleString('en-US')]: {
      s: round(r.wallSeconds, 1),
      '× limit': round(r.wallSeconds / limit, 2),
      'secrets/s': Math.round(r.secretsPerSecond),
      calls: r.listCalls,
      'calls/secret': round(r.callsPerSecret, 4),
      lookups: r.describeCalls,
      throttled: r.throttled,
      shards: r.shards,
      'checkpoint KB': kb(r.maxCheckpointBytes),
      'peak heap MB': round(r.peakHeapGrowthMB, 1),
      'live heap MB': round(r.peakLiveHeapGrowthMB, 1),
      'peak RSS MB': round(r.peakRssGrowthMB, 1),
      'retained MB': round(r.retainedHeapMB, 1),
      'exactly once': r.exactlyOnce,
    },
  });
};

const sweepSummary = (settings: SweepSettings, results: readonly SweepResult[]) => ({
  settings,
  results: Object.fromEntries(
    results.map((r) => [
      r.secrets,
      {
        wallSeconds: round(r.wallSeconds, 2),
        timesPhysicalLimit: round(r.wallSeconds / (Math.ceil(r.secrets / 100) / settings.quota), 2),
        secretsPerSecond: Math.round(r.secretsPerSecond),
        listCalls: r.listCalls,
        callsPerSecret: round(r.callsPerSecret, 4),
        overheadCalls: r.overheadCalls,
        describeCalls: r.describeCalls,
        throttled: r.throttled,
        retried: r.retried,
        shards: r.shards,
        maxCheckpointBytes: r.maxCheckpointBytes,
        peakHeapGrowthMB: round(r.peakHeapGrowthMB, 1),
        peakLiveHeapGrowthMB: round(r.peakLiveHeapGrowthMB, 1),
        peakRssGrowthMB: round(r.peakRssGrowthMB, 1),
        retainedHeapMB: round(r.retainedHeapMB, 1),
        exactlyOnce: r.exactlyOnce,
      },
    ]),
  ),
});

/**
 * mapBytes/mapGzipBytes appear only when the options write a map; zipBytes is the packaged zip when
 * zipPackaged is true, else the gzip estimate. deployedMedian appears only when serverless.yml sets
 * NODE_OPTIONS (deployedNodeOptions, null when it sets none).
 */
const summary = (
  options: BuildOptions,
  bundles: readonly BundleReport[],
  nodeOptions: string | undefined,
  plain: ReadonlyMap<string, LoadTimes>,
  deployed: ReadonlyMap<string, LoadTimes> | undefined,
  throughput: readonly ThroughputResult[],
) => ({
  node: process.versions.node,
  arch: process.arch,
  sourcemap: options.sourcemap ?? false,
  keepNames: options.keepNames ?? false,
  packagedDir: shownZipDir,
  bundles: Object.fromEntries(
    bundles.map((b) => [
      b.name,
      {
        mjsBytes: b.bytes,
        gzipBytes: b.gzipBytes,
        lazyBytes: b.lazyBytes,
        ...(b.map ? { mapBytes: b.map.bytes, mapGzipBytes: b.map.gzipBytes } : {}),
        zipBytes: b.zip.bytes,
        zipPackaged: b.zip.packaged,
        topPackages: topPackages(b).map((p) => ({ name: p.name, bytes: p.bytes })),
        projectBytes: b.packages.find((p) => p.name === PROJECT)?.bytes ?? 0,
      },
    ]),
  ),
  deployedNodeOptions: nodeOptions ?? null,
  loadMs: Object.fromEntries(
    FUNCTIONS.map((name) => {
      const [p, d] = [plain.get(name), deployed?.get(name)];
      return [
        name,
        {
          median: round(p?.medianMs ?? NaN),
          min: round(p?.minMs ?? NaN),
          max: round(p?.maxMs ?? NaN),
          ...(deployed ? { deployedMedian: round(d?.medianMs ?? NaN) } : {}),
        },
      ];
    }),
  ),
  loadSamples: LOAD_SAMPLES,
  throughput: Object.fromEntries(
    throughput.map((t) => [
      t.task,
      {
        hz: Math.round(t.hz),
        rmePercent: round(t.rmePercent),
        p50Us: round(t.p50Us),
        p99Us: round(t.p99Us),
        tinybenchMeanHz: Math.round(t.tinybenchMeanHz),
      },
    ]),
  ),
});

const coldStartSummary = (rows: readonly ColdStartRow[]) => ({
  loadAverage: loadavg().map((l) => round(l)),
  goals: { classifyBundleKb: CLASSIFY_BUNDLE_GOAL_KB, bundleOverBareKb: BUNDLE_OVER_BARE_GOAL_KB, loadRatio: LOAD_RATIO_GOAL },
  functions: Object.fromEntries(
    rows.map(({ name, ...row }) => [
      name,
      {
        ...row,
        loadMs: round(row.loadMs, 1),
        bareLoadMs: round(row.bareLoadMs, 1),
        ratio: round(row.ratio),
        cpuMs: round(row.cpuMs, 1),
        bareCpuMs: round(row.bareCpuMs, 1),
        cpuRatio: round(row.cpuRatio),
      },
    ]),
  ),
});

const READS = 1_000_000;
const READS_GOAL_PER_MILLION = 2000;

const printReads = (r: ReadsResult): void => {
  heading(
    `Reads through the read-calls pattern (${r.reads.toLocaleString('en-US')} synthetic read events)`,
    `Pattern: ${r.patternPrecision}, ${r.patternChars} characters (EventBridge's default limit: 2048). Mix: ${JSON.stringify(r.byKind)}.\n` +
      `Goal: at most ${READS_GOAL_PER_MILLION.toLocaleString('en-US')} classify invocations per million reads, and no finding lost against classifying every read.`,
  );
  console.table({
    'every read to classify': {
      invocations: r.reads,
      'per million': 1_000_000,
      findings: r.findingsEveryRead.length,
      'classify s': round(r.classifyEverySeconds, 1),
    },
    'read-calls pattern': {
      invocations: r.invocations,
      'per million': Math.round(r.invocationsPerMillion),
      findings: r.findingsTight.length,
      'classify s': round(r.classifyTightSeconds, 2),
    },
  });
  console.log(
    `findings by rule: ${JSON.stringify(r.findingsByRule)}; matching alone: ${round(r.matchSeconds, 2)} s (${round((r.matchSeconds * 1e6) / r.reads, 2)} µs a read)`,
  );
  console.log(
    r.lost.length === 0 ? 'no finding lost' : `LOST ${r.lost.length} finding(s): ${r.lost.slice(0, 5).join(', ')}`,
    r.invocationsPerMillion <= READS_GOAL_PER_MILLION ? '· within the goal' : '· OVER the goal',
  );
};

const printStorms = (results: readonly StormResult[]): void => {
  heading(
    'Storm: 1,000 findings of one rule in one window, through the real chain',
    `Sample policy (email, Chatbot and Slack on), digestAfter ${results[0]?.digestAfter ?? '?'} (the default): that many alerts go out one by one, then one digest.\n` +
      `Goal: at most ${STORM_GOAL_MESSAGES} messages on each channel, the first alerts included, and no finding missing from the email.`,
  );
  console.table(
    Object.fromEntries(
      results.map((r) => [
        r.shape,
        {
          findings: r.findings,
          sns: r.messages.sns,
          chatbot: r.messages.chatbot,
          slack: r.messages.slack,
          'digest parts': r.digestParts,
          lost: r.lost,
          s: round(r.seconds, 1),
          goal: r.pass ? 'PASS' : 'FAIL',
        },
      ]),
    ),
  );
  console.log(
    results.every((r) => r.pass)
      ? 'storm: PASS'
      : `storm: FAIL (${results
          .filter((r) => !r.pass)
          .map((r) => r.shape)
          .join('; ')})`,
  );
};

const SECTIONS = ['bundles', 'throughput', 'sweep', 'reads', 'storm', 'organisation'] as const;
type Section = (typeof SECTIONS)[number];

/** The sections named on the command line (`npm run bench -- sweep`), or all of them. */
const requestedSections = (args: readonly string[]): ReadonlySet<Section> => {
  const unknown = args.filter((arg) => !(SECTIONS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  return new Set(args.length > 0 ? (args as Section[]) : SECTIONS);
};

const main = async (): Promise<void> => {
  const started = performance.now();
  const sections = requestedSections(process.argv.slice(2));
  let parts: Record<string, unknown> = {};
  if (sections.has('bundles') || sections.has('throughput')) {
    mkdirSync(join(repoRoot, '.bench'), { recursive: true });
    const outDir = mkdtempSync(join(repoRoot, '.bench', 'bundles-'));
    try {
      const options = loadEsbuildOptions(repoRoot);
      const bundles = sections.has('bundles') ? await bundleAll(options, outDir) : [];
      if (sections.has('bundles')) printBundles(options, bundles);

      const nodeOptions = deployedNodeOptions(repoRoot);
      const bares = sections.has('bundles') ? await bundleBares(options, bundles, outDir) : new Map<string, BareBundle>();
      const paths = new Map(bundles.map((b) => [b.name, b.file]));
      // The bare twins are sampled in the same round-robin as the functions, so both see the same machine.
      const withBares = new Map([...paths, ...[...bares].map(([key, bare]) => [`bare:${key}`, bare.file] as const)]);
      const plain = sections.has('bundles') ? measureLoadTimes(withBares, LOAD_SAMPLES) : new Map<string, LoadTimes>();
      const deployed = sections.has('bundles') && nodeOptions ? measureLoadTimes(paths, LOAD_SAMPLES, nodeOptions) : undefined;
      const coldStart = coldStartRows(bundles, bares, plain);
      if (sections.has('bundles')) {
        printLoadTimes(nodeOptions, plain, deployed);
        printColdStart(coldStart);
      }

      let throughput: ThroughputResult[] = [];
      if (sections.has('throughput')) {
        const samples = loadSamples(join(repoRoot, 'events'));
        throughput = measureThroughput(samples.events, TASK_TIME_MS, WARMUP_TIME_MS);
        printThroughput(samples, throughput);
      }
      const full = { ...summary(options, bundles, nodeOptions, plain, deployed, throughput), coldStart: coldStartSummary(coldStart) };
      parts = sections.has('bundles') ? full : { node: full.node, arch: full.arch, throughput: full.throughput };
      if (!sections.has('throughput')) delete parts.throughput;
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }

  if (sections.has('sweep')) {
    const settings = sweepSettings();
    printSweepHeading(settings);
    const results = await measureSweep(settings, (result) => printSweepRow(result, settings));
    // The whole sweep (listing, checks, closer looks, findings) at the largest size.
    const largest = Math.max(...settings.sizes);
    console.log(
      `\n== The whole sweep (runSweep: listing + checks + closer looks at 50 ms, paced 50/s) at ${largest.toLocaleString('en-US')} secrets ==`,
    );
    const full = await measureFullSweep(largest, settings);
    console.table({
      [largest.toLocaleString('en-US')]: {
        s: round(full.wallSeconds, 1),
        '× limit': round(full.wallSeconds / (Math.ceil(largest / 100) / settings.quota), 2),
        'secrets/s': Math.round(full.secretsPerSecond),
        findings: full.findings,
        'closer looks': full.closerLooks,
        'calls/secret': round(full.callsPerSecret, 4),
        'peak heap MB': round(full.peakHeapGrowthMB, 1),
        'live heap MB': round(full.peakLiveHeapGrowthMB, 1),
        'peak RSS MB': round(full.peakRssGrowthMB, 1),
      },
    });
    console.log(`findings by check: ${JSON.stringify(full.byRule)}`);
    parts = {
      node: process.versions.node,
      arch: process.arch,
      ...parts,
      sweep: { ...sweepSummary(settings, results), fullSweep: { ...full, wallSeconds: round(full.wallSeconds, 2) } },
    };
  }

  if (sections.has('reads')) {
    const reads = measureReads(READS);
    printReads(reads);
    const { findingsEveryRead, findingsTight, lost, ...numbers } = reads;
    parts = {
      ...parts,
      reads: { ...numbers, findingsEveryRead: findingsEveryRead.length, findingsTight: findingsTight.length, lost: lost.length },
    };
  }

  if (sections.has('storm')) {
    const storms = await measureStorms();
    printStorms(storms);
    parts = { ...parts, storm: storms.map(({ seconds, ...r }) => ({ ...r, seconds: round(seconds, 2) })) };
  }

  if (sections.has('organisation')) {
    console.log('\n== Organisation sweep: 1,000 accounts x 4 regions (engine measured per size, shards scheduled on a simulated clock) ==');
    const results = await measureOrganisation();
    console.table(
      Object.fromEntries(
        results.map((r) => [
          `concurrency ${r.concurrency}, ${r.run === 'first' ? 'first run' : 'later runs'}`,
          {
            shards: r.shards,
            secrets: r.secrets,
            'census s': round(r.censusSeconds, 1),
            'wall s': round(r.wallSeconds, 1),
            'largest alone s': round(r.largestAloneSeconds, 1),
            '× largest': round(r.ratioToLargest, 2),
            goal: r.ratioToLargest <= 1.2 ? 'met (≤ 1.2×)' : 'NOT met (> 1.2×)',
            'ListSecrets calls': r.listCalls,
            'calls/secret': round(r.callsPerSecret, 4),
            'GB-s': round(r.gbSeconds, 0),
          },
        ]),
      ),
    );
    const first = results[0];
    if (first) {
      console.log(
        `coordinator: ${round(first.coordinatorSeconds, 2)} s on the first run (its census ${round(first.censusSeconds, 1)} s of it, measured; the first shard published after ${round(first.firstPublishedSeconds, 2)} s), ${round(results[1]?.coordinatorSeconds ?? 0, 2)} s on later runs, for ${first.shards} shards in ${first.putEventsCalls} PutEvents calls; peak heap growth per shard by size (MB): ${JSON.stringify(first.peakHeapMBBySize)}, live after GC: ${JSON.stringify(first.peakLiveHeapMBBySize)}; ${first.memoryMb} MB functions`,
      );
      console.log(
        `calls per secret ${round(first.callsPerSecret, 4)} (goal ≤ 0.011): ${first.callsPerSecret <= 0.011 ? 'met' : 'NOT met'}`,
      );
    }
    parts = {
      ...parts,
      organisation: results.map((r) => ({ ...r, wallSeconds: round(r.wallSeconds, 1), gbSeconds: round(r.gbSeconds, 0) })),
    };
  }

  console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`BENCH_SUMMARY ${JSON.stringify(parts)}`);
};

main().catch((error: unknown) => {
  console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
