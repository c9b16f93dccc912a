/**
 * AWS SDK errors → the service's errors, by `error.name`, keeping the
 * SDK error as `cause`. Unknown errors pass through unchanged and fail the invocation.
 * Throttling is recognised here and nowhere else, by the SDK's own classifier (the error codes,
 * HTTP 429, the throttling trait), so that every caller sees a ThrottlingError.
 */
import { isThrottlingError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import { InvalidSecretStateError, PermissionDeniedError, SecretNotFoundError, ThrottlingError, TransientAwsError } from '../errors.js';

const notFound = new Set(['ResourceNotFoundException']);
/** Only Secrets Manager's: there they mean "not valid for the secret as it is now". */
const invalidSecretState = new Set([
  'InvalidRequestException',
  'InvalidParameterException',
  // PutResourcePolicy with BlockPublicPolicy refuses a policy that still grants broad access.
  'PublicPolicyException',
  'MalformedPolicyDocumentException',
]);
const denied = new Set(['AccessDeniedException', 'AccessDenied', 'AuthorizationErrorException', 'KMSAccessDeniedException']);
/** Throttling the SDK's classifier does not list. */
const throttlingToo = new Set(['KMSThrottlingException']);
const transient = new Set([
  'InternalServiceError',
  'InternalFailure',
  'InternalErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
}

export type AwsService =
  | 'secretsmanager'
  | 'events'
  | 'sns'
  | 'dynamodb'
  | 'config'
  | 'securityhub'
  | 'sts'
  | 'organizations'
  | 'cloudwatch';

export const mapAwsError = (error: unknown, service: AwsService, operation: string): unknown => {
  if (!(error instanceof Error)) return error;
  const { name = 'Error', message = '', $fault, $retryable } = error as SdkErrorShape;
  const text = `${operation}: ${name}: ${message}`.trim();
  if (service === 'secretsmanager' && notFound.has(name)) return new SecretNotFoundError(text, { cause: error });
  if (service === 'secretsmanager' && invalidSecretState.has(name)) return new InvalidSecretStateError(text, { cause: error });
  if (denied.has(name)) return new PermissionDeniedError(text, { cause: error });
  // Security Hub's answer when it is not enabled in the account and Region (or the caller may not use it).
  if (service === 'securityhub' && name === 'InvalidAccessException') {
    return new PermissionDeniedError(`${text} (is Security Hub enabled in this account and Region?)`, { cause: error });
  }
  if (throttlingToo.has(name) || isThrottlingError(error as SdkError)) return new ThrottlingError(text, { cause: error });
  if (transient.has(name) || $fault === 'server' || $retryable) return new TransientAwsError(text, { cause: error });
  return error;
};

/** Runs one SDK call and maps its error. */
export const callAws = async <T>(service: AwsService, operation: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw mapAwsError(error, service, operation);
  }
};
