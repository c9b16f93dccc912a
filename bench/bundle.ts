/**
 * Bundles one Lambda handler exactly as `osls package` does: the options are read from
 * esbuild.options.json (serverless.yml loads the same file as `custom.esbuild`), minus the keys
 * only serverless-esbuild understands. Only the entry point, the output folder and extension
 * (serverless-esbuild's `outdir` and `outExtension`), the working folder and `metafile` (which
 * does not change the output) are added; `sourcemap` is used as the file sets it, and a map is
 * measured only when that setting writes one.
 *
 * With `splitting` on, a bundle is handler.mjs plus chunks: the ones handler.mjs imports
 * statically load with it at cold start and are counted as the bundle; the ones only an
 * `import()` reaches load when the code first needs them, and are counted apart (`lazyBytes`),
 * with the SDK clients only they hold. Without splitting, everything is handler.mjs.
 *
 * The deployment zip is measured for real when `osls package` has left `<function>.zip` in
 * .serverless/ (or in the folder PACKAGED_DIR names); otherwise it is estimated from gzip.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';

/** Keys of esbuild.options.json that serverless-esbuild consumes and esbuild would reject. */
interface ServerlessEsbuildOnly {
  exclude?: unknown;
  packager?: unknown;
  outputFileExtension?: string;
}

export interface BundleReport {
  readonly name: string;
  /** Absolute path of the bundled handler.mjs. */
  readonly file: string;
  /** What a cold start loads: handler.mjs and the chunks it imports statically. */
  readonly bytes: number;
  /** The same files, each gzipped. */
  readonly gzipBytes: number;
  /** The chunks only `import()` loads, on first use (0 without splitting): packaged, not loaded at cold start. */
  readonly lazyBytes: number;
  /** The maps, when the `sourcemap` option writes separate map files; else undefined. */
  readonly map: { readonly bytes: number; readonly gzipBytes: number } | undefined;
  /**
   * The deployment package: the real `<function>.zip` from `osls package` when it exists,
   * else an estimate (gzip of every file the bundle wrote, maps included).
   */
  readonly zip: PackagedZip | { readonly bytes: number; readonly packaged: false };
  /** Bytes each npm package contributes to what a cold start loads, largest first; `(project)` is our code. */
  readonly packages: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** The AWS SDK client packages (`@aws-sdk/client-*`) a cold start loads, sorted: what its bare twin imports. */
  readonly sdkClients: readonly string[];
  /** The SDK client packages only the lazily loaded chunks hold, sorted. */
  readonly lazySdkClients: readonly string[];
}

export interface PackagedZip {
  readonly bytes: number;
  readonly packaged: true;
  readonly path: string;
  /** Last modification of the zip: one older than esbuild.options.json is from other options. */
  readonly mtimeMs: number;
}

export const PROJECT = '(project)';

const serverlessEsbuildOnly: ReadonlySet<string> = new Set<keyof ServerlessEsbuildOnly>(['exclude', 'packager', 'outputFileExtension']);

export const loadEsbuildOptions = (repoRoot: string): BuildOptions => {
  const raw = JSON.parse(readFileSync(join(repoRoot, 'esbuild.options.json'), 'utf8')) as BuildOptions & ServerlessEsbuildOnly;
  if (raw.outputFileExtension !== undefined && raw.outputFileExtension !== '.mjs') {
    throw new Error(`esbuild.options.json: outputFileExtension is ${raw.outputFileExtension}; the benchmark writes handler.mjs`);
  }
  const options: BuildOptions = Object.fromEntries(Object.entries(raw).filter(([key]) => !serverlessEsbuildOnly.has(key)));
  return options;
};

/** Whether esbuild writes `<outfile>.map` with this `sourcemap` setting ('inline' embeds it instead). */
export const writesMapFile = (options: BuildOptions): boolean =>
  options.sourcemap === true || options.sourcemap === 'linked' || options.sourcemap === 'external' || options.sourcemap === 'both';

/** Where `osls package` leaves the zips: env PACKAGED_DIR (relative to the repository) or .serverless/. */
export const packagedDir = (repoRoot: string): string => resolve(repoRoot, process.env.PACKAGED_DIR || '.serverless');

const packagedZip = (dir: string, name: string): PackagedZip | undefined => {
  const path = join(dir, `${name}.zip`);
  if (!existsSync(path)) return undefined;
  const stats = statSync(path);
  return { bytes: stats.size, packaged: true, path, mtimeMs: stats.mtimeMs };
};

/** The files one build wrote, as a cold start meets them. */
interface BuiltEntry {
  /** Absolute path of handler.mjs. */
  readonly file: string;
  /** Absolute paths of handler.mjs and the chunks it imports statically. */
  readonly loaded: readonly string[];
  /** Absolute paths of the chunks only `import()` reaches. */
  readonly lazy: readonly string[];
  /** Absolute paths of every file written, maps included: what the package holds. */
  readonly written: readonly string[];
  readonly metafile: Metafile;
}

/** Builds `entry` into `dir` as handler.mjs (and its chunks, with splitting), as serverless-esbuild does. */
const buildEntry = async (repoRoot: string, options: BuildOptions, entry: string, dir: string): Promise<BuiltEntry> => {
  const result = await build({
    ...options,
    absWorkingDir: repoRoot,
    entryPoints: { handler: entry },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
  });
  const outputs = result.metafile.outputs;
  const file = join(dir, 'handler.mjs');
  const key = relative(repoRoot, file).split('\\').join('/');
  if (!outputs[key]) throw new Error(`esbuild metafile has no output ${key}`);
  // handler.mjs and, transitively, every chunk imported by an import statement: what `import(handler.mjs)` evaluates.
  const loaded = reachableFrom(outputs, key, (kind) => kind === 'import-statement');
  // What an import() in live code may load later. esbuild also writes a chunk for an import() in
  // code tree shaking dropped; nothing loads it, so it is in the package only.
  const reachable = reachableFrom(outputs, key, (kind) => kind === 'import-statement' || kind === 'dynamic-import');
  const absolute = (paths: Iterable<string>) => [...paths].map((path) => resolve(repoRoot, path));
  return {
    file,
    loaded: absolute(loaded),
    lazy: absolute([...reachable].filter((path) => !loaded.has(path))),
    written: absolute(Object.keys(outputs)),
    metafile: result.metafile,
  };
};

/** `start` and the outputs it imports, transitively, through imports of the kinds `follows` accepts. */
const reachableFrom = (outputs: Metafile['outputs'], start: string, follows: (kind: string) => boolean): Set<string> => {
  const reached = new Set([start]);
  for (const current of reached) {
    for (const { path, kind, external } of outputs[current]?.imports ?? []) {
      if (follows(kind) && !external && outputs[path]) reached.add(path);
    }
  }
  return reached;
};

const sizeOf = (files: readonly string[]): number => files.reduce((sum, file) => sum + statSync(file).size, 0);
const gzipSizeOf = (files: readonly string[]): number => files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);

export const bundleFunction = async (
  repoRoot: string,
  options: BuildOptions,
  name: string,
  outDir: string,
  zipDir: string,
): Promise<BundleReport> => {
  const built = await buildEntry(repoRoot, options, join(repoRoot, 'functions', name, 'handler.ts'), join(outDir, name));
  const gzipBytes = gzipSizeOf(built.loaded);
  let map: BundleReport['map'];
  if (writesMapFile(options)) {
    const maps = built.written.filter((file) => file.endsWith('.map'));
    map = { bytes: sizeOf(maps), gzipBytes: gzipSizeOf(maps) };
  }
  const packages = bytesByPackage(repoRoot, built.metafile, built.loaded);
  const loadedClients = sdkClientsOf(packages);
  return {
    name,
    file: built.file,
    bytes: sizeOf(built.loaded),
    gzipBytes,
    lazyBytes: sizeOf(built.lazy),
    map,
    zip: packagedZip(zipDir, name) ?? { bytes: gzipSizeOf(built.written), packaged: false },
    packages,
    sdkClients: loadedClients,
    lazySdkClients: sdkClientsOf(bytesByPackage(repoRoot, built.metafile, built.lazy)).filter((c) => !loadedClients.includes(c)),
  };
};

/** The `@aws-sdk/client-*` packages among `packages`, sorted. */
const sdkClientsOf = (packages: BundleReport['packages']): string[] =>
  packages
    .map((p) => p.name)
    .filter((p) => p.startsWith('@aws-sdk/client-'))
    .sort();

/** A bare bundle: only the SDK clients a function loads at cold start, imported and constructed, with the functions' esbuild options. */
export interface BareBundle {
  readonly clients: readonly string[];
  /** Absolute path of its handler.mjs. */
  readonly file: string;
  /** What a cold start loads (handler.mjs and its static chunks), as for a function. */
  readonly bytes: number;
}

/**
 * The client class a `@aws-sdk/client-*` package exports (`@aws-sdk/client-dynamodb` → `DynamoDBClient`),
 * found by importing the package here rather than spelt out, so a new client needs no table.
 */
const clientClassOf = async (pkg: string): Promise<string> => {
  const names = Object.keys((await import(pkg)) as Record<string, unknown>).filter((key) => /^[A-Z][A-Za-z0-9]*Client$/.test(key));
  if (names.length !== 1 || !names[0]) throw new Error(`${pkg}: expected one exported *Client class, found ${names.join(', ') || 'none'}`);
  return names[0];
};

/**
 * The yardstick of a function's cold start: a tiny handler that imports exactly its SDK clients and
 * builds one of each (what our handlers do at module load), bundled with the same options. What a
 * function weighs and costs beyond this is ours: schemas, policy, middleware, rules.
 */
export const bundleBare = async (
  repoRoot: string,
  options: BuildOptions,
  clients: readonly string[],
  outDir: string,
): Promise<BareBundle> => {
  const dir = join(outDir, `bare-${clients.map((c) => c.replace('@aws-sdk/client-', '')).join('+') || 'none'}`);
  mkdirSync(dir, { recursive: true });
  const classes = await Promise.all(clients.map(clientClassOf));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    [
      ...clients.map((pkg, i) => `import { ${classes[i]} } from '${pkg}';`),
      `const clients = [${classes.map((c) => `new ${c}({})`).join(', ')}];`,
      'export const handler = async () => clients.length;',
      '',
    ].join('\n'),
  );
  const built = await buildEntry(repoRoot, options, entry, join(dir, 'out'));
  return { clients, file: built.file, bytes: sizeOf(built.loaded) };
};

/** Bytes each package contributes to `files` (absolute paths of outputs in `metafile`), largest first. */
const bytesByPackage = (repoRoot: string, metafile: Metafile, files: readonly string[]): BundleReport['packages'] => {
  const totals = new Map<string, number>();
  for (const file of files) {
    const output = metafile.outputs[relative(repoRoot, file).split('\\').join('/')];
    if (!output) throw new Error(`esbuild metafile has no output ${file}`);
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
};

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; the innermost node_modules wins. */
export const packageOf = (path: string): string => {
  const marker = 'node_modules/';
  const at = path.lastIndexOf(marker);
  if (at < 0) return PROJECT;
  const [first = '', second = ''] = path.slice(at + marker.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
};
