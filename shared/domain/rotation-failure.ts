/**
 * What a failed rotation's `errorMessage` says, and what to do about it. Secrets Manager writes
 * "Error when executing lambda <arn> during <step> step".
 */
import type { RotationStep } from '../contracts/finding.js';

export interface RotationFailure {
  readonly rotationLambdaArn?: string;
  readonly failingStep?: RotationStep;
}

const STEP = /during (createSecret|setSecret|testSecret|finishSecret) step/i;
const LAMBDA = /lambda (arn:\S+)/i;
const canonicalSteps: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Reads the rotation function and failing step; either may be absent (other messages, redaction). */
export const parseRotationError = (message: string | undefined): RotationFailure => {
  if (!message) return {};
  const step = STEP.exec(message)?.[1]?.toLowerCase();
  const failingStep = canonicalSteps.find((s) => s.toLowerCase() === step);
  const rotationLambdaArn = LAMBDA.exec(message)?.[1];
  return { ...(rotationLambdaArn ? { rotationLambdaArn } : {}), ...(failingStep ? { failingStep } : {}) };
};

/** Secrets Manager accepts a ClientRequestToken of 32 to 64 characters. */
const TOKEN = /^[\w-]{32,64}$/;

/**
 * The failed rotation's ClientRequestToken — the id of the version it created — from the
 * service event's `requestID`, `Rotation-<secret ARN>-<token>`. Read only behind the secret's
 * full ARN, known from the event itself: a name may contain hyphens, so the token cannot be
 * told from the name any other way. Undefined when the ARN is unknown or redacted, or the
 * request id has another form.
 */
export const rotationTokenOf = (requestId: string | undefined, secretArn: string | undefined): string | undefined => {
  if (!requestId || !secretArn) return undefined;
  const prefix = `Rotation-${secretArn}-`;
  if (!requestId.startsWith(prefix)) return undefined;
  const token = requestId.slice(prefix.length);
  return TOKEN.test(token) ? token : undefined;
};

export interface StepAdvice {
  /** What the step does, so the reader knows what broke. */
  readonly meaning: string;
  /** What to check, most likely cause first. */
  readonly checks: readonly string[];
}

/** Advice per rotation step; `unknown` when the message named none. */
export const rotationStepAdvice: Readonly<Record<RotationStep | 'unknown', StepAdvice>> = {
  createSecret: {
    meaning: 'the rotation function could not create the new secret version (AWSPENDING)',
    checks: [
      "Check that the function's role may call secretsmanager:GetSecretValue, PutSecretValue and GetRandomPassword on this secret.",
      'Check that the function can reach Secrets Manager (a function in a VPC needs a Secrets Manager VPC endpoint or a NAT gateway).',
      "Check that the function's role may use the secret's KMS key (kms:Decrypt, kms:GenerateDataKey).",
    ],
  },
  setSecret: {
    meaning: 'the rotation function could not set the new credentials in the database or service',
    checks: [
      'Check that the function can reach the database (security groups, subnets, network ACLs).',
      'Check that the login the function uses may change passwords (for alternating users: the superuser secret).',
      'Check that the new password meets the database password policy.',
    ],
  },
  testSecret: {
    meaning: 'the new credentials were set but did not work when tested',
    checks: [
      'Check that the host, port and database name in the secret are still right.',
      'Check that the new password was really applied (replication lag, a read replica, a connection pooler caching logins).',
      'Check that the database accepts the login from the function (pg_hba.conf, TLS requirements).',
    ],
  },
  finishSecret: {
    meaning: 'the rotation function could not move AWSCURRENT to the new version',
    checks: [
      "Check that the function's role may call secretsmanager:UpdateSecretVersionStage.",
      'Check that nothing else moved the staging labels during the rotation.',
    ],
  },
  unknown: {
    meaning: 'the rotation failed and the error message named no step',
    checks: [
      "Read the rotation function's CloudWatch log group for the error.",
      "Check that the function's resource policy lets secretsmanager.amazonaws.com invoke it.",
    ],
  },
};
