/**
 * The policy file's errors: a bad policy is a ConfigError (it fails the cold start and the
 * packaging), naming the file, the stage and every problem; a missing or unreadable file says
 * so without calling the policy invalid.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, RemediationError } from '../../shared/errors.js';
import { PolicyError, PolicyFileError } from '../../shared/policy/errors.js';

const WHERE = { source: 'deploy/policy.yml', stage: 'prod' } as const;

describe('Class: PolicyError', () => {
  it('names the source, the stage and every problem, and keeps each', () => {
    // Prepare
    const problems = [
      'mode: expected "dry-run" or "enforce", received "on"',
      'unusedDays: expected an integer between 1 and 3650, received 0',
    ];

    // Act
    const error = new PolicyError(WHERE, problems);

    // Assess
    expect(error.message).toBe(
      'deploy/policy.yml (stage prod): invalid policy: mode: expected "dry-run" or "enforce", received "on"; ' +
        'unusedDays: expected an integer between 1 and 3650, received 0',
    );
    expect(error).toMatchObject({ name: 'PolicyError', source: 'deploy/policy.yml', stage: 'prod', problems, retryable: false });
  });

  it('is a ConfigError, so a bad policy fails the cold start as a bad setting does, and keeps its cause', () => {
    // Prepare
    const cause = new Error('validation');

    // Act
    const error = new PolicyError(WHERE, ['mode: missing'], { cause });

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(RemediationError);
    expect(error.cause).toBe(cause);
  });
});

describe('Class: PolicyFileError', () => {
  it('says what is wrong with the file, without calling the policy invalid', () => {
    // Act
    const error = new PolicyFileError(WHERE, 'policy file not found');

    // Assess
    expect(error.message).toBe('deploy/policy.yml (stage prod): policy file not found');
    expect(error).toMatchObject({
      name: 'PolicyFileError',
      source: 'deploy/policy.yml',
      stage: 'prod',
      problems: ['policy file not found'],
    });
    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toBeInstanceOf(ConfigError);
  });
});
