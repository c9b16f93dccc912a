/**
 * One secret, prod/payments/db, written three times on purpose: as the sandbox seed, as AWS's
 * DescribeSecret answer, and as the SecretState both SecretsPort implementations must return.
 * The SecretsPort contract, the adapter's and the sandbox's tests share it.
 */
import type { DescribeSecretResponse, SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { SecretState } from '../../shared/ports/secrets.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';

export const ACCOUNT_PREFIX = 'arn:aws:secretsmanager:us-east-1:123456789012:secret';
export const NAME = 'prod/payments/db';
export const ARN = `${ACCOUNT_PREFIX}:${NAME}-a1B2c3`;
/** The ARN without its 6-character suffix, which AWS (and the sandbox) also resolve. */
export const PARTIAL_ARN = `${ACCOUNT_PREFIX}:${NAME}`;
export const UNKNOWN_ARN = `${ACCOUNT_PREFIX}:prod/ghost-Zz9Zz9`;
export const ROTATION_LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-payments-db';
export const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const CURRENT = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
export const PENDING = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222';
export const PREVIOUS = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE33333';
export const LAST_ROTATED = '2026-10-01T08:00:00.000Z';
export const LAST_CHANGED = '2026-11-20T09:30:00.000Z';
export const DELETED = '2026-11-24T17:00:00.000Z';
export const CREATED = '2025-03-14T10:00:00.000Z';
/** AWS keeps the day a secret was last read, at midnight UTC. */
export const LAST_ACCESSED = '2026-11-24T00:00:00.000Z';
export const NEXT_ROTATION = '2026-12-01T08:00:00.000Z';

export const paymentsDb = {
  name: NAME,
  arn: ARN,
  rotationEnabled: true,
  rotationLambdaArn: ROTATION_LAMBDA,
  lastRotatedDate: LAST_ROTATED,
  lastChangedDate: LAST_CHANGED,
  createdDate: CREATED,
  lastAccessedDate: LAST_ACCESSED,
  nextRotationDate: NEXT_ROTATION,
  kmsKeyId: KMS_KEY,
  tags: { owner: 'payments', env: 'prod' },
  versions: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING'], [PREVIOUS]: ['AWSPREVIOUS'] },
} satisfies SecretSeed;

export const paymentsDbDescribed = {
  ARN,
  Name: NAME,
  RotationEnabled: true,
  RotationLambdaARN: ROTATION_LAMBDA,
  LastRotatedDate: new Date(LAST_ROTATED),
  LastChangedDate: new Date(LAST_CHANGED),
  CreatedDate: new Date(CREATED),
  LastAccessedDate: new Date(LAST_ACCESSED),
  NextRotationDate: new Date(NEXT_ROTATION),
  KmsKeyId: KMS_KEY,
  Tags: [
    { Key: 'owner', Value: 'payments' },
    { Key: 'env', Value: 'prod' },
  ],
  VersionIdsToStages: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING'], [PREVIOUS]: ['AWSPREVIOUS'] },
} satisfies DescribeSecretResponse;

export const paymentsDbState: SecretState = {
  arn: ARN,
  name: NAME,
  rotationEnabled: true,
  rotationLambdaArn: ROTATION_LAMBDA,
  lastRotatedDate: new Date(LAST_ROTATED),
  lastChangedDate: new Date(LAST_CHANGED),
  createdDate: new Date(CREATED),
  lastAccessedDate: new Date(LAST_ACCESSED),
  nextRotationDate: new Date(NEXT_ROTATION),
  kmsKeyId: KMS_KEY,
  tags: { owner: 'payments', env: 'prod' },
  versions: { [CURRENT]: ['AWSCURRENT'], [PENDING]: ['AWSPENDING'], [PREVIOUS]: ['AWSPREVIOUS'] },
};

/** A ListSecrets entry as AWS writes it: DescribeSecret's fields, the versions under `SecretVersionsToStages`. */
export const listed = ({ VersionIdsToStages, ...described }: DescribeSecretResponse): SecretListEntry => ({
  ...described,
  ...(VersionIdsToStages ? { SecretVersionsToStages: VersionIdsToStages } : {}),
});
