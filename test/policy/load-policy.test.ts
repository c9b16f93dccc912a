import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError, PolicyFileError } from '../../shared/policy/errors.js';
import { loadPolicy, resolvePolicyFile } from '../../shared/policy/load-policy.js';
import { tempFile } from '../helpers/policy.js';

describe('Function: loadPolicy', () => {
  it('reads and validates the file for the stage', () => {
    // Prepare
    const file = tempFile('policy.yml', 'unusedDays: 30\nstages:\n  prod: { mode: enforce }\n');

    // Act
    const policy = loadPolicy({ file, stage: 'prod' });

    // Assess
    expect(policy.mode).toBe('enforce');
    expect(policy.unusedDays).toBe(30);
  });

  it('fails on a missing file with a PolicyError that says so', () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yml');

    // Act
    const act = () => loadPolicy({ file, stage: 'dev' });

    // Assess
    expect(act).toThrow(PolicyFileError);
    expect(act).toThrow(PolicyError);
    expect(act).toThrow(`${file} (stage dev): policy file not found`);
  });

  it('names the file in a validation error', () => {
    // Prepare
    const file = tempFile('policy.yml', 'mode: yolo\n');

    // Act
    const act = () => loadPolicy({ file, stage: 'dev' });

    // Assess
    expect(act).toThrow(`${file} (stage dev): invalid policy: mode: expected "dry-run" or "enforce", received "yolo"`);
  });
});

describe('Function: resolvePolicyFile', () => {
  it.each([
    ['the Lambda package root', { LAMBDA_TASK_ROOT: '/var/task' }, '/var/task/policy.yml'],
    [
      'POLICY_FILE under the package root',
      { LAMBDA_TASK_ROOT: '/var/task', POLICY_FILE: 'config/policy.prod.yml' },
      '/var/task/config/policy.prod.yml',
    ],
    ['an absolute POLICY_FILE', { LAMBDA_TASK_ROOT: '/var/task', POLICY_FILE: '/opt/policy.yml' }, '/opt/policy.yml'],
    ['the working directory, locally', {}, join(process.cwd(), 'policy.yml')],
    ['empty variables as unset', { LAMBDA_TASK_ROOT: '', POLICY_FILE: '' }, join(process.cwd(), 'policy.yml')],
  ])('resolves against %s', (_label, env, expected) => {
    // Act & Assess
    expect(resolvePolicyFile(env)).toBe(expected);
  });
});
