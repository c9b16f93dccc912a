/**
 * The script packaging runs (deploy/facts.cjs, through tsx) to learn what serverless.yml takes
 * from the policy: every fact at once, each with its value or its own error, and a failure
 * told to the person deploying in words, not a stack trace. Each case runs the real process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configCompliancePattern } from '../../shared/rules/config-pattern.js';
import { serviceRoleNames } from '../../shared/domain/service-roles.js';
import { repoRoot } from '../helpers/events.js';
import { samplePolicy, tempFile } from '../helpers/policy.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tsx shared/cli/deployment-facts.ts <args>` in the repository root. */
const facts = async (...args: string[]): Promise<Run> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['shared/cli/deployment-facts.ts', ...args],
      { cwd: repoRoot },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
};

describe('Script: deployment-facts', { timeout: 60_000 }, () => {
  it('prints every fact at once, each with its value or, for that fact alone, why it cannot be computed', async () => {
    // The sample policy guards an organisation but names no root: only the StackSet's fact needs one.
    const run = await facts('all', '--stage', 'dev', '--region', 'eu-west-1', 'events/policy.yml');

    expect(run.code, run.stderr).toBe(0);
    const all = JSON.parse(run.stdout) as Record<string, { value?: unknown; error?: string }>;
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['config-pattern', 'role-names', 'sweep-schedule', 'operations']));
    expect(Object.entries(all).filter(([, fact]) => 'error' in fact)).toEqual([
      ['organisation', { error: expect.stringContaining('organisation.rootId is missing') }],
    ]);
    expect(all['config-pattern']?.value).toEqual(configCompliancePattern(samplePolicy));
    expect(all['role-names']?.value).toEqual(serviceRoleNames('dev', 'eu-west-1'));
    expect(all['sweep-schedule']?.value).toBe(samplePolicy.sweep.schedule);
  });

  it('prints one fact alone when asked for it', async () => {
    const run = await facts('role-names', '--stage', 'prod', '--region', 'ap-southeast-2', 'events/policy.yml');

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(serviceRoleNames('prod', 'ap-southeast-2'));
  });

  it('fails with the reason alone, exit 2, when the policy cannot be read', async () => {
    const file = tempFile('policy.yml', 'mode: sometimes\n');

    const run = await facts('all', '--stage', 'dev', file);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('mode');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses a fact it does not know, listing the ones it does', async () => {
    const run = await facts('no-such-fact', '--stage', 'dev', 'events/policy.yml');

    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Allowed choices are config-pattern, read-calls-pattern, .*, all/);
  });
});
