import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/events.js';
import { tempFile } from '../helpers/policy.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const checkPolicy = async (...args: string[]): Promise<Run> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['shared/cli/main.ts', 'validate', ...args],
      {
        cwd: repoRoot,
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('CLI: secrets-remediator validate', { timeout: 60_000 }, () => {
  it('prints a one-line summary of the shipped policy and exits 0', async () => {
    // Act
    const run = await checkPolicy('--stage', 'prod');

    // Assess
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^policy\.yml \(stage prod\): valid — mode dry-run, 0 allowed admins, .*no stages\.prod override\n$/);
  });

  it('prints every problem on its own line, each naming its field, and exits 2', async () => {
    // Prepare
    const file = tempFile('policy.yml', 'mode: enforcing\nstages:\n  prod:\n    unusedDay: 3\n');

    // Act
    const run = await checkPolicy('--policy', file);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      `error: ${file} (stage dev): invalid policy, 2 problems:`,
      '  mode: expected "dry-run" or "enforce", received "enforcing"',
      '  stages.prod.unusedDay: unknown field (did you mean "unusedDays"?)',
      '',
    ]);
  });

  it('says when the file is missing and exits 2', async () => {
    // Act
    const run = await checkPolicy('--stage', 'prod', '--policy', 'no-such-policy.yml');

    // Assess
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'error: no-such-policy.yml (stage prod): policy file not found\n' });
  });
});
