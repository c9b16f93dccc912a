/**
 * The scan's files: JSON with every finding and the counts, SARIF 2.1.0 for code-scanning
 * dashboards, both streamed; and the summary table.
 */
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/errors.js';
import { type Finding, findingSchema } from '../../shared/contracts/finding.js';
import { rules } from '../../shared/domain/catalogue.js';
import {
  formatOf,
  openWriter,
  outputTarget,
  repositoryWebUrl,
  SARIF_MAX_RESULTS,
  sarifToolInfo,
  summaryTable,
} from '../../shared/sweep/scan-output.js';
import { addInspection, emptyCounts } from '../../shared/sweep/summary.js';
import { asffProblems } from '../../shared/securityhub/asff-schema.js';
import { repoRoot } from '../helpers/events.js';
import { sweepFinding } from '../helpers/sweep-findings.js';

const finding = (rule: string, name: string, severity: Finding['severity']): Finding =>
  sweepFinding({ rule, name, severity, control: 'SecretsManager.3' });

const header = { runId: 'scan-1', source: 'the sandbox account', startedAt: '2026-11-25T12:00:00.000Z' };
const findings = [
  finding('unused', 'dev/old-key', 'low'),
  finding('stale-pending', 'prod/db', 'high'),
  finding('unused', 'dev/other key+=.@', 'low'),
];
const counts = findings.reduce((c, f) => addInspection(c, { findings: [f], exempt: false, perSecretCalls: 1 }), emptyCounts());
const footer = { finishedAt: '2026-11-25T12:00:05.000Z', complete: true, counts, listCalls: 2 };
const tempFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'scan-output-')), name);

describe('scan output: format by extension', () => {
  it.each([
    ['out.sarif', 'sarif'],
    ['out.SARIF', 'sarif'],
    ['out.sarif.json', 'sarif'],
    ['findings.asff.json', 'asff'],
    ['out.ASFF.json', 'asff'],
    ['out.json', 'json'],
    ['-', 'json'],
    ['/dev/stdout', 'json'],
  ])('%s is %s', (file, format) => {
    expect(formatOf(file, outputTarget(file))).toBe(format);
  });

  it.each(['f.csv', 'findings', 'report.txt', 'findings.sarif.gz'])(
    'refuses %s as a usage error naming the accepted extensions',
    (name) => {
      const file = tempFile(name);

      expect(() => formatOf(file)).toThrow(UsageError);
      expect(() => formatOf(file)).toThrow(/\.json, \.sarif, \.sarif\.json, \.asff\.json/);
    },
  );

  it('gives JSON to a device or FIFO whose name has no extension, such as /dev/fd/63 of a process substitution', () => {
    expect(formatOf('/dev/null', outputTarget('/dev/null'))).toBe('json');
  });
});

describe('scan output: where a name leads', () => {
  it('writes a new path or a regular file through a temporary file renamed over it', () => {
    const file = tempFile('findings.json');
    expect(outputTarget(file)).toEqual({ kind: 'replace', path: file });
    writeFileSync(file, 'old');
    expect(outputTarget(file)).toEqual({ kind: 'replace', path: file });
  });

  it('renames at the file a symbolic link points to, keeping the link', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'scan-output-'));
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(real, 'old');
    symlinkSync(real, link);

    // Act
    const writer = openWriter(link, header);
    await writer.write(findings);
    await writer.close(footer);

    // Assess
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect((JSON.parse(readFileSync(real, 'utf8')) as { findings: unknown[] }).findings).toHaveLength(3);
  });

  it('writes a character device in place and never renames over it', async () => {
    // Act
    const writer = openWriter('/dev/null', header);
    await writer.write(findings);
    await writer.close(footer);

    // Assess
    expect(outputTarget('/dev/null')).toEqual({ kind: 'direct', path: '/dev/null' });
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync('/dev').some((name) => name.startsWith('null.partial-'))).toBe(false);
  });

  it('writes a FIFO in place, for a reader at its other end', async () => {
    // Prepare
    const fifo = tempFile('findings.json');
    execFileSync('mkfifo', [fifo]);
    const read = text(createReadStream(fifo, 'utf8'));

    // Act
    const writer = openWriter(fifo, header);
    await writer.write(findings);
    await writer.close(footer);

    // Assess
    expect((JSON.parse(await read) as { findings: unknown[] }).findings).toHaveLength(3);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('sends "-" and /dev/stdout to standard output, never to a file of that name', () => {
    expect(outputTarget('-')).toEqual({ kind: 'stdout' });
    expect(outputTarget('/dev/stdout')).toEqual({ kind: 'stdout' });
    expect(openWriter('-', header).toStdout).toBe(true);
  });

  it('refuses a folder, and a path in a folder that does not exist, before anything is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-output-'));
    mkdirSync(join(dir, 'out'));

    expect(() => openWriter(join(dir, 'out'), header)).toThrow(/is a folder/);
    expect(() => openWriter(join(dir, 'missing', 'findings.json'), header)).toThrow(/does not exist: create it first/);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });
});

describe('scan output: JSON', () => {
  it('holds every finding written, in batches, and the counts at the end', async () => {
    // Prepare
    const file = tempFile('findings.json');
    const writer = openWriter(file, header);

    // Act
    await writer.write(findings.slice(0, 2));
    await writer.write([]);
    await writer.write(findings.slice(2));
    await writer.close(footer);

    // Assess
    const written = JSON.parse(readFileSync(file, 'utf8')) as {
      runId: string;
      complete: boolean;
      findings: unknown[];
      counts: typeof counts;
      listCalls: number;
    };
    expect(written.runId).toBe('scan-1');
    expect(written.complete).toBe(true);
    expect(written.findings.map((f) => findingSchema().parse(f).id)).toEqual(findings.map((f) => f.id));
    expect(written.counts.byRule).toEqual({ unused: 2, 'stale-pending': 1 });
    expect(written.listCalls).toBe(2);
  });

  it('is valid JSON with no findings', async () => {
    // Prepare
    const file = tempFile('empty.json');

    // Act
    await openWriter(file, header).close({ ...footer, counts: emptyCounts() });

    // Assess
    expect((JSON.parse(readFileSync(file, 'utf8')) as { findings: unknown[] }).findings).toEqual([]);
  });
});

describe('scan output: ASFF', () => {
  it("writes a JSON array of one ASFF document per finding, dated by the scan's start", async () => {
    const file = tempFile('findings.asff.json');
    const writer = openWriter(file, header);

    await writer.write(findings.slice(0, 2));
    await writer.write(findings.slice(2));
    await writer.close(footer);

    const documents = JSON.parse(readFileSync(file, 'utf8')) as {
      Id: string;
      GeneratorId: string;
      UpdatedAt: string;
      Resources: { Id: string }[];
    }[];
    expect(documents.map((d) => d.GeneratorId)).toEqual(findings.map((f) => `secrets-remediator/${f.rule}`));
    expect(documents.map((d) => d.Resources[0]?.Id)).toEqual(findings.map((f) => f.secret.arn));
    expect(documents.every((d) => d.UpdatedAt === header.startedAt)).toBe(true);
    expect(documents.flatMap((d) => asffProblems(d))).toEqual([]);
  });

  it('writes an empty array when the scan found nothing', async () => {
    const file = tempFile('none.asff.json');
    const writer = openWriter(file, header);

    await writer.close(footer);

    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([]);
  });
});

describe('scan output: SARIF', () => {
  it('writes a SARIF 2.1.0 run with every rule and one result per finding, located at the secret', async () => {
    // Prepare
    const file = tempFile('findings.sarif');
    const writer = openWriter(file, header);

    // Act
    await writer.write(findings);
    await writer.close(footer);

    // Assess
    interface SarifResult {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { fullyQualifiedName: string }[] }[];
      partialFingerprints: Record<string, string>;
    }
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; properties: Record<string, unknown> }[] } };
        results: SarifResult[];
        invocations: { executionSuccessful: boolean }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const [run] = sarif.runs;
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    expect(run?.tool.driver.rules.find((r) => r.id === 'stale-pending')?.properties['security-severity']).toBe('8.0');
    expect(run?.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['unused', 'note'],
      ['stale-pending', 'error'],
      ['unused', 'note'],
    ]);
    const [first, , odd] = run?.results ?? [];
    expect(first?.message.text).toContain('dev/old-key');
    expect(first?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toBe(findings[0]?.secret.arn);
    expect(odd?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('secretsmanager/123456789012/us-east-1/dev/other%20key+=.@');
    // Stable across scans: the same rule and secret give the same fingerprint.
    expect(new Set(run?.results.map((r) => r.partialFingerprints['secretsRemediator/v1'])).size).toBe(3);
    expect(run?.invocations[0]?.executionSuccessful).toBe(true);
  });

  it('names the tool with its version and locates each result on line 1 of the secret, as viewers need', async () => {
    // Prepare
    const file = tempFile('findings.sarif.json');
    const writer = openWriter(file, header);

    // Act
    await writer.write(findings);
    await writer.close(footer);

    // Assess
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as {
      runs: {
        tool: {
          driver: { version: string; informationUri: string; rules: { helpUri?: string; help: { text: string; markdown: string } }[] };
        };
        results: { locations: { physicalLocation: { region: unknown } }[] }[];
      }[];
    };
    const [run] = sarif.runs;
    expect(run?.tool.driver.version).toBe(version);
    expect(new URL(run?.tool.driver.informationUri ?? '').protocol).toMatch(/^(https|file):$/);
    expect(run?.results.map((r) => r.locations[0]?.physicalLocation.region)).toEqual([0, 1, 2].map(() => ({ startLine: 1, endLine: 1 })));
    for (const rule of run?.tool.driver.rules ?? []) expect(rule.help.markdown).toContain('docs/rules.md#');
  });
});

describe('scan output: SARIF links', () => {
  it.each([
    ['git+https://github.com/acme/secrets-remediator.git', 'https://github.com/acme/secrets-remediator'],
    ['https://github.com/acme/secrets-remediator', 'https://github.com/acme/secrets-remediator'],
    ['git@github.com:acme/secrets-remediator.git', 'https://github.com/acme/secrets-remediator'],
    ['github:acme/secrets-remediator', 'https://github.com/acme/secrets-remediator'],
    ['acme/secrets-remediator', 'https://github.com/acme/secrets-remediator'],
    ['git://example.com/x.git', undefined],
    ['', undefined],
  ])('reads the repository %j as %s', (repository, url) => {
    expect(repositoryWebUrl(repository)).toBe(url);
    expect(repositoryWebUrl({ url: repository })).toBe(url);
  });

  it('links each rule to its heading in docs/rules.md when package.json names the GitHub repository', () => {
    const info = sarifToolInfo({ version: '1.2.3', repository: { url: 'git+https://github.com/acme/secrets-remediator.git' } }, '/opt/sr');

    expect(info.informationUri).toBe('https://github.com/acme/secrets-remediator');
    expect(info.helpUri('rotation-failed')).toBe('https://github.com/acme/secrets-remediator/blob/HEAD/docs/rules.md#rotation-failed');
  });

  it('invents no web address when package.json names none: the README of the copy that ran, and no helpUri', () => {
    const info = sarifToolInfo({ version: '0.1.0' }, '/opt/sr');

    expect(info.informationUri).toBe('file:///opt/sr/README.md');
    expect(info.helpUri('rotation-failed')).toBeUndefined();
  });
});

describe('scan output: GitHub code scanning', () => {
  it('names the category by account and region, so scans of several accounts keep their own alerts', async () => {
    // Prepare
    const file = tempFile('findings.sarif');
    const writer = openWriter(file, header);

    // Act
    await writer.write(findings);
    await writer.close(footer);

    // Assess
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as { runs: { automationDetails: { id: string } }[] };
    expect(sarif.runs[0]?.automationDetails.id).toBe('secrets-remediator/123456789012/us-east-1/scan-1');
  });

  it(`keeps at most ${SARIF_MAX_RESULTS} results a run, and says how many it left out`, async () => {
    // Prepare
    const file = tempFile('many.sarif');
    const writer = openWriter(file, header);
    const many = Array.from({ length: SARIF_MAX_RESULTS + 7 }, () => findings[0] as Finding);

    // Act
    await writer.write(many);
    await writer.close(footer);

    // Assess
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as {
      runs: {
        results: unknown[];
        properties: { resultsLeftOut: number };
        invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
      }[];
    };
    const [run] = sarif.runs;
    expect(run?.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(run?.properties.resultsLeftOut).toBe(7);
    expect(run?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/^7 more findings left out/);
  });

  it('gives a problem the same fingerprint in every scan, so dashboards follow it across runs', async () => {
    // Prepare
    const fingerprints = async (runId: string) => {
      const file = tempFile(`${runId}.sarif`);
      const writer = openWriter(file, { ...header, runId });
      await writer.write(findings);
      await writer.close(footer);
      const sarif = JSON.parse(readFileSync(file, 'utf8')) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
      return sarif.runs[0]?.results.map((r) => r.partialFingerprints['secretsRemediator/v1']);
    };

    // Act
    const [monday, tuesday] = [await fingerprints('scan-monday'), await fingerprints('scan-tuesday')];

    // Assess
    expect(monday).toHaveLength(3);
    expect(tuesday).toEqual(monday);
  });

  it('leaves no file behind when the scan is aborted half-way', async () => {
    // Prepare
    const file = tempFile('aborted.json');
    const writer = openWriter(file, header);
    await writer.write(findings);

    // Act
    writer.abort();

    // Assess
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(join(file, '..'))).toEqual([]);
  });
});

describe('scan output: the summary table', () => {
  it('lists each check with its count, most severe first, and the totals', () => {
    // Act
    const text = summaryTable(counts, { listCalls: 2, seconds: 1.25 });

    // Assess
    const lines = text.split('\n');
    const stale = lines.findIndex((l) => l.includes('stale-pending'));
    const unused = lines.findIndex((l) => l.includes('unused'));
    expect(stale).toBeGreaterThan(-1);
    expect(unused).toBeGreaterThan(stale);
    expect(lines[unused]).toMatch(/unused\s+│\s+low\s+│\s+SecretsManager\.3\s+│\s+2/);
    expect(text).toContain('secrets: 3 (0 exempt by tag) · findings: 3 (1 high, 2 low)');
    expect(text).toContain('calls: 2 ListSecrets + 3 closer looks = 1.667 per secret · 1.3 s');
  });

  it('says so when nothing was found', () => {
    expect(summaryTable(emptyCounts(), { listCalls: 1, seconds: 0.1 })).toContain('no findings: every secret passed every check');
  });
});
