/**
 * The replay's sources as a user meets them: a real process reading a trail's bucket as
 * downloaded from S3, bad files among good ones, wrong paths, and the flags of
 * `--from-cloudtrail` — output and exit codes.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/events.js';

const replay = (args: string[], env: Record<string, string | undefined> = {}) => runCli(['replay', ...args], env);

const LOG_FILE = readFileSync(join(repoRoot, 'test', 'fixtures', 'cloudtrail', 'log-file.json'), 'utf8');

/** A downloaded bucket: one log file with Secrets Manager records, one without, and a file holding `null`. */
const bucket = (): string => {
  const root = mkdtempSync(join(tmpdir(), 'replay-sources-'));
  const day = join(root, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '24');
  mkdirSync(day, { recursive: true });
  writeFileSync(join(day, '123456789012_CloudTrail_us-east-1_20261124T1020Z_Ab12Cd34Ef56Gh78.json.gz'), gzipSync(LOG_FILE));
  const others = (JSON.parse(LOG_FILE) as { Records: { eventSource: string }[] }).Records.filter(
    (r) => r.eventSource !== 'secretsmanager.amazonaws.com',
  );
  writeFileSync(
    join(day, '123456789012_CloudTrail_us-east-1_20261124T1025Z_Zz98Yy76Xx54Ww32.json.gz'),
    gzipSync(JSON.stringify({ Records: others })),
  );
  writeFileSync(join(root, 'null.json'), 'null');
  return root;
};

describe('CLI: replay of CloudTrail exports', { timeout: 90_000 }, () => {
  it('replays the Secrets Manager records of a downloaded bucket, counts the rest, rejects the bad file on its own, and exits 1', async () => {
    const run = await replay([bucket()]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('source: CloudTrail log file: 5 records, 2 from Secrets Manager (3 of other services not replayed)');
    expect(run.stdout).toContain('finding 9e3f1074-5c6d-4eaf-9021-4c3d5e6f7083/rotation-failed');
    expect(run.stdout).toContain('REJECTED: event: expected a JSON object or an array of events, found null');
    expect(run.stdout).toContain('1 CloudTrail log file held no Secrets Manager record (3 records of other services): not replayed.');
    expect(run.stdout).not.toContain('Zz98Yy76Xx54Ww32');
  });

  it('prints the per-file note in --json too', async () => {
    const run = await replay(['--json', join(repoRoot, 'test', 'fixtures', 'cloudtrail', 'lookup-events.json')]);

    const [event, summary] = jsonLines(run.stdout);
    expect(run.code, run.stderr).toBe(0);
    expect(event).toMatchObject({
      source: 'lookup-events output: 2 records, 2 from Secrets Manager',
      findings: [{ rule: 'rotation-disabled' }],
    });
    expect(summary).toMatchObject({ summary: { events: 2, rejected: 0 } });
  });

  it('answers a wrong path, an empty folder and misplaced --from-cloudtrail flags with usage errors (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'replay-empty-'));

    const [missing, emptyFolder, sinceAlone, tooFar, withFiles] = await Promise.all([
      replay([join(empty, 'nope.json')]),
      replay([empty]),
      replay(['--since', '7d']),
      replay(['--from-cloudtrail', '--since', '120d']),
      replay(['--from-cloudtrail', 'events']),
    ]);

    expect([missing, emptyFolder, sinceAlone, tooFar, withFiles].map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(missing.stderr).toContain('no such file or folder');
    expect(emptyFolder.stderr).toContain('no event files in this folder');
    expect(sinceAlone.stderr).toContain('--since goes with --from-cloudtrail');
    expect(tooFar.stderr).toContain('keeps 90 days');
    expect(withFiles.stderr).toContain('--from-cloudtrail cannot be used with event files or folders');
  });

  it('explains a missing region before reading any history (exit 2)', async () => {
    const run = await replay(['--from-cloudtrail', '--since', '1d'], {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: no AWS region is set: set AWS_REGION or pass --region');
  });

  it('says in its help what --from-cloudtrail is for', async () => {
    const run = await replay(['--help']);

    expect(run.stdout).toContain('--from-cloudtrail');
    expect(run.stdout).toContain('before deploying');
  });
});
