/**
 * The one mapping of AWS SDK errors to the service's errors: by the error's name and the service
 * that answered, throttling by the SDK's own classifier, the SDK error kept as the cause, and an
 * error it does not know passed through unchanged (it fails the invocation as it is).
 */
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { type AwsService, callAws, mapAwsError } from '../../shared/adapters/aws-errors.js';
import {
  InvalidSecretStateError,
  PermissionDeniedError,
  SecretNotFoundError,
  ThrottlingError,
  TransientAwsError,
} from '../../shared/errors.js';
import { settle } from '../helpers/settle.js';

/**
 * An error as the SDK throws it: a service exception with its name, fault and HTTP status (every
 * client's exceptions share the base class; Secrets Manager's stands for all of them).
 */
const sdkError = (
  name: string,
  options: { fault?: 'client' | 'server'; status?: number; message?: string } = {},
): SecretsManagerServiceException =>
  new SecretsManagerServiceException({
    name,
    $fault: options.fault ?? 'client',
    message: options.message ?? `${name} happened`,
    $metadata: { httpStatusCode: options.status ?? 400 },
  });

describe('Function: mapAwsError', () => {
  it.each([
    ['secretsmanager', 'ResourceNotFoundException', SecretNotFoundError, false],
    ['secretsmanager', 'InvalidRequestException', InvalidSecretStateError, false],
    ['secretsmanager', 'InvalidParameterException', InvalidSecretStateError, false],
    ['secretsmanager', 'PublicPolicyException', InvalidSecretStateError, false],
    ['secretsmanager', 'MalformedPolicyDocumentException', InvalidSecretStateError, false],
    ['secretsmanager', 'AccessDeniedException', PermissionDeniedError, false],
    ['sts', 'AccessDenied', PermissionDeniedError, false],
    ['sns', 'AuthorizationErrorException', PermissionDeniedError, false],
    ['secretsmanager', 'KMSAccessDeniedException', PermissionDeniedError, false],
    ['securityhub', 'InvalidAccessException', PermissionDeniedError, false],
    ['dynamodb', 'ThrottlingException', ThrottlingError, true],
    ['dynamodb', 'ProvisionedThroughputExceededException', ThrottlingError, true],
    ['secretsmanager', 'KMSThrottlingException', ThrottlingError, true],
    ['secretsmanager', 'InternalServiceError', TransientAwsError, true],
    ['dynamodb', 'InternalFailure', TransientAwsError, true],
    ['sns', 'InternalErrorException', TransientAwsError, true],
    ['events', 'ServiceUnavailable', TransientAwsError, true],
    ['config', 'ServiceUnavailableException', TransientAwsError, true],
  ] as const)('maps %s %s to %o, retryable %s, keeping the SDK error as cause', (service, name, mappedTo, retryable) => {
    // Prepare
    const error = sdkError(name);

    // Act
    const mapped = mapAwsError(error, service, 'SomeCall');

    // Assess
    expect(mapped).toBeInstanceOf(mappedTo);
    expect(mapped).toMatchObject({ name: mappedTo.name, retryable, cause: error });
  });

  it('names the operation, the AWS error and its message', () => {
    // Act
    const mapped = mapAwsError(sdkError('AccessDeniedException', { message: 'not authorized' }), 'secretsmanager', 'DescribeSecret');

    // Assess
    expect(mapped).toMatchObject({ message: 'DescribeSecret: AccessDeniedException: not authorized' });
  });

  it('says Security Hub may not be enabled when it answers InvalidAccessException', () => {
    // Act
    const mapped = mapAwsError(sdkError('InvalidAccessException'), 'securityhub', 'BatchImportFindings');

    // Assess
    expect(mapped).toMatchObject({ message: expect.stringContaining('is Security Hub enabled in this account and Region?') as unknown });
  });

  it.each(['sns', 'dynamodb', 'events', 'sts'] as const)(
    "leaves Secrets Manager's own meanings to Secrets Manager: ResourceNotFoundException from %s passes through",
    (service: AwsService) => {
      // Prepare
      const error = sdkError('ResourceNotFoundException');

      // Act
      const mapped = mapAwsError(error, service, 'SomeCall');

      // Assess
      expect(mapped).toBe(error);
    },
  );

  it('takes InvalidAccessException for a refusal only from Security Hub', () => {
    // Prepare
    const error = sdkError('InvalidAccessException');

    // Act
    const mapped = mapAwsError(error, 'sns', 'Publish');

    // Assess
    expect(mapped).toBe(error);
  });

  it('takes any error answered with HTTP 429 as throttling, whatever its name', () => {
    // Act
    const mapped = mapAwsError(sdkError('SlowDown', { status: 429 }), 'secretsmanager', 'ListSecrets');

    // Assess
    expect(mapped).toBeInstanceOf(ThrottlingError);
  });

  it('takes an unnamed server fault, or an error the SDK marks retryable, as transient', () => {
    // Prepare
    const serverFault = sdkError('BadGateway', { fault: 'server', status: 502 });
    const markedRetryable = Object.assign(sdkError('SomethingOdd'), { $retryable: {} });

    // Act
    const mapped = [mapAwsError(serverFault, 'events', 'PutEvents'), mapAwsError(markedRetryable, 'events', 'PutEvents')];

    // Assess
    expect(mapped[0]).toBeInstanceOf(TransientAwsError);
    expect(mapped[1]).toBeInstanceOf(TransientAwsError);
    expect(mapped[0]).not.toBeInstanceOf(ThrottlingError);
  });

  it('passes a client error it does not know through unchanged', () => {
    // Prepare
    const error = sdkError('DecryptionFailure');

    // Act
    const mapped = mapAwsError(error, 'secretsmanager', 'DescribeSecret');

    // Assess
    expect(mapped).toBe(error);
  });

  it('passes what is not an Error through unchanged', () => {
    // Prepare
    const thrown = { code: 'weird' };

    // Act
    const mapped = mapAwsError(thrown, 'secretsmanager', 'DescribeSecret');

    // Assess
    expect(mapped).toBe(thrown);
  });
});

describe('Function: callAws', () => {
  it("answers the call's value", async () => {
    // Act
    const value = await callAws('sns', 'Publish', () => Promise.resolve({ MessageId: 'm-1' }));

    // Assess
    expect(value).toStrictEqual({ MessageId: 'm-1' });
  });

  it("rejects with the mapped error when the call's SDK error is one it knows", async () => {
    // Prepare
    const error = sdkError('AuthorizationErrorException', { status: 403 });

    // Act
    const outcome = await settle(callAws('sns', 'Publish', () => Promise.reject(error)));

    // Assess
    expect(outcome.error).toBeInstanceOf(PermissionDeniedError);
    expect(outcome.error).toMatchObject({
      message: 'Publish: AuthorizationErrorException: AuthorizationErrorException happened',
      cause: error,
    });
  });
});
