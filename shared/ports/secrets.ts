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
  /** The rotation schedule, when rotation is configured. */
  readonly rotationSchedule?: string;
  /** When the secret was created (ListSecrets/DescribeSecret `CreatedDate`). */
  readonly createdDate?: Date;
  /** The day it was last read (`LastAccessedDate`: AWS keeps the date only, at midnight UTC); absent when never read. */
  readonly lastAccessedDate?: Date;
  /** When Secrets Manager will rotate it next (`NextRotationDate`), when rotation is on. */
  readonly nextRotationDate?: Date;
  /** `PrimaryRegion`, when AWS gives it: on a replica, the primary's Region, not the one it was read in. */ readonly primaryRegion?: string;
}

/** One ListSecrets call: at most 100 secrets, those scheduled for deletion included. */
export interface ListSecretsRequest {
  /**
   * `name` filter values (prefix match, case-sensitive; at most 10, ORed). Absent: every secret.
   */
  readonly namePrefixes?: readonly string[];
  /** Absent or undefined: the first page. */
  readonly nextToken?: string | undefined;
}

/** One page of ListSecrets: the metadata each entry carries (never a value). */
export interface SecretPage {
  readonly secrets: readonly SecretState[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

/** One version of a secret, as ListSecretVersionIds reports it (never its value). */
export interface SecretVersion {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly createdDate?: Date;
}

/** What RotateSecret needs to turn rotation (back) on. */
export interface RotationSettings {
  readonly secretId: string;
  /** The rotation Lambda; absent for a secret another service manages (managed rotation). */
  readonly rotationLambdaArn?: string;
  /** `rate(N days)` or `cron(...)`. */
  readonly scheduleExpression: string;
  readonly rotateImmediately: boolean;
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
  /** ListSecretVersionIds: the labelled versions with their creation dates. */
  listVersions(secretId: string): Promise<readonly SecretVersion[]>;
  /** RotateSecret with a schedule: turns automatic rotation on. */
  enableRotation(settings: RotationSettings): Promise<void>;
  /** RestoreSecret: cancels a scheduled deletion. */
  restoreSecret(secretId: string): Promise<void>;
  /** GetResourcePolicy: the policy document, or undefined when the secret has none. */
  getResourcePolicy(secretId: string): Promise<string | undefined>;
  /** PutResourcePolicy, always with BlockPublicPolicy. */
  putResourcePolicy(request: { secretId: string; policy: string }): Promise<void>;
  /** DeleteResourcePolicy. */
  deleteResourcePolicy(secretId: string): Promise<void>;
  /** ListSecrets, one page (MaxResults 100, IncludePlannedDeletion). */
  listSecrets(request: ListSecretsRequest): Promise<SecretPage>;
}
