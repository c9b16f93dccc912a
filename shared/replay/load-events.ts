/**
 * Event files for the replay: files or folders (searched recursively for `*.json` and
 * `*.json.gz`), read in a stable order, each on its own: a file that cannot be read, unzipped
 * or understood is reported as rejected and the others still run. What each file may hold is
 * in `event-formats.ts`: EventBridge events, bare CloudTrail records, CloudTrail log files as a
 * trail delivers them to S3 (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz`) and
 * `aws cloudtrail lookup-events` output.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';
import { decodeEvents, type EventSource, parseJsonText } from './event-formats.js';

export { wrapCloudTrailRecord } from './event-formats.js';

export interface LoadedEvent {
  /** The path as the user should read it (relative to the working directory). */
  readonly file: string;
  /** The event (or array of events) to route, or the reason it cannot be routed. */
  readonly event:
    | { readonly ok: true; readonly value: unknown; readonly wrapped: boolean }
    | { readonly ok: false; readonly problem: string };
  /** For a CloudTrail log file or lookup-events output: how many records, how many from Secrets Manager. */
  readonly source?: EventSource;
}

/**
 * Uncompressed size above which a `.json.gz` is refused: a trail's log files are a few MB; a
 * gzip bomb would otherwise fill the memory of the process.
 */
export const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

const isEventFileName = (name: string): boolean => name.endsWith('.json') || name.endsWith('.json.gz');

/**
 * Digest files (`AWSLogs/<account>/CloudTrail-Digest/...`) prove the log files untouched; they
 * hold no events, so a folder search passes them by.
 */
const isDigest = (name: string): boolean => name.split(sep).includes('CloudTrail-Digest') || name.includes('_CloudTrail-Digest_');

/**
 * The files to replay. A missing path, or a folder holding no event file, is a usage error: the
 * user named the wrong place, and "0 events replayed" would hide it.
 */
export const findEventFiles = (paths: readonly string[]): string[] =>
  paths.flatMap((path) => {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) throw new UsageError(`${path}: no such file or folder; name event files or folders of them`);
    if (stats.isFile()) return [path];
    const files = readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((name) => isEventFileName(name) && !isDigest(name))
      .sort()
      .map((name) => join(path, name))
      .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() ?? false);
    if (files.length === 0) {
      throw new UsageError(
        `${path}: no event files in this folder (looked for *.json and *.json.gz, CloudTrail digest files aside); name a file or another folder`,
      );
    }
    return files;
  });

const GZIP_MAGIC = [0x1f, 0x8b];

/** The file's text: gunzipped when it starts with gzip's magic bytes, whatever its name says. */
const readText = (file: string): { ok: true; text: string } | { ok: false; problem: string } => {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { ok: false, problem: `file: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const gzipped = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  if (!gzipped) {
    return file.endsWith('.gz')
      ? { ok: false, problem: 'file: named .gz but not gzip-compressed' }
      : { ok: true, text: bytes.toString('utf8') };
  }
  try {
    return { ok: true, text: gunzipSync(bytes, { maxOutputLength: MAX_UNZIPPED_BYTES }).toString('utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ERR_BUFFER_TOO_LARGE'
      ? {
          ok: false,
          problem: `file: more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MiB once unzipped; no CloudTrail log file is that large`,
        }
      : { ok: false, problem: `file: damaged gzip data (${code ?? 'cannot be unzipped'})` };
  }
};

/** Reads one file; never throws: what goes wrong is the file's rejection. */
export const loadEvent = (file: string): LoadedEvent => {
  const display = relative(process.cwd(), file) || file;
  const read = readText(file);
  if (!read.ok) return { file: display, event: read };
  const parsed = parseJsonText(read.text, 'event');
  if (!parsed.ok) return { file: display, event: parsed };
  const decoded = decodeEvents(parsed.value);
  if (!decoded.ok) return { file: display, event: decoded };
  return {
    file: display,
    event: { ok: true, value: decoded.value, wrapped: decoded.wrapped },
    ...(decoded.source ? { source: decoded.source } : {}),
  };
};
