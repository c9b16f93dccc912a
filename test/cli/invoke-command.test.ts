/**
 * `secrets-remediator invoke`: one function, run once on one event file against the sandbox
 * account, its answer printed as JSON and its exit code saying whether the event was taken.
 * Every case runs the real process.
 */
import { describe, expect, it } from 'vitest';
import { functionNames } from '../../shared/contracts/functions.js';
import { runCli } from '../helpers/cli.js';

const UMCCR = 'events/rotation-failed/fires.RotationFailed.published-umccr.json';
const DELETED = 'events/secret-deleted/fires.DeleteSecret.authored.by-developer.json';

describe('CLI: secrets-remediator invoke', { timeout: 120_000 }, () => {
  it("prints the function's answer as JSON and exits 0", async () => {
    const run = await runCli(['invoke', 'classify', '--event', UMCCR]);

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ status: 'published', findings: [expect.stringMatching(/\/rotation-failed$/)] });
  });

  it('exits 1 when the function rejects the event, and prints what is wrong with it', async () => {
    // restore-secret takes a finding from the project bus, not a CloudTrail event.
    const run = await runCli(['invoke', 'restore-secret', '-e', DELETED]);

    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'rejected',
      problems: expect.arrayContaining(['detail.rule: missing (expected string)']),
    });
  });

  it("shows the function's structured logs with --verbose", async () => {
    const run = await runCli(['invoke', 'classify', '-e', DELETED, '--verbose']);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('"level"');
    expect(run.stdout).toContain('"status": "published"');
  });

  it('refuses an unknown function, listing the valid ones, and a missing event file, with exit 2', async () => {
    const [unknown, missing, noEvent] = await Promise.all([
      runCli(['invoke', 'clasify', '--event', UMCCR]),
      runCli(['invoke', 'classify', '--event', 'events/no-such-event.json']),
      runCli(['invoke', 'classify']),
    ]);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`Allowed choices are ${functionNames.join(', ')}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--event events/no-such-event.json: no such file');
    expect(noEvent.code).toBe(2);
    expect(noEvent.stderr).toContain("required option '-e, --event <file>' not specified");
  });
});
