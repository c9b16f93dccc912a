/**
 * Bundles one Lambda handler exactly as `osls package` does: the options are read from
 * esbuild.options.json (serverless.yml loads the same file as `custom.esbuild`), minus the keys
 * only serverless-esbuild understands. Only the entry point, the output file, the working folder
 * and `metafile` (which does not change the output) are added.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  readonly mapBytes: number;
  readonly mapGzipBytes: number;
  /** Bytes each npm package contributes to handler.mjs, largest first; `(project)` is our code. */
  readonly packages: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
}

export const PROJECT = '(project)';

const serverlessEsbuildOnly: ReadonlySet<string> = new Set<keyof ServerlessEsbuildOnly>(['exclude', 'packager', 'outputFileExtension']);

export const loadEsbuildOptions = (repoRoot: string): BuildOptions => {
  const raw = JSON.parse(readFileSync(join(repoRoot, 'esbuild.options.json'), 'utf8')) as BuildOptions & ServerlessEsbuildOnly;
  if (raw.outputFileExtension !== undefined && raw.outputFileExtension !== '.mjs') {
    throw new Error(`esbuild.options.json: outputFileExtension is ${raw.outputFileExtension}; the benchmark writes handler.mjs`);
  }
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !serverlessEsbuildOnly.has(key))) as BuildOptions;
};

export const bundleFunction = async (
  repoRoot: string,
  options: BuildOptions,
  name: string,
  outDir: string,
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
  const map = readFileSync(`${file}.map`);
  return {
    name,
    file,
    bytes: statSync(file).size,
    gzipBytes: gzipSync(code).length,
    mapBytes: map.length,
    mapGzipBytes: gzipSync(map).length,
    packages: bytesByPackage(result.metafile, relative(repoRoot, file)),
  };
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
