/**
 * An in-memory Secrets Manager with AWS's semantics for the operations the service uses
 * (DESIGN §2, STYLE "Tests"): unknown id → ResourceNotFound; a secret scheduled for deletion
 * refuses writes (InvalidRequest); a label lives on one version at a time; AWSCURRENT can only
 * be moved, never removed; a version left without labels drops out of `VersionIdsToStages`.
 * The contract suite runs the same cases here and on the SDK adapter, so the two cannot drift.
 */
import type { VersionStages } from '../contracts/finding.js';
import { InvalidSecretStateError, type RemediationError, SecretNotFoundError } from '../errors.js';
import type { SecretState, SecretsPort } from '../ports/secrets.js';
import type { AccountSeed } from './seed.js';

type SeededSecret = AccountSeed['secrets'][number];

interface StoredSecret {
  arn: string;
  name: string;
  seed: SeededSecret;
  versions: VersionStages;
  deletedDate?: Date;
  lastChangedDate?: Date;
}

type Operation = keyof SecretsPort;

/** One call as the sandbox saw it, for tests that assert "nothing was written". */
export interface SandboxCall {
  readonly operation: Operation;
  readonly secretId: string;
}

export class SandboxSecrets implements SecretsPort {
  readonly #byArn = new Map<string, StoredSecret>();
  readonly #failures = new Map<Operation, RemediationError[]>();
  readonly calls: SandboxCall[] = [];

  public constructor(seed: AccountSeed, now: () => Date) {
    for (const secret of seed.secrets) {
      const arn = secret.arn ?? `arn:aws:secretsmanager:${seed.region}:${seed.account}:secret:${secret.name}-${suffixFor(secret.name)}`;
      this.#byArn.set(arn, {
        arn,
        name: secret.name,
        seed: secret,
        versions: structuredClone(secret.versions),
        ...(secret.deletedDate ? { deletedDate: new Date(secret.deletedDate) } : {}),
        lastChangedDate: secret.lastChangedDate ? new Date(secret.lastChangedDate) : now(),
      });
    }
    this.#now = now;
  }

  readonly #now: () => Date;

  /** Makes the next call of `operation` fail with `error` (throttling, access denied, ...). */
  public failNext(operation: Operation, error: RemediationError): this {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), error]);
    return this;
  }

  public async describeSecret(secretId: string): Promise<SecretState> {
    this.#enter('describeSecret', secretId);
    const stored = this.#find(secretId);
    const { seed } = stored;
    return Promise.resolve({
      arn: stored.arn,
      name: stored.name,
      rotationEnabled: seed.rotationEnabled,
      tags: { ...seed.tags },
      versions: structuredClone(stored.versions),
      ...(stored.deletedDate ? { deletedDate: stored.deletedDate } : {}),
      ...(seed.rotationLambdaArn ? { rotationLambdaArn: seed.rotationLambdaArn } : {}),
      ...(seed.lastRotatedDate ? { lastRotatedDate: new Date(seed.lastRotatedDate) } : {}),
      ...(stored.lastChangedDate ? { lastChangedDate: stored.lastChangedDate } : {}),
      ...(seed.owningService ? { owningService: seed.owningService } : {}),
      ...(seed.kmsKeyId ? { kmsKeyId: seed.kmsKeyId } : {}),
    });
  }

  public async removeStagingLabel({ secretId, label, versionId }: { secretId: string; label: string; versionId: string }): Promise<void> {
    this.#enter('removeStagingLabel', secretId);
    const stored = this.#find(secretId);
    if (stored.deletedDate) {
      throw new InvalidSecretStateError("UpdateSecretVersionStage: InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.");
    }
    const stages = stored.versions[versionId];
    if (!stages?.includes(label)) {
      throw new InvalidSecretStateError(`UpdateSecretVersionStage: InvalidParameterException: label ${label} is not attached to version ${versionId}`);
    }
    if (label === 'AWSCURRENT') {
      throw new InvalidSecretStateError('UpdateSecretVersionStage: InvalidParameterException: AWSCURRENT can only be moved to another version, not removed');
    }
    const remaining = stages.filter((s) => s !== label);
    if (remaining.length > 0) stored.versions[versionId] = remaining;
    else delete stored.versions[versionId];
    stored.lastChangedDate = this.#now();
    return Promise.resolve();
  }

  /** Every secret's version stages, by name: what tests and the replay compare before and after. */
  public snapshot(): Record<string, { deleted: boolean; versions: VersionStages }> {
    return Object.fromEntries(
      [...this.#byArn.values()].map((s) => [s.name, { deleted: Boolean(s.deletedDate), versions: structuredClone(s.versions) }]),
    );
  }

  /** The version stages of one secret, or undefined when the sandbox does not hold it. */
  public versionsOf(secretId: string): VersionStages | undefined {
    const stored = this.#lookup(secretId);
    return stored ? structuredClone(stored.versions) : undefined;
  }

  #enter(operation: Operation, secretId: string): void {
    this.calls.push({ operation, secretId });
    const queued = this.#failures.get(operation);
    const failure = queued?.shift();
    if (failure) throw failure;
  }

  #find(secretId: string): StoredSecret {
    const stored = this.#lookup(secretId);
    if (!stored) throw new SecretNotFoundError(`ResourceNotFoundException: Secrets Manager can't find the specified secret (${secretId}).`);
    return stored;
  }

  /** By full ARN, by name, or by partial ARN (the ARN without its 6-character suffix), as AWS resolves a SecretId. */
  #lookup(secretId: string): StoredSecret | undefined {
    const exact = this.#byArn.get(secretId);
    if (exact) return exact;
    for (const stored of this.#byArn.values()) {
      if (stored.name === secretId) return stored;
      if (secretId.startsWith('arn:') && stored.arn.length === secretId.length + 7 && stored.arn.startsWith(`${secretId}-`)) return stored;
    }
    return undefined;
  }
}

/** A stable 6-character suffix per name, so generated ARNs are the same on every run. */
const suffixFor = (name: string): string => {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (let i = 0; i < 6; i++) {
    suffix += alphabet[hash % alphabet.length];
    hash = Math.floor(hash / alphabet.length) + i * 7919;
  }
  return suffix;
};
