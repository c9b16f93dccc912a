/**
 * AWS SDK errors → the service's errors, by `error.name` (DESIGN §4, STYLE "Errors"), keeping the
 * SDK error as `cause`. Unknown errors pass through unchanged and fail the invocation.
 */
import {
  InvalidSecretStateError,
  PermissionDeniedError,
  SecretNotFoundError,
  TransientAwsError,
} from '../errors.js';

const notFound = new Set(['ResourceNotFoundException']);
const invalidState = new Set(['InvalidRequestException', 'InvalidParameterException']);
const denied = new Set(['AccessDeniedException', 'AccessDenied', 'AuthorizationErrorException', 'KMSAccessDeniedException']);
const transient = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
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
}

export const mapAwsError = (error: unknown, operation: string): unknown => {
  if (!(error instanceof Error)) return error;
  const { name, message, $fault } = error as SdkErrorShape;
  const text = `${operation}: ${name ?? 'Error'}: ${message ?? ''}`.trim();
  if (name && notFound.has(name)) return new SecretNotFoundError(text, { cause: error });
  if (name && invalidState.has(name)) return new InvalidSecretStateError(text, { cause: error });
  if (name && denied.has(name)) return new PermissionDeniedError(text, { cause: error });
  if ((name && transient.has(name)) || $fault === 'server') return new TransientAwsError(text, { cause: error });
  return error;
};

/** Runs one SDK call and maps its error. */
export const callAws = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw mapAwsError(error, operation);
  }
};
