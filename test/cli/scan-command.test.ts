/**
 * `secrets-remediator scan` (`npm run scan`) as a user (or a CI job) runs it: a real process against the sandbox account,
 * its table, its files and its exit code.
 */
import { execFile } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type Finding, findingSchema } from '../../shared/contracts/finding.js';
import { asffProblems } from '../../shared/securityhub/asff-schema.js';
import { CLI_BIN } from '../helpers/cli.js';
import { repoRoot } from '../helpers/events.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const exec = async (file: string, args: string[], env: NodeJS.ProcessEnv = { ...process.env }): Promise<Run> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, {
      cwd: repoRoot,
      timeout: 60_000,
      env: { ...env, POWERTOOLS_LOG_LEVEL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const scan = (...args: string[]) => exec(process.execPath, [CLI_BIN, 'scan', ...args]);
const tempDir = () => mkdtempSync(join(tmpdir(), 'scan-cli-'));

/** A sandbox seed with the given secrets, in a fresh folder. */
const seedFile = (secrets: unknown[]): string => {
  const file = join(tempDir(), 'account.json');
  writeFileSync(file, JSON.stringify({ now: '2026-11-25T12:00:00Z', secrets }));
  return file;
};

/**
 * A live scan with none of this machine's AWS settings: no region, credentials, profile or
 * config files unless the test gives them, and no instance metadata to fall back on.
 */
const scanLive = (env: Record<string, string>, ...args: string[]) =>
  exec(process.execPath, [CLI_BIN, 'scan', '--no-progress', ...args], {
    PATH: process.env.PATH,
    HOME: tempDir(),
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_NO_WARNINGS: '1',
    ...env,
  });

/** A loopback port nothing listens on: bound, then released. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

describe('CLI: npm run scan', { timeout: 60_000 }, () => {
  it('prints a compliance table for the sandbox account and fails on high findings by default', async () => {
    // Act
    const run = await scan('--sandbox');

    // Assess
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      'secrets-remediator scan of account 123456789012, region us-east-1\n  reading: sandbox (in-memory account)\n  policy:  events/policy.yml (stage dev)',
    );
    for (const check of [
      'rotation-missing',
      'rotation-overdue',
      'unused',
      'default-kms-key',
      'stale-pending',
      'resource-policy-missing',
      'scheduled-for-deletion',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^${check}: .* — \\d+ findings? \\(`, 'm'));
    }
    // Each check's table names its secrets.
    expect(run.stdout).toMatch(/prod\/search\/api-key\s+│\s+123456789012\/us-east-1\s+│\s+medium\s+│\s+automatic rotation is off/);
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
    const findings = written.findings.map((f) => findingSchema().parse(f));
    expect(findings.length).toBe(written.counts.findings);
    expect(findings.length).toBeGreaterThan(0);
    const results = (JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { ruleId: string }[] }[] }).runs[0]?.results ?? [];
    expect(results.map((r) => r.ruleId)).toEqual(findings.map((f) => f.rule));
  });

  it('writes ASFF with --output findings.asff.json: one document Security Hub accepts per finding of the JSON', async () => {
    // Prepare
    const dir = tempDir();
    const json = join(dir, 'findings.json');
    const asff = join(dir, 'findings.asff.json');

    // Act
    const run = await scan('--sandbox', '--output', json, asff, '--fail-on', 'none');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote ${asff}`);
    const findings = (JSON.parse(readFileSync(json, 'utf8')) as { findings: Finding[] }).findings;
    const documents = JSON.parse(readFileSync(asff, 'utf8')) as Record<string, unknown>[];
    expect(documents.map((d) => d.GeneratorId)).toEqual(findings.map((f) => `secrets-remediator/${f.rule}`));
    // The sandbox keeps a published sample's secret whose account its publisher redacted (`accountid`):
    // Security Hub would refuse that one document, and only for its account.
    const real = documents.filter((d) => /^\d{12}$/.test(String(d.AwsAccountId)));
    expect(real.length).toBeGreaterThan(0);
    expect(real.flatMap((d) => asffProblems(d))).toEqual([]);
    expect(documents.filter((d) => !real.includes(d)).flatMap((d) => asffProblems(d))).toEqual(
      documents.filter((d) => !real.includes(d)).map(() => 'AwsAccountId: expected a 12-digit account id'),
    );
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

  it('refuses an --output name whose format it cannot tell, with exit 2, before reading anything', async () => {
    // Act
    const run = await scan('--sandbox', '--output', join(tempDir(), 'f.csv'));

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/f\.csv: unknown format; name the file with one of \.json, \.sarif, \.sarif\.json/);
    expect(run.stdout).toBe('');
  });

  it.each(['-', '/dev/stdout'])('writes JSON to standard output with --output %s, and the report to standard error', async (name) => {
    // Act
    const run = await scan('--sandbox', '--output', name, '--fail-on', 'none');

    // Assess
    expect(run.code).toBe(0);
    const written = JSON.parse(run.stdout) as { findings: unknown[]; counts: { findings: number } };
    expect(written.findings.map((f) => findingSchema().parse(f))).toHaveLength(written.counts.findings);
    expect(run.stderr).toContain('secrets-remediator scan of account 123456789012');
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('writes to a character device in place, leaving the device a device', async () => {
    // Act
    const run = await scan('--sandbox', '--output', '/dev/null', '--fail-on', 'none');

    // Assess
    expect(run.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('fails a scan that reads no secret with exit 2 and says what to check, unless --allow-empty', async () => {
    // Prepare
    const empty = seedFile([]);

    // Act
    const failed = await scan('--sandbox', '--account', empty);
    const allowed = await scan('--sandbox', '--account', empty, '--allow-empty');

    // Assess
    expect(failed.code).toBe(2);
    expect(failed.stdout).toContain('WARNING: NO SECRETS FOUND in account 123456789012, region us-east-1');
    expect(failed.stdout).toContain(`the seed file ${empty} lists no secrets`);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('--allow-empty: not treated as a failure');
  });

  it('writes SARIF that the SARIF Multitool validates with no error and no warning', async () => {
    // Prepare
    const dir = tempDir();
    const sarif = join(dir, 'findings.sarif');
    const log = join(dir, 'validation.sarif');
    // The platform's own Multitool binary (linux, darwin or win32), as the wrapper package resolves it.
    const multitool = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;

    // Act
    const run = await scan('--sandbox', '--output', sarif, '--fail-on', 'none');
    const validation = await exec(multitool, ['validate', sarif, '--output', log]);

    // Assess
    expect(run.code).toBe(0);
    expect(validation.code).toBe(0);
    const results = (JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: unknown[] }[] }).runs[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(0);
    const found =
      (JSON.parse(readFileSync(log, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { text?: string } }[] }[] })
        .runs[0]?.results ?? [];
    // A validation result's level defaults to "warning" when absent.
    const problems = found
      .filter((r) => (r.level ?? 'warning') === 'error' || (r.level ?? 'warning') === 'warning')
      .map((r) => `${r.ruleId}: ${r.message.text ?? ''}`);
    expect(problems).toEqual([]);
  });
});

describe('CLI: npm run scan against AWS that is not set up', { timeout: 60_000 }, () => {
  it('asks for a region when none is set', async () => {
    // Act
    const run = await scanLive({ AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}` });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: no AWS region is set: set AWS_REGION or pass --region (e.g. --region us-east-1)\n');
  });

  it('names the profile whose credentials are missing', async () => {
    // Act
    const run = await scanLive({ AWS_REGION: 'eu-west-1' }, '--profile', 'audit');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no credentials found for profile audit');
  });

  it('tells a LocalStack or moto user that any access key will do', async () => {
    // Act
    const run = await scanLive({ AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}`, AWS_REGION: 'eu-west-1' });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('LocalStack and moto accept any AWS_ACCESS_KEY_ID');
  });

  it('says nothing is listening at AWS_ENDPOINT_URL', async () => {
    // Prepare
    const endpoint = `http://127.0.0.1:${await closedPort()}`;

    // Act
    const run = await scanLive({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`nothing is listening at AWS_ENDPOINT_URL=${endpoint}`);
    expect(run.stderr).not.toMatch(/ECONNREFUSED/);
  });
});
