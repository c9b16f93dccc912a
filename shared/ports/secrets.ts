import type { VersionStages } from '../contracts/finding.js';

/** What the service may know about a secret: metadata only, never its value. */
export interface SecretState {
  readonly arn: string;
  readonly name: string;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date;
  readonly rotationEnabled: boolean;
  readonly rotationLambdaArn?: string;
  readonly lastRotatedDate?: Date;
  readonly lastChangedDate?: Date;
  /** Set for secrets managed by another AWS service (RDS, Redshift, ...). */
  readonly owningService?: string;
  readonly kmsKeyId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Version id → its staging labels, as `VersionIdsToStages` in DescribeSecret. */
  readonly versions: VersionStages;
}

/**
 * The Secrets Manager operations the service performs. Implementations throw the errors in
 * `shared/errors.ts`: `SecretNotFoundError`, `InvalidSecretStateError`,
 * `PermissionDeniedError`, `TransientAwsError`.
 */
export interface SecretsPort {
  /** DescribeSecret: metadata and version stages. */
  describeSecret(secretId: string): Promise<SecretState>;
  /** UpdateSecretVersionStage with only `RemoveFromVersionId`: takes `label` off `versionId`. */
  removeStagingLabel(request: { secretId: string; label: string; versionId: string }): Promise<void>;
}
