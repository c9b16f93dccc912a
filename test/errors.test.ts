/**
 * The service's errors: what each one is (its name, its place in the hierarchy), whether the
 * error middleware retries it (`retryable`), the message it carries, and the cause it keeps.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  InvalidEventError,
  InvalidSecretStateError,
  MemberAccessError,
  PermissionDeniedError,
  RemediationError,
  SecretNotFoundError,
  ThrottlingError,
  TransientAwsError,
  UsageError,
} from '../shared/errors.js';

const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-rst-euw1';
const MEMBER = { account: '444455556666', region: 'eu-west-1' } as const;

describe('Class: RemediationError and its kinds', () => {
  it.each<[string, RemediationError, boolean, (new (...args: never[]) => RemediationError)[]]>([
    ['RemediationError', new RemediationError('m'), false, []],
    ['SecretNotFoundError', new SecretNotFoundError('m'), false, []],
    ['InvalidSecretStateError', new InvalidSecretStateError('m'), false, []],
    ['PermissionDeniedError', new PermissionDeniedError('m'), false, []],
    ['TransientAwsError', new TransientAwsError('m'), true, []],
    ['ThrottlingError', new ThrottlingError('m'), true, [TransientAwsError]],
    ['ConfigError', new ConfigError('m'), false, []],
    ['MemberAccessError', new MemberAccessError(ROLE, 'm'), false, [PermissionDeniedError]],
  ])('%s is named so, retried only when transient, and is a RemediationError', (name, error, retryable, kinds) => {
    // Assess
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
    expect(error).toBeInstanceOf(RemediationError);
    expect(error).toBeInstanceOf(Error);
    for (const kind of kinds) expect(error).toBeInstanceOf(kind);
  });

  it('lets a RemediationError be marked retryable, and keeps the cause', () => {
    // Prepare
    const cause = new Error('socket hang up');

    // Act
    const error = new RemediationError('ListSecrets failed', { retryable: true, cause });

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('ListSecrets failed');
  });

  it('keeps a transient error retryable whatever the options say', () => {
    // Act
    const error = new ThrottlingError('PutEvents: ThrottlingException', { retryable: false } as ErrorOptions);

    // Assess
    expect(error.retryable).toBe(true);
  });
});

describe('Class: InvalidEventError', () => {
  it('says every problem in its message and keeps them, one per field', () => {
    // Act
    const error = new InvalidEventError(['detail.rule: missing (expected string)', 'source: Invalid input: expected "secrets-remediator"']);

    // Assess
    expect(error.message).toBe(
      'invalid event: detail.rule: missing (expected string); source: Invalid input: expected "secrets-remediator"',
    );
    expect(error.problems).toStrictEqual([
      'detail.rule: missing (expected string)',
      'source: Invalid input: expected "secrets-remediator"',
    ]);
    expect(error.name).toBe('InvalidEventError');
    expect(error.retryable).toBe(false);
  });
});

describe('Class: UsageError', () => {
  it('is a mistake in how a command was asked, not a RemediationError the middleware settles', () => {
    // Act
    const error = new UsageError('--format: expected json or text');

    // Assess
    expect(error.name).toBe('UsageError');
    expect(error).not.toBeInstanceOf(RemediationError);
    expect(error.message).toBe('--format: expected json or text');
  });
});

describe('Function: MemberAccessError.refused', () => {
  it('names the role, where, what STS said, and what to check when the role is refused', () => {
    // Prepare
    const cause = new Error('AccessDenied');

    // Act
    const error = MemberAccessError.refused(
      ROLE,
      MEMBER,
      'AccessDenied',
      `not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
      { cause },
    );

    // Assess
    expect(error).toBeInstanceOf(MemberAccessError);
    expect(error.roleArn).toBe(ROLE);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      `cannot assume ${ROLE} in eu-west-1 (AccessDenied: not authorized to perform: sts:AssumeRole on resource: ${ROLE}): ` +
        'check that the member stack is deployed in account 444455556666 and region eu-west-1 (a StackSet instance there), ' +
        "that the role's trust names this function's role and the organization, and that no SCP denies sts:AssumeRole",
    );
  });

  it('says to activate the region when STS is not active there', () => {
    // Act
    const error = MemberAccessError.refused(ROLE, MEMBER, 'RegionDisabledException', 'STS is not activated in this region');

    // Assess
    expect(error.message).toBe(
      `cannot assume ${ROLE} in eu-west-1 (RegionDisabledException: STS is not activated in this region): ` +
        "STS is not activated in eu-west-1 for the hub's account: activate the region's STS endpoint (IAM account settings)",
    );
  });
});
