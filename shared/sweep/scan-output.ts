/**
 * What `scan` writes: a table for people, and files for machines — JSON (every finding and the
 * counts), SARIF 2.1.0 (for code-scanning dashboards) and ASFF (a JSON array of the documents the
 * alert function imports into Security Hub, for `aws securityhub batch-import-findings` or review). Files are written as findings arrive,
 * so a scan of 500,000 secrets never holds its findings in memory.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createWriteStream,
  existsSync,
  lstatSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { UsageError } from '../errors.js';
import type { Finding, Severity } from '../contracts/finding.js';
import { type Rule, rules } from '../domain/catalogue.js';
import { toAsff } from '../securityhub/asff.js';
import { countRows, unjudgedLine } from './sweep-summary.js';
import { SEVERITIES } from '../contracts/severity.js';
import type { SweepCounts } from './summary.js';

export const TOOL_NAME = 'secrets-remediator';

export interface ScanHeader {
  readonly runId: string;
  readonly source: string;
  readonly startedAt: string;
  /**
   * SARIF's category when the scan read several accounts and regions (each result names its own
   * account and region in its location); absent: the first finding's account and region.
   */
  readonly category?: string;
}

export interface ScanFooter {
  readonly finishedAt: string;
  readonly complete: boolean;
  readonly counts: SweepCounts;
  readonly listCalls: number;
}

/**
 * A file that findings stream into. A regular file is written under a temporary name and renamed
 * on `close`, so a scan that fails half-way leaves no truncated file for a CI step to upload
 * (`abort`); standard output, devices and FIFOs are written as the findings come.
 */
export interface FindingsWriter {
  readonly file: string;
  /** True when the findings go to standard output: the table for people must go elsewhere. */
  readonly toStdout: boolean;
  write(findings: readonly Finding[]): Promise<void>;
  close(footer: ScanFooter): Promise<void>;
  abort(): void;
}

export type OutputFormat = 'json' | 'sarif' | 'asff';

/** The names `--output` accepts, by how they end. */
export const OUTPUT_EXTENSIONS = ['.json', '.sarif', '.sarif.json', '.asff.json'] as const;

/** `--output -` and `--output /dev/stdout`: the findings on standard output. */
export const isStdout = (file: string): boolean => file === '-' || file === '/dev/stdout';

/**
 * Where an `--output` name leads. `replace`: a regular file or a new path, written beside the
 * target and renamed over it when complete (through a symbolic link, at the file it points to,
 * so the link stays). `direct`: anything else that exists — a character device, a FIFO, a
 * `/dev/fd/N` of a process substitution — written in place: renaming over it would replace the
 * device with a plain file (as root, `/dev/null` or `/dev/stdout` itself).
 */
export type OutputTarget = { readonly kind: 'stdout' } | { readonly kind: 'replace' | 'direct'; readonly path: string };

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** Looks at the file system (never writes): throws UsageError for a folder or a path that cannot be created. */
export const outputTarget = (file: string): OutputTarget => {
  if (isStdout(file)) return { kind: 'stdout' };
  let link;
  try {
    link = lstatSync(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw new UsageError(`--output ${file}: ${(error as Error).message}`, { cause: error });
    if (!existsSync(dirname(file))) throw new UsageError(`--output ${file}: the folder ${dirname(file)} does not exist: create it first`);
    return { kind: 'replace', path: file };
  }
  let real = file;
  if (link.isSymbolicLink()) {
    try {
      real = realpathSync(file);
    } catch {
      // A link to nothing (yet): writing through it creates its target and keeps the link.
      return { kind: 'direct', path: file };
    }
  }
  const stats = link.isSymbolicLink() ? statSync(real) : link;
  if (stats.isDirectory())
    throw new UsageError(`--output ${file} is a folder: name a file in it, e.g. ${file.replace(/\/$/, '')}/findings.json`);
  return stats.isFile() ? { kind: 'replace', path: real } : { kind: 'direct', path: file };
};

/**
 * The format, by how the name ends: `.sarif` or `.sarif.json` is SARIF, `.json` is JSON. A name
 * with no extension that is not a file (standard output, a device, a FIFO, `/dev/fd/N`) gets
 * JSON; anything else is a usage error naming the accepted extensions.
 */
export const formatOf = (file: string, target: OutputTarget = { kind: 'replace', path: file }): OutputFormat => {
  if (/\.sarif(\.json)?$/i.test(file)) return 'sarif';
  // Before `.json`, which it also ends with.
  if (/\.asff\.json$/i.test(file)) return 'asff';
  if (/\.json$/i.test(file)) return 'json';
  if (target.kind !== 'replace' && !basename(file).includes('.')) return 'json';
  throw new UsageError(
    `--output ${file}: unknown format; name the file with one of ${OUTPUT_EXTENSIONS.join(', ')} (e.g. findings.json, findings.sarif), or "-" for JSON on standard output`,
  );
};

/** Where the text goes: a stream, with what to do once it is complete, and how to give up. */
interface Sink {
  write(text: string): Promise<void>;
  end(text: string): Promise<void>;
  abort(): void;
}

/** Writes with backpressure: waits for the stream to drain rather than buffering the account. */
const writeText = async (stream: NodeJS.WritableStream, text: string): Promise<void> => {
  if (!stream.write(text)) await once(stream, 'drain');
};

const finish = async (stream: WriteStream, text: string): Promise<void> => {
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(text, resolve);
  });
};

/** A temporary file beside the target, renamed over it when complete. */
const replacingSink = (path: string): Sink => {
  const partial = `${path}.partial-${process.pid}`;
  const stream = createWriteStream(partial, { encoding: 'utf8' });
  return {
    write: (text) => writeText(stream, text),
    end: async (text) => {
      await finish(stream, text);
      renameSync(partial, path);
    },
    abort: () => {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
};

/** A device or FIFO, opened and written in place: what has been written cannot be taken back. */
const directSink = (path: string): Sink => {
  const stream = createWriteStream(path, { encoding: 'utf8', flags: 'w' });
  return { write: (text) => writeText(stream, text), end: (text) => finish(stream, text), abort: () => stream.destroy() };
};

/** Standard output: never ended (the process still prints after it), flushed at the end. */
const stdoutSink = (): Sink => ({
  write: (text) => writeText(process.stdout, text),
  end: (text) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    }),
  abort: () => undefined,
});

const sinkFor = (target: OutputTarget): Sink =>
  target.kind === 'stdout' ? stdoutSink() : target.kind === 'direct' ? directSink(target.path) : replacingSink(target.path);

/**
 * Opens `--output FILE` in the format its name says. Throws UsageError, before the scan reads
 * anything, for an unknown extension, a folder, or a folder that does not exist.
 */
export const openWriter = (file: string, header: ScanHeader): FindingsWriter => {
  const target = outputTarget(file);
  const format = formatOf(file, target);
  const sink = sinkFor(target);
  const toStdout = target.kind === 'stdout';
  const writer = format === 'sarif' ? sarifWriter(sink, header) : format === 'asff' ? asffWriter(sink, header) : jsonWriter(sink, header);
  return { file, toStdout, ...writer };
};

type FormatWriter = Pick<FindingsWriter, 'write' | 'close' | 'abort'>;

const jsonWriter = (sink: Sink, header: ScanHeader): FormatWriter => {
  let first = true;
  let opened = false;
  const open = async () => {
    if (opened) return;
    opened = true;
    await sink.write(
      `{"tool":${JSON.stringify(TOOL_NAME)},"runId":${JSON.stringify(header.runId)},"source":${JSON.stringify(header.source)},"startedAt":${JSON.stringify(header.startedAt)},"findings":[`,
    );
  };
  return {
    write: async (findings) => {
      await open();
      for (const finding of findings) {
        await sink.write(`${first ? '\n' : ',\n'}${JSON.stringify(finding)}`);
        first = false;
      }
    },
    close: async (footer) => {
      await open();
      await sink.end(
        `\n],"finishedAt":${JSON.stringify(footer.finishedAt)},"complete":${footer.complete},"listCalls":${footer.listCalls},"counts":${JSON.stringify(footer.counts)}}\n`,
      );
    },
    abort: () => sink.abort(),
  };
};

/**
 * ASFF: a JSON array of findings as Security Hub takes them (`aws securityhub batch-import-findings
 * --findings file://findings.asff.json` takes up to 100 at a time), each dated by the scan's start.
 */
const asffWriter = (sink: Sink, header: ScanHeader): FormatWriter => {
  const now = new Date(header.startedAt);
  let written = 0;
  return {
    write: async (findings) => {
      for (const finding of findings) {
        await sink.write(`${written === 0 ? '[\n' : ',\n'}${JSON.stringify(toAsff(finding, undefined, { now }))}`);
        written += 1;
      }
    },
    close: async () => {
      await sink.end(written === 0 ? '[]\n' : '\n]\n');
    },
    abort: () => sink.abort(),
  };
};

/** SARIF `level` and GitHub's `security-severity` (critical ≥ 9, high ≥ 7, medium ≥ 4, low > 0). */
const sarifLevel: Readonly<Record<Severity, { level: 'error' | 'warning' | 'note'; score: string }>> = {
  critical: { level: 'error', score: '9.5' },
  high: { level: 'error', score: '8.0' },
  medium: { level: 'warning', score: '5.5' },
  low: { level: 'note', score: '3.0' },
  info: { level: 'note', score: '0.0' },
};

/** What package.json says about the tool (the fields SARIF's `tool.driver` draws on). */
export interface PackageFacts {
  readonly version?: string;
  readonly homepage?: string;
  readonly repository?: string | { readonly url?: string };
}

/**
 * The repository's web address from package.json's `repository` (`git+https://…/x.git`,
 * `git@github.com:o/r.git`, `github:o/r`, `o/r`), or undefined when there is none or it is not
 * an https address a browser can open.
 */
export const repositoryWebUrl = (repository: PackageFacts['repository']): string | undefined => {
  const raw = (typeof repository === 'string' ? repository : repository?.url)?.trim();
  if (!raw) return undefined;
  const shorthand = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  const ssh = /^git@github\.com:([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(raw);
  const url = shorthand
    ? `https://github.com/${shorthand[1]}`
    : ssh
      ? `https://github.com/${ssh[1]}`
      : raw.replace(/^git\+/, '').replace(/\.git$/, '');
  return /^https:\/\/[^\s/]+\/\S+$/.test(url) ? url.replace(/\.git$/, '') : undefined;
};

export interface SarifToolInfo {
  readonly version: string;
  /** Absolute, as SARIF requires: where to learn about this version of the tool. */
  readonly informationUri: string;
  /** The rule's documentation on the web, when the repository's address is known; otherwise none. */
  readonly helpUri: (ruleId: string) => string | undefined;
}

/**
 * `tool.driver` facts. SARIF wants absolute URIs for `informationUri` and `helpUri`, and a link
 * must lead somewhere real: the package's `homepage` or `repository` when package.json names one
 * (rule help: `docs/rules.md#<rule id>` there, on GitHub); otherwise the README of the copy that
 * ran, as a `file:` URL, and no `helpUri` at all (each rule's help travels in `help.text` and
 * `help.markdown` instead). An invented web address would be a dead link on every dashboard.
 */
export const sarifToolInfo = (facts: PackageFacts, installRoot: string): SarifToolInfo => {
  const repository = repositoryWebUrl(facts.repository);
  const homepage = facts.homepage && /^https?:\/\//.test(facts.homepage) ? facts.homepage : undefined;
  const onGitHub = repository?.startsWith('https://github.com/');
  return {
    version: facts.version ?? '0.0.0',
    informationUri: homepage ?? repository ?? pathToFileURL(`${installRoot}/README.md`).href,
    helpUri: (ruleId) => (onGitHub ? `${repository}/blob/HEAD/docs/rules.md#${ruleId}` : undefined),
  };
};

const installRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const packageFacts = JSON.parse(readFileSync(`${installRoot}/package.json`, 'utf8')) as PackageFacts;
const toolInfo = sarifToolInfo(packageFacts, installRoot);

const ruleHelp = (rule: Rule) => ({
  text: `${rule.title}: ${rule.condition}.${rule.control ? ` Security Hub control ${rule.control}.` : ''} See docs/rules.md#${rule.id} in the ${TOOL_NAME} sources.`,
  markdown: `**${rule.title}** (\`${rule.id}\`, ${rule.severity})\n\n${rule.condition}.${rule.control ? `\n\nSecurity Hub control: ${rule.control}.` : ''}\n\nSee \`docs/rules.md#${rule.id}\` in the ${TOOL_NAME} sources.`,
});

const sarifRules = (info: SarifToolInfo) =>
  rules.map((rule) => {
    const helpUri = info.helpUri(rule.id);
    return {
      id: rule.id,
      name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.condition },
      defaultConfiguration: { level: sarifLevel[rule.severity].level },
      ...(helpUri ? { helpUri } : {}),
      help: ruleHelp(rule),
      properties: {
        'security-severity': sarifLevel[rule.severity].score,
        tags: [
          'security',
          'secrets-manager',
          ...(rule.control ? [rule.control] : []),
          ...(rule.practices ?? []).map((p) => `practice-${p}`),
        ],
      },
    };
  });

/**
 * SARIF has no notion of a cloud resource: the secret is named as a logical location (its ARN)
 * and, because GitHub code scanning drops results without a physical location, also as a
 * pseudo-path `secretsmanager/<account>/<region>/<name>`. The fingerprint (rule + ARN) lets
 * dashboards follow one problem across scans.
 */
const sarifResult = (finding: Finding) => {
  const name = finding.secret.name ?? finding.secret.arn ?? finding.secret.id;
  const arn = finding.secret.arn ?? finding.secret.id;
  return {
    ruleId: finding.rule,
    level: sarifLevel[finding.severity].level,
    message: { text: `${name}: ${finding.reason}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `secretsmanager/${finding.secret.account}/${finding.secret.region}/${encodeURI(name)}` },
          // The pseudo-file is the secret, whole: its one line. Viewers (and GitHub) need a start line to show a result.
          region: { startLine: 1, endLine: 1 },
        },
        logicalLocations: [{ fullyQualifiedName: arn, name, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'secretsRemediator/v1': createHash('sha256').update(`${finding.rule}\n${arn}`).digest('hex').slice(0, 32) },
    properties: {
      severity: finding.severity,
      findingId: finding.id,
      account: finding.secret.account,
      region: finding.secret.region,
      actions: finding.actions,
      ...(finding.control ? { control: finding.control } : {}),
    },
  };
};

/** GitHub code scanning refuses a SARIF run with more results than this. */
export const SARIF_MAX_RESULTS = 25_000;

/**
 * GitHub keeps one set of alerts per category (`automationDetails.id` up to its last `/`): one per
 * account and region, so scans of several accounts do not replace each other's alerts.
 */
const sarifCategory = (finding: Finding | undefined, header: ScanHeader): string =>
  header.category !== undefined
    ? `${TOOL_NAME}/${header.category}/`
    : finding
      ? `${TOOL_NAME}/${finding.secret.account}/${finding.secret.region}/`
      : `${TOOL_NAME}/${header.source.replace(/[^\w.-]+/g, '-')}/`;

const sarifWriter = (sink: Sink, header: ScanHeader, info: SarifToolInfo = toolInfo): FormatWriter => {
  let written = 0;
  let left = 0;
  let opened = false;
  const open = async (first: Finding | undefined) => {
    if (opened) return;
    opened = true;
    const driver = {
      name: TOOL_NAME,
      version: info.version,
      semanticVersion: info.version,
      informationUri: info.informationUri,
      rules: sarifRules(info),
    };
    await sink.write(
      `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":${JSON.stringify(driver)}},"automationDetails":{"id":${JSON.stringify(`${sarifCategory(first, header)}${header.runId}`)}},"results":[`,
    );
  };
  return {
    write: async (findings) => {
      await open(findings[0]);
      for (const finding of findings) {
        if (written >= SARIF_MAX_RESULTS) {
          left += 1;
          continue;
        }
        await sink.write(`${written === 0 ? '\n' : ',\n'}${JSON.stringify(sarifResult(finding))}`);
        written += 1;
      }
    },
    close: async (footer) => {
      await open(undefined);
      const notifications =
        left > 0
          ? [
              {
                level: 'warning',
                message: {
                  text: `${left} more findings left out: GitHub code scanning accepts at most ${SARIF_MAX_RESULTS} results per run; the JSON output has them all`,
                },
              },
            ]
          : [];
      const invocation = {
        executionSuccessful: footer.complete,
        startTimeUtc: header.startedAt,
        endTimeUtc: footer.finishedAt,
        toolExecutionNotifications: notifications,
      };
      await sink.end(
        `\n],"invocations":[${JSON.stringify(invocation)}],"properties":${JSON.stringify({ source: header.source, counts: footer.counts, resultsLeftOut: left })}}]}\n`,
      );
    },
    abort: () => sink.abort(),
  };
};

/** The summary table `scan` prints: one row per check that found something, then totals. */
export const summaryTable = (counts: SweepCounts, extra: { readonly listCalls: number; readonly seconds: number }): string => {
  const table = new Table({ head: ['check', 'severity', 'control', 'findings'], style: { head: [], border: [], compact: true } });
  const rows = countRows(counts);
  for (const row of rows) table.push([row.rule, row.severity, row.control || '-', String(row.count)]);
  if (rows.length === 0) table.push([{ colSpan: 4, content: 'no findings: every secret passed every check' }]);
  const bySeverity =
    SEVERITIES.filter((s) => counts.bySeverity[s] > 0)
      .map((s) => `${counts.bySeverity[s]} ${s}`)
      .join(', ') || 'none';
  const unjudged = unjudgedLine(counts);
  return [
    table.toString(),
    `secrets: ${counts.secrets} (${counts.exempt} exempt by tag) · findings: ${counts.findings} (${bySeverity})`,
    ...(unjudged ? [unjudged] : []),
    `calls: ${extra.listCalls} ListSecrets + ${counts.perSecretCalls} closer looks = ${counts.secrets > 0 ? ((extra.listCalls + counts.perSecretCalls) / counts.secrets).toFixed(3) : '0'} per secret · ${extra.seconds.toFixed(1)} s`,
  ].join('\n');
};
