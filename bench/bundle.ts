/**
 * Bundles one Lambda handler exactly as `osls package` does: the options are read from
 * esbuild.options.json (serverless.yml loads the same file as `custom.esbuild`), minus the keys
 * only serverless-esbuild understands. Only the entry point, the output file, the working folder
 * and `metafile` (which does not change the output) are added; `sourcemap` is used as the file
 * sets it, and a map is measured only when that setting writes one.
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
  readonly bytes: number;
  readonly gzipBytes: number;
  /** handler.mjs.map, when the `sourcemap` option writes a separate map file; else undefined. */
  readonly map: { readonly bytes: number; readonly gzipBytes: number } | undefined;
  /**
   * The deployment package: the real `<function>.zip` from `osls package` when it exists,
   * else an estimate (gzip of handler.mjs, plus gzip of its map when there is one).
   */
  readonly zip: PackagedZip | { readonly bytes: number; readonly packaged: false };
  /** Bytes each npm package contributes to handler.mjs, largest first; `(project)` is our code. */
  readonly packages: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  /** The AWS SDK client packages (`@aws-sdk/client-*`) the bundle holds, sorted: what its bare twin imports. */
  readonly sdkClients: readonly string[];
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

export const bundleFunction = async (
  repoRoot: string,
  options: BuildOptions,
  name: string,
  outDir: string,
  zipDir: string,
): Promise<BundleReport> => {
  const file = join(outDir, name, 'handler.mjs');
  const result = await build({
    ...options,
    absWorkingDir: repoRoot,
    entryPoints: [join(repoRoot, 'functions', name, 'handler.ts')],
    outfile: file,
    metafile: true,
  });
  const code = readFileSync(file);
  const gzipBytes = gzipSync(code).length;
  let map: BundleReport['map'];
  if (writesMapFile(options)) {
    const mapText = readFileSync(`${file}.map`);
    map = { bytes: mapText.length, gzipBytes: gzipSync(mapText).length };
  }
  const packages = bytesByPackage(result.metafile, relative(repoRoot, file));
  return {
    name,
    file,
    bytes: code.length,
    gzipBytes,
    map,
    zip: packagedZip(zipDir, name) ?? { bytes: gzipBytes + (map?.gzipBytes ?? 0), packaged: false },
    packages,
    sdkClients: packages
      .map((p) => p.name)
      .filter((p) => p.startsWith('@aws-sdk/client-'))
      .sort(),
  };
};

/** A bare bundle: only the SDK clients a function holds, imported and constructed, with the functions' esbuild options. */
export interface BareBundle {
  readonly clients: readonly string[];
  readonly file: string;
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
  const file = join(dir, 'handler.mjs');
  await build({ ...options, absWorkingDir: repoRoot, entryPoints: [entry], outfile: file, metafile: false });
  return { clients, file, bytes: statSync(file).size };
};

const bytesByPackage = (metafile: Metafile, outputKey: string): BundleReport['packages'] => {
  const output = metafile.outputs[outputKey.split('\\').join('/')];
  if (!output) throw new Error(`esbuild metafile has no output ${outputKey}`);
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
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
