/**
 * `npm run bench`: the numbers that decide how this service feels in Lambda, measured the way
 * they are deployed. Speed goals live here, never in timed tests (which flake on shared CI).
 *
 * 1. Bundle size per function: each handler bundled with esbuild.options.json, the options
 *    serverless.yml gives serverless-esbuild. Size drives the download and parse part of a cold
 *    start and the deployment package; the top packages name the culprit of a regression.
 * 2. Module-load time per function: `await import(bundle)` in a fresh `node` per sample; what
 *    a cold start spends in our code before the first event is handled.
 * 3. parse + classify throughput: the classify function's pure core over the sample events,
 *    with tinybench; what one warm instance can keep up with.
 *
 * Ends with one `BENCH_SUMMARY {json}` line holding every number, for notes and comparisons.
 * Bundles go to a temporary folder under .bench/ (gitignored), removed at the end.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundleReport, bundleFunction, loadEsbuildOptions, PROJECT } from './bundle.js';
import { type LoadTimes, measureLoadTimes } from './cold-start.js';
import { heading, kb, round } from './format.js';
import { loadSamples, measureThroughput, type ThroughputResult } from './throughput.js';

const FUNCTIONS = ['classify', 'clear-stale-pending', 'alert'] as const;
const LOAD_SAMPLES = 7;
const TOP_PACKAGES = 5;
const TASK_TIME_MS = 2000;
const WARMUP_TIME_MS = 300;
/** serverless.yml sets this NODE_OPTIONS for every function. */
const DEPLOYED_NODE_OPTIONS = '--enable-source-maps';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const bundleAll = async (outDir: string): Promise<BundleReport[]> => {
  const options = loadEsbuildOptions(repoRoot);
  const reports: BundleReport[] = [];
  for (const name of FUNCTIONS) {
    try {
      reports.push(await bundleFunction(repoRoot, options, name, outDir));
    } catch (error) {
      // esbuild has already printed its errors (file:line) above this line.
      throw new Error(`bundling functions/${name}/handler.ts failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return reports;
};

const printBundles = (reports: readonly BundleReport[]): void => {
  heading('Bundle size per function', 'esbuild.options.json as serverless-esbuild uses it; the zip holds handler.mjs and its map.');
  console.table(
    Object.fromEntries(
      reports.map((r) => [
        r.name,
        {
          'mjs KB': kb(r.bytes),
          'mjs gzip KB': kb(r.gzipBytes),
          'map KB': kb(r.mapBytes),
          'map gzip KB': kb(r.mapGzipBytes),
          'zip est. KB': kb(r.gzipBytes + r.mapGzipBytes),
        },
      ]),
    ),
  );
  const names = new Set(reports.flatMap((r) => topPackages(r).map((p) => p.name)));
  console.log(`Top ${TOP_PACKAGES} packages per function by bytes in handler.mjs (KB; esbuild metafile bytesInOutput):`);
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

const printLoadTimes = (plain: ReadonlyMap<string, LoadTimes>, deployed: ReadonlyMap<string, LoadTimes>): void => {
  heading(
    `Module-load (cold start) time per function, ${LOAD_SAMPLES} fresh processes each`,
    `Relative numbers only: Lambda runs nodejs24.x on arm64; this is Node ${process.versions.node} on ${process.arch}.\n` +
      `"as deployed" adds NODE_OPTIONS=${DEPLOYED_NODE_OPTIONS}, which serverless.yml sets.`,
  );
  const row = (t: LoadTimes | undefined) => (t ? `${t.medianMs.toFixed(1)} (${t.minMs.toFixed(1)}–${t.maxMs.toFixed(1)})` : 'n/a');
  console.table(
    Object.fromEntries(
      FUNCTIONS.map((name) => [
        name,
        { 'import ms, median (min–max)': row(plain.get(name)), [`as deployed (${DEPLOYED_NODE_OPTIONS})`]: row(deployed.get(name)) },
      ]),
    ),
  );
};

const printThroughput = (samples: ReturnType<typeof loadSamples>, results: readonly ThroughputResult[]): void => {
  const findings = samples.events.filter((e) => e.kind === 'findings').length;
  heading(
    'parse + classify throughput (one op = one event)',
    `${samples.events.length} sample events from events/ (${findings} with findings, ${samples.events.length - findings} ignored; ` +
      `${samples.events.filter((e) => e.wrapped).length} bare CloudTrail records wrapped), cycled; ${TASK_TIME_MS} ms per task.`,
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
};

const summary = (
  bundles: readonly BundleReport[],
  plain: ReadonlyMap<string, LoadTimes>,
  deployed: ReadonlyMap<string, LoadTimes>,
  throughput: readonly ThroughputResult[],
) => ({
  node: process.versions.node,
  arch: process.arch,
  bundles: Object.fromEntries(
    bundles.map((b) => [
      b.name,
      {
        mjsBytes: b.bytes,
        gzipBytes: b.gzipBytes,
        mapBytes: b.mapBytes,
        mapGzipBytes: b.mapGzipBytes,
        topPackages: topPackages(b).map((p) => ({ name: p.name, bytes: p.bytes })),
        projectBytes: b.packages.find((p) => p.name === PROJECT)?.bytes ?? 0,
      },
    ]),
  ),
  loadMs: Object.fromEntries(
    FUNCTIONS.map((name) => {
      const [p, d] = [plain.get(name), deployed.get(name)];
      return [name, { median: round(p?.medianMs ?? NaN), min: round(p?.minMs ?? NaN), max: round(p?.maxMs ?? NaN), deployedMedian: round(d?.medianMs ?? NaN) }];
    }),
  ),
  loadSamples: LOAD_SAMPLES,
  throughput: Object.fromEntries(
    throughput.map((t) => [t.task, { hz: Math.round(t.hz), rmePercent: round(t.rmePercent), p50Us: round(t.p50Us), p99Us: round(t.p99Us), tinybenchMeanHz: Math.round(t.tinybenchMeanHz) }]),
  ),
});

const main = async (): Promise<void> => {
  const started = performance.now();
  mkdirSync(join(repoRoot, '.bench'), { recursive: true });
  const outDir = mkdtempSync(join(repoRoot, '.bench', 'bundles-'));
  try {
    const bundles = await bundleAll(outDir);
    printBundles(bundles);

    const paths = new Map(bundles.map((b) => [b.name, b.file]));
    const plain = measureLoadTimes(paths, LOAD_SAMPLES);
    const deployed = measureLoadTimes(paths, LOAD_SAMPLES, DEPLOYED_NODE_OPTIONS);
    printLoadTimes(plain, deployed);

    const samples = loadSamples(join(repoRoot, 'events'));
    const throughput = measureThroughput(samples.events, TASK_TIME_MS, WARMUP_TIME_MS);
    printThroughput(samples, throughput);

    console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`BENCH_SUMMARY ${JSON.stringify(summary(bundles, plain, deployed, throughput))}`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
