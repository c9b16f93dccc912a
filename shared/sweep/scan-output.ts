/**
 * What `scan` writes: a table for people, and files for machines — JSON (every finding and the
 * counts) and SARIF 2.1.0 (for code-scanning dashboards). Files are written as findings arrive,
 * so a scan of 500,000 secrets never holds its findings in memory.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import Table from 'cli-table3';
import type { Finding, Severity } from '../contracts/finding.js';
import { rules } from '../domain/catalogue.js';
import { countRows, unjudgedLine } from './sweep-summary.js';
import { SEVERITIES, type SweepCounts } from './summary.js';

export const TOOL_NAME = 'secrets-remediator';
export const TOOL_URI = 'https://github.com/secrets-remediator/secrets-remediator';

export interface ScanHeader {
  readonly runId: string;
  readonly source: string;
  readonly startedAt: string;
}

export interface ScanFooter {
  readonly finishedAt: string;
  readonly complete: boolean;
  readonly counts: SweepCounts;
  readonly listCalls: number;
}

/**
 * A file that findings stream into. It is written under a temporary name and renamed on `close`,
 * so a scan that fails half-way leaves no truncated file for a CI step to upload (`abort`).
 */
export interface FindingsWriter {
  readonly file: string;
  write(findings: readonly Finding[]): Promise<void>;
  close(footer: ScanFooter): Promise<void>;
  abort(): void;
}

/** The stream behind a writer: a temporary file beside the target, renamed when complete. */
const openTemporary = (file: string) => {
  const partial = `${file}.partial-${process.pid}`;
  const stream = createWriteStream(partial, { encoding: 'utf8' });
  return {
    stream,
    commit: () => renameSync(partial, file),
    abort: () => {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
};

/** `--output` picks the format by extension: `.sarif` (or `.sarif.json`) is SARIF, anything else JSON. */
export const formatOf = (file: string): 'sarif' | 'json' => (/\.sarif(\.json)?$/i.test(file) ? 'sarif' : 'json');

export const openWriter = (file: string, header: ScanHeader): FindingsWriter =>
  formatOf(file) === 'sarif' ? sarifWriter(file, header) : jsonWriter(file, header);

/** Writes with backpressure: waits for the stream to drain rather than buffering the account. */
const writeText = async (stream: WriteStream, text: string): Promise<void> => {
  if (!stream.write(text)) await once(stream, 'drain');
};

const finish = async (stream: WriteStream, text: string): Promise<void> => {
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(text, resolve);
  });
};

const jsonWriter = (file: string, header: ScanHeader): FindingsWriter => {
  const { stream, commit, abort } = openTemporary(file);
  let first = true;
  let opened = false;
  const open = async () => {
    if (opened) return;
    opened = true;
    await writeText(stream, `{"tool":${JSON.stringify(TOOL_NAME)},"runId":${JSON.stringify(header.runId)},"source":${JSON.stringify(header.source)},"startedAt":${JSON.stringify(header.startedAt)},"findings":[`);
  };
  return {
    file,
    write: async (findings) => {
      await open();
      for (const finding of findings) {
        await writeText(stream, `${first ? '\n' : ',\n'}${JSON.stringify(finding)}`);
        first = false;
      }
    },
    close: async (footer) => {
      await open();
      await finish(stream, `\n],"finishedAt":${JSON.stringify(footer.finishedAt)},"complete":${footer.complete},"listCalls":${footer.listCalls},"counts":${JSON.stringify(footer.counts)}}\n`);
      commit();
    },
    abort,
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

const sarifRules = () =>
  rules.map((rule) => ({
    id: rule.id,
    name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.condition },
    defaultConfiguration: { level: sarifLevel[rule.severity].level },
    helpUri: `${TOOL_URI}#rule-catalogue`,
    help: { text: `${rule.title}: ${rule.condition}.${rule.control ? ` Security Hub control ${rule.control}.` : ''}` },
    properties: {
      'security-severity': sarifLevel[rule.severity].score,
      tags: ['security', 'secrets-manager', ...(rule.control ? [rule.control] : []), ...(rule.practices ?? []).map((p) => `practice-${p}`)],
    },
  }));

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
        physicalLocation: { artifactLocation: { uri: `secretsmanager/${finding.secret.account}/${finding.secret.region}/${encodeURI(name)}` } },
        logicalLocations: [{ fullyQualifiedName: arn, name, kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'secretsRemediator/v1': createHash('sha256').update(`${finding.rule}\n${arn}`).digest('hex').slice(0, 32) },
    properties: { severity: finding.severity, findingId: finding.id, actions: finding.actions, ...(finding.control ? { control: finding.control } : {}) },
  };
};

/** GitHub code scanning refuses a SARIF run with more results than this. */
export const SARIF_MAX_RESULTS = 25_000;

/**
 * GitHub keeps one set of alerts per category (`automationDetails.id` up to its last `/`): one per
 * account and region, so scans of several accounts do not replace each other's alerts.
 */
const sarifCategory = (finding: Finding | undefined, header: ScanHeader): string =>
  finding ? `${TOOL_NAME}/${finding.secret.account}/${finding.secret.region}/` : `${TOOL_NAME}/${header.source.replace(/[^\w.-]+/g, '-')}/`;

const sarifWriter = (file: string, header: ScanHeader): FindingsWriter => {
  const { stream, commit, abort } = openTemporary(file);
  let written = 0;
  let left = 0;
  let opened = false;
  const open = async (first: Finding | undefined) => {
    if (opened) return;
    opened = true;
    const driver = { name: TOOL_NAME, informationUri: TOOL_URI, rules: sarifRules() };
    await writeText(
      stream,
      `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{"tool":{"driver":${JSON.stringify(driver)}},"automationDetails":{"id":${JSON.stringify(`${sarifCategory(first, header)}${header.runId}`)}},"results":[`,
    );
  };
  return {
    file,
    write: async (findings) => {
      await open(findings[0]);
      for (const finding of findings) {
        if (written >= SARIF_MAX_RESULTS) {
          left += 1;
          continue;
        }
        await writeText(stream, `${written === 0 ? '\n' : ',\n'}${JSON.stringify(sarifResult(finding))}`);
        written += 1;
      }
    },
    close: async (footer) => {
      await open(undefined);
      const notifications =
        left > 0
          ? [{ level: 'warning', message: { text: `${left} more findings left out: GitHub code scanning accepts at most ${SARIF_MAX_RESULTS} results per run; the JSON output has them all` } }]
          : [];
      const invocation = { executionSuccessful: footer.complete, startTimeUtc: header.startedAt, endTimeUtc: footer.finishedAt, toolExecutionNotifications: notifications };
      await finish(stream, `\n],"invocations":[${JSON.stringify(invocation)}],"properties":${JSON.stringify({ source: header.source, counts: footer.counts, resultsLeftOut: left })}}]}\n`);
      commit();
    },
    abort,
  };
};

/** The summary table `scan` prints: one row per check that found something, then totals. */
export const summaryTable = (counts: SweepCounts, extra: { readonly listCalls: number; readonly seconds: number }): string => {
  const table = new Table({ head: ['check', 'severity', 'control', 'findings'], style: { head: [], border: [], compact: true } });
  const rows = countRows(counts);
  for (const row of rows) table.push([row.rule, row.severity, row.control || '-', String(row.count)]);
  if (rows.length === 0) table.push([{ colSpan: 4, content: 'no findings: every secret passed every check' }]);
  const bySeverity = SEVERITIES.filter((s) => counts.bySeverity[s] > 0).map((s) => `${counts.bySeverity[s]} ${s}`).join(', ') || 'none';
  const unjudged = unjudgedLine(counts);
  return [
    table.toString(),
    `secrets: ${counts.secrets} (${counts.exempt} exempt by tag) · findings: ${counts.findings} (${bySeverity})`,
    ...(unjudged ? [unjudged] : []),
    `calls: ${extra.listCalls} ListSecrets + ${counts.perSecretCalls} closer looks = ${counts.secrets > 0 ? ((extra.listCalls + counts.perSecretCalls) / counts.secrets).toFixed(3) : '0'} per secret · ${extra.seconds.toFixed(1)} s`,
  ].join('\n');
};
