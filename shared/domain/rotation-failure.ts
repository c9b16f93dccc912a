/**
 * What a failed rotation's `errorMessage` says, and what to do about it. Secrets Manager writes
 * "Error when executing lambda <arn> during <step> step" (DESIGN §3).
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
      "the function's role may call secretsmanager:GetSecretValue, PutSecretValue and GetRandomPassword on this secret",
      'the function can reach Secrets Manager (a VPC function needs a Secrets Manager VPC endpoint or a NAT gateway)',
      "the function's role may use the secret's KMS key (kms:Decrypt, kms:GenerateDataKey)",
    ],
  },
  setSecret: {
    meaning: 'the rotation function could not set the new credentials in the database or service',
    checks: [
      'the function can reach the database (security groups, subnets, network ACLs)',
      'the credentials it logs in with may change passwords (for alternating users: the superuser secret)',
      'the new password meets the database password policy',
    ],
  },
  testSecret: {
    meaning: 'the new credentials were set but did not work when tested',
    checks: [
      'the host, port and database name in the secret are still right',
      'the new password was really applied (replication lag, a read replica, a connection pooler caching logins)',
      'the database accepts the login from the function (pg_hba.conf, TLS requirements)',
    ],
  },
  finishSecret: {
    meaning: 'the rotation function could not move AWSCURRENT to the new version',
    checks: [
      "the function's role may call secretsmanager:UpdateSecretVersionStage",
      'nothing else moved the staging labels during the rotation',
    ],
  },
  unknown: {
    meaning: 'the rotation failed and the error message named no step',
    checks: [
      "the rotation function's CloudWatch log group shows no error it could not handle",
      "Secrets Manager may invoke the function (its resource policy allows secretsmanager.amazonaws.com)",
    ],
  },
};
