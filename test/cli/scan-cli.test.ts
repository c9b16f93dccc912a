/**
 * `secrets-remediator scan` (`npm run scan`) as a user (or a CI job) runs it: a real process against the sandbox account,
 * its table, its files and its exit code; and the `npx` bin.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FindingSchema } from '../../shared/contracts/finding.js';
import { runCli } from '../helpers/cli.js';

const scan = (...args: string[]) => runCli(['scan', ...args]);
const tempDir = () => mkdtempSync(join(tmpdir(), 'scan-cli-'));

describe('CLI: secrets-remediator scan (npm run scan)', { timeout: 60_000 }, () => {
  it('prints a compliance table for the sandbox account and fails on high findings by default', async () => {
    // Act
    const run = await scan('--sandbox');

    // Assess
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Scan of the sandbox account 123456789012/us-east-1 against events/policy.yml (stage dev)');
    for (const check of ['rotation-missing', 'rotation-overdue', 'unused', 'default-kms-key', 'stale-pending', 'resource-policy-missing', 'scheduled-for-deletion']) {
      expect(run.stdout).toContain(check);
    }
    expect(run.stdout).toMatch(/at or above high: exit 1/);
    expect(run.code).toBe(1);
  });

  it('exits 0 when nothing reaches --fail-on, and with --fail-on none', async () => {
    // Prepare: one compliant secret.
    const dir = tempDir();
    const seed = join(dir, 'account.json');
    writeFileSync(
      seed,
      JSON.stringify({
        now: '2026-11-25T12:00:00Z',
        secrets: [
          {
            name: 'dev/tidy',
            createdDate: '2026-11-01T00:00:00Z',
            lastAccessedDate: '2026-11-24T00:00:00Z',
            rotationEnabled: true,
            rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
            lastRotatedDate: '2026-11-20T00:00:00Z',
            nextRotationDate: '2026-12-20T00:00:00Z',
            kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            versions: { v1: ['AWSCURRENT'] },
          },
        ],
      }),
    );

    // Act
    const clean = await scan('--sandbox', '--account', seed, '--fail-on', 'info');
    const never = await scan('--sandbox', '--fail-on', 'none');

    // Assess
    expect(clean.stdout).toContain('no findings: every secret passed every check');
    expect(clean.code).toBe(0);
    expect(never.code).toBe(0);
  });

  it('writes JSON and SARIF with --output, the same findings in both', async () => {
    // Prepare
    const dir = tempDir();
    const json = join(dir, 'findings.json');
    const sarif = join(dir, 'findings.sarif');

    // Act
    const run = await scan('--sandbox', '--output', json, sarif, '--fail-on', 'none');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote ${json}`);
    const written = JSON.parse(readFileSync(json, 'utf8')) as { findings: unknown[]; counts: { findings: number } };
    const findings = written.findings.map((f) => FindingSchema.parse(f));
    expect(findings.length).toBe(written.counts.findings);
    expect(findings.length).toBeGreaterThan(0);
    const results = (JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { ruleId: string }[] }[] }).runs[0]?.results ?? [];
    expect(results.map((r) => r.ruleId)).toEqual(findings.map((f) => f.rule));
  });

  it('refuses bad flags with exit 2 (1 means findings), naming the problem', async () => {
    // Act
    const badSeverity = await scan('--sandbox', '--fail-on', 'severe');
    const accountWithoutSandbox = await scan('--account', 'x.json');
    const badRate = await scan('--sandbox', '--calls-per-second', '500');

    // Assess
    expect(badSeverity.code).toBe(2);
    expect(badSeverity.stderr).toContain("argument 'severe' is invalid");
    expect(accountWithoutSandbox.code).toBe(2);
    expect(accountWithoutSandbox.stderr).toContain('--account seeds the sandbox');
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toContain('expected an integer from 1 to 100');
  });

});
