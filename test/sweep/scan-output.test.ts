/**
 * The scan's files: JSON with every finding and the counts, SARIF 2.1.0 for code-scanning
 * dashboards, both streamed; and the summary table.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Finding, FindingSchema } from '../../shared/contracts/finding.js';
import { rules } from '../../shared/domain/catalogue.js';
import { formatOf, openWriter, SARIF_MAX_RESULTS, summaryTable } from '../../shared/sweep/scan-output.js';
import { addInspection, emptyCounts } from '../../shared/sweep/summary.js';

const finding = (rule: string, name: string, severity: Finding['severity']): Finding =>
  FindingSchema.parse({
    id: `sweep:${rule}:${name}:2026-11-25`,
    rule,
    title: rules.find((r) => r.id === rule)?.title ?? rule,
    severity,
    reason: `${name} tripped ${rule}`,
    control: 'SecretsManager.3',
    secret: { id: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`, arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`, name, account: '123456789012', region: 'us-east-1', foundAt: 'ListSecrets' },
    actor: { kind: 'sweep', principal: 'secrets-remediator sweep', isPerson: false, isAllowedAdmin: false },
    event: { id: 'sweep-run-1', name: 'ScheduledSweep', detailType: 'Scheduled Sweep', time: '2026-11-25T12:00:00.000Z', account: '123456789012', region: 'us-east-1' },
    evidence: {},
    actions: [],
    needsRemediation: false,
    notes: [],
  });

const header = { runId: 'scan-1', source: 'the sandbox account', startedAt: '2026-11-25T12:00:00.000Z' };
const findings = [finding('unused', 'dev/old-key', 'low'), finding('stale-pending', 'prod/db', 'high'), finding('unused', 'dev/other key+=.@', 'low')];
const counts = findings.reduce((c, f) => addInspection(c, { findings: [f], exempt: false, perSecretCalls: 1 }), emptyCounts());
const footer = { finishedAt: '2026-11-25T12:00:05.000Z', complete: true, counts, listCalls: 2 };
const tempFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'scan-output-')), name);

describe('scan output: format by extension', () => {
  it.each([
    ['out.sarif', 'sarif'],
    ['out.SARIF', 'sarif'],
    ['out.sarif.json', 'sarif'],
    ['out.json', 'json'],
    ['findings', 'json'],
  ])('%s is %s', (file, format) => {
    expect(formatOf(file)).toBe(format);
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
    const written = JSON.parse(readFileSync(file, 'utf8')) as { runId: string; complete: boolean; findings: unknown[]; counts: typeof counts; listCalls: number };
    expect(written.runId).toBe('scan-1');
    expect(written.complete).toBe(true);
    expect(written.findings.map((f) => FindingSchema.parse(f).id)).toEqual(findings.map((f) => f.id));
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
      runs: { tool: { driver: { name: string; rules: { id: string; properties: Record<string, unknown> }[] } }; results: SarifResult[]; invocations: { executionSuccessful: boolean }[] }[];
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
      runs: { results: unknown[]; properties: { resultsLeftOut: number }; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[];
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
