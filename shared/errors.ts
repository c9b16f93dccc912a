/**
 * The service's errors. Adapters map AWS SDK errors (by `error.name`) to these, keeping the
 * original as `cause`, so the domain and the handlers never see SDK types.
 *
 * `retryable` tells the error middleware (shared/middleware/settle-errors.ts, its one reader)
 * whether to rethrow (Lambda's async retries, then the dead-letter destination) or to settle the
 * invocation as `failed` with an error log: false for what retrying cannot fix.
 */
export class RemediationError extends Error {
  public readonly retryable: boolean;

  public constructor(message: string, options?: ErrorOptions & { retryable?: boolean }) {
    super(message, options);
    this.name = 'RemediationError';
    this.retryable = options?.retryable ?? false;
  }
}

/** The incoming event is not what the function expects: not JSON, no envelope, no secret. */
export class InvalidEventError extends RemediationError {
  /** Each problem as `path: what is wrong`, so the log line names the missing field. */
  public readonly problems: readonly string[];

  public constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`invalid event: ${problems.join('; ')}`, options);
    this.name = 'InvalidEventError';
    this.problems = problems;
  }
}

/** The secret does not exist (any more): ResourceNotFoundException. */
export class SecretNotFoundError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretNotFoundError';
  }
}

/** The secret is scheduled for deletion, or the request is invalid for its current state. */
export class InvalidSecretStateError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidSecretStateError';
  }
}

/** AccessDenied: the function's role lacks a permission, or a policy denies it. */
export class PermissionDeniedError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermissionDeniedError';
  }
}

/** Throttling, 5xx, network: worth retrying; the invocation fails so Lambda retries it. */
export class TransientAwsError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, { ...options, retryable: true });
    this.name = 'TransientAwsError';
  }
}

/**
 * AWS refused the call for its rate (ThrottlingException, TooManyRequests, 429, ...). Recognised
 * once, in the adapter, by the SDK's own classification: callers that pace themselves (the
 * sweep's listing) slow every reader down on it rather than just retry.
 */
export class ThrottlingError extends TransientAwsError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ThrottlingError';
  }
}

/** Bad configuration at cold start: fail fast, naming the setting. */
export class ConfigError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * The user asked a command for something that cannot be done as asked (a bad flag, a missing
 * file, a format it cannot write); the message says what to do. The CLI exits 2 on it. Here,
 * on the ground floor, because the loaders and writers that find the problem sit below the CLI.
 */
export class UsageError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * A member role could not be assumed (organisation mode): the member stack is not deployed in
 * that account and region, its trust does not name this function's role, or an SCP denies it.
 * A PermissionDeniedError, so it settles as `failed` (never a crash, never a retry: retrying
 * cannot deploy a stack); the message names the role ARN and what to check.
 */
export class MemberAccessError extends PermissionDeniedError {
  public readonly roleArn: string;

  public constructor(roleArn: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MemberAccessError';
    this.roleArn = roleArn;
  }

  /**
   * STS refused the role (`code`: AccessDenied, RegionDisabledException, ...): the message says
   * which role, where, and what to check. One wording for the STS adapter and the sandbox.
   */
  public static refused(
    roleArn: string,
    place: { readonly account: string; readonly region: string },
    code: string,
    detail: string,
    options?: ErrorOptions,
  ): MemberAccessError {
    const advice =
      code === 'RegionDisabledException'
        ? `STS is not activated in ${place.region} for the hub's account: activate the region's STS endpoint (IAM account settings)`
        : `check that the member stack is deployed in account ${place.account} and region ${place.region} (a StackSet instance there), ` +
          "that the role's trust names this function's role and the organization, and that no SCP denies sts:AssumeRole";
    return new MemberAccessError(roleArn, `cannot assume ${roleArn} in ${place.region} (${code}: ${detail}): ${advice}`, options);
  }
}
