/**
 * What `secrets-remediator replay` prints for a person in a hurry (`--quiet`) and for a script
 * (`--json`, closed by one summary line), and how it treats a file that breaks the chain: that
 * file alone is rejected, the run goes on, the exit code says so. Real processes, real files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli.js';
import { loadSampleEvent, sampleEventFiles } from '../helpers/events.js';

const DELETED = 'secret-deleted/fires.DeleteSecret.authored.by-developer.json';
const SUCCEEDED = 'events/rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json';
/** Text a report must never repeat: it stands for whatever a hostile event carries. */
const MARKER = 'HOSTILE-MARKER-7f3a';

interface Report {
  event: string;
  findings: { actions: { outcome: string }[]; alert?: unknown }[];
  rejected?: string[];
  events?: number;
  crashed?: { step: string; errorClass: string; reason: string };
}

interface Summary {
  events: number;
  findings: number;
  actions: Record<string, number>;
  alerts: number;
  digests: number;
  messages: { sns: number; chatbot: number; slack: number };
  rejected: number;
}

const hostileDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-hostile-'));
  // A lone UTF-16 surrogate in the secret's name: text no encoder accepts.
  const surrogate = loadSampleEvent<{ detail: { requestParameters: { secretId: string } } }>(DELETED);
  surrogate.detail.requestParameters.secretId = `prod/${MARKER}-`;
  writeFileSync(join(dir, 'a-lone-surrogate.json'), JSON.stringify(surrogate).replace(`${MARKER}-`, `${MARKER}\\ud800`));
  // A request parameter nested 5,000 levels deep.
  const deep = loadSampleEvent<{ detail: { requestParameters: Record<string, unknown> } }>(DELETED);
  deep.detail.requestParameters.nested = '__DEEP__';
  writeFileSync(
    join(dir, 'b-deeply-nested.json'),
    JSON.stringify(deep).replace('"__DEEP__"', `${'{"a":'.repeat(5000)}"${MARKER}"${'}'.repeat(5000)}`),
  );
  return dir;
};

describe('CLI: secrets-remediator replay output', { timeout: 120_000 }, () => {
  it('prints one line per event with --quiet, then the summary with its nouns in the right number', async () => {
    const run = await runCli(['replay', '--quiet']);

    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const files = sampleEventFiles();
    expect(lines.slice(0, files.length).map((line) => line.slice(0, line.indexOf(': ')))).toEqual(files.map((f) => join('events', f)));
    expect(lines.find((l) => l.startsWith('events/rotation-failed/fires.RotationFailed.published-umccr.json'))).toMatch(
      /: rotation-failed \S+\/rotation-failed \(high\): clear-stale-pending planned; alert yes$/,
    );
    expect(lines.find((l) => l.startsWith('events/rotation-succeeded/silent.'))).toMatch(/: no rule matches$/);
    expect(lines[files.length]).toMatch(/^97 events replayed against the sandbox account in dry-run mode: .* 32 findings, 16 actions \(/);
    expect(lines.length).toBe(files.length + 2);
  });

  it('says "1 event" and "1 finding" for one', async () => {
    const run = await runCli(['replay', '--quiet', SUCCEEDED]);

    expect(run.stdout).toContain('1 event replayed against the sandbox account in dry-run mode: 1 routed, 1 finding, 0 actions');
    expect(run.stdout).toContain('1 alert, 0 digests; 0 rejected.');
  });

  it('ends --json with one summary line whose counts are those of the event lines', async () => {
    const run = await runCli(['replay', '--json']);

    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    const summaries = lines.filter((line) => 'summary' in line);
    expect(summaries).toHaveLength(1);
    expect(lines.at(-1)).toBe(summaries[0]);
    const summary = summaries[0]?.summary as Summary;
    const reports = lines.slice(0, -1) as unknown as Report[];
    const findings = reports.flatMap((r) => r.findings);
    const outcomes = findings.flatMap((f) => f.actions.map((a) => a.outcome));
    expect(summary).toMatchObject({
      // A file may hold several events (a JSON array): the summary counts events, each report says how many it held.
      events: reports.reduce((n, r) => n + (r.events ?? 1), 0),
      findings: findings.length,
      alerts: findings.filter((f) => f.alert).length,
      rejected: reports.filter((r) => r.rejected).length,
    });
    for (const [outcome, count] of Object.entries(summary.actions))
      expect(count, outcome).toBe(outcomes.filter((o) => o === outcome).length);
    expect(Object.values(summary.actions).reduce((a, b) => a + b, 0)).toBe(outcomes.length);
    // Storms held some alerts for a digest; every alert and digest went to the topic, and the
    // sample policy turns Chatbot and Slack on, so each channel got the same number.
    expect(summary.digests).toBeGreaterThan(0);
    expect(summary.messages).toEqual({
      sns: summary.alerts + summary.digests,
      chatbot: summary.alerts + summary.digests,
      slack: summary.alerts + summary.digests,
    });
  });

  it('reports a file that breaks the chain as rejected on its own, quoting none of it, replays the rest, and exits 1', async () => {
    const dir = hostileDir();

    const [json, text] = await Promise.all([runCli(['replay', '--json', dir, SUCCEEDED]), runCli(['replay', dir, SUCCEEDED])]);

    const lines = jsonLines(json.stdout);
    const reports = lines.slice(0, -1) as unknown as Report[];
    // Whether each hostile file crashes or is refused depends on the handlers' own defences;
    // either way it is that file's report only, and a rejected file makes the run exit 1.
    expect(json.code, json.stderr).toBe(reports.some((r) => r.rejected) ? 1 : 0);
    expect(reports.map((r) => r.event)).toEqual([
      expect.stringMatching(/a-lone-surrogate\.json$/),
      expect.stringMatching(/b-deeply-nested\.json$/),
      SUCCEEDED,
    ]);
    expect(reports[2]).toMatchObject({ findings: [{ alert: expect.anything() }] });
    expect(reports[2]?.rejected).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ summary: { events: 3, rejected: reports.filter((r) => r.rejected).length } });
    for (const report of reports.filter((r) => r.crashed)) {
      expect(report.crashed?.errorClass).toMatch(/^[A-Za-z]+Error$/);
      expect(report.rejected?.[0]).toContain(`threw ${report.crashed?.errorClass}: `);
    }
    expect(json.stdout).not.toContain(MARKER);
    expect(text.stdout).not.toContain(MARKER);
    expect(text.stdout).toContain('3 events replayed');
    expect(json.stderr).toBe('');
  });
});
