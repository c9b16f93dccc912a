/**
 * An in-memory Secrets Manager with AWS's semantics for the operations the service uses:
 * unknown id → ResourceNotFound; a secret scheduled for deletion
 * refuses writes (InvalidRequest); a label lives on one version at a time; AWSCURRENT can only
 * be moved, never removed; a version left without labels drops out of `VersionIdsToStages`.
 * ListSecrets lists every secret (those scheduled for deletion included) by creation date, then
 * name, 100 per page, with the `name` filter's rules and an opaque NextToken bound to its filter
 * (`list-secrets.ts`); its latency and quota can be simulated on request (`simulateListSecrets`).
 * The contract suite runs the same cases here and on the SDK adapter, so the two cannot drift.
 */
import type { VersionStages } from '../contracts/finding.js';
import { InvalidSecretStateError, type RemediationError, SecretNotFoundError } from '../errors.js';
import type { ListSecretsRequest, RotationSettings, SecretPage, SecretState, SecretsPort, SecretVersion } from '../ports/secrets.js';
import {
  CallSimulation,
  type CallSimulationOptions,
  checkNameFilter,
  decodeListToken,
  encodeListToken,
  LIST_PAGE_SIZE,
  matchesNameFilter,
} from './list-secrets.js';
import type { AccountSeed } from './seed.js';

type SeededSecret = AccountSeed['secrets'][number];

interface StoredSecret {
  arn: string;
  name: string;
  seed: SeededSecret;
  versions: VersionStages;
  versionCreated: Partial<Record<string, Date>>;
  deletedDate?: Date;
  lastChangedDate?: Date;
  createdDate: Date;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  rotationSchedule?: string;
  resourcePolicy?: string;
}

type Operation = keyof SecretsPort;

/** One call as the sandbox saw it, for tests that assert "nothing was written". */
export interface SandboxCall {
  readonly operation: Operation;
  /** The secret the call names; empty for ListSecrets, which names none. */
  readonly secretId: string;
  /** ListSecrets only: the filter and token it was called with. */
  readonly request?: ListSecretsRequest;
}

/** The position a NextToken continues after: the last listed secret's creation time and name. */
type ListPosition = readonly [createdMs: number, name: string];

const MARKED_FOR_DELETION = "InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.";

export class SandboxSecrets implements SecretsPort {
  readonly #byArn = new Map<string, StoredSecret>();
  readonly #failures = new Map<Operation, { error: RemediationError; skip: number }[]>();
  readonly #now: () => Date;
  /** Every secret in listing order: by creation date, then name (AWS lists by creation date). */
  readonly #listed: StoredSecret[];
  #listSimulation: CallSimulation | undefined;
  readonly calls: SandboxCall[] = [];

  public constructor(seed: AccountSeed, now: () => Date) {
    this.#now = now;
    for (const secret of seed.secrets) {
      const arn = secret.arn ?? `arn:aws:secretsmanager:${seed.region}:${seed.account}:secret:${secret.name}-${suffixFor(secret.name)}`;
      const lastChangedDate = secret.lastChangedDate ? new Date(secret.lastChangedDate) : now();
      this.#byArn.set(arn, {
        createdDate: secret.createdDate ? new Date(secret.createdDate) : new Date(lastChangedDate),
        arn,
        name: secret.name,
        seed: secret,
        versions: structuredClone(secret.versions),
        // Unknown unless the seed says: a made-up date would decide "stale or in progress" for the seed's author.
        versionCreated: Object.fromEntries(Object.entries(secret.versionCreatedDates ?? {}).map(([id, date]) => [id, new Date(date)])),
        ...(secret.deletedDate ? { deletedDate: new Date(secret.deletedDate) } : {}),
        lastChangedDate,
        rotationEnabled: secret.rotationEnabled,
        ...(secret.rotationLambdaArn ? { rotationLambdaArn: secret.rotationLambdaArn } : {}),
        ...(secret.rotationSchedule ? { rotationSchedule: secret.rotationSchedule } : {}),
        ...(secret.resourcePolicy ? { resourcePolicy: secret.resourcePolicy } : {}),
      });
    }
    // No operation creates or purges a secret, so the order is fixed once.
    this.#listed = [...this.#byArn.values()].sort((a, b) =>
      compareListed([a.createdDate.getTime(), a.name], [b.createdDate.getTime(), b.name]),
    );
  }

  /**
   * Makes a coming call of `operation` fail with `error` (throttling, access denied, ...): the
   * next one, or the one after `skip` calls that succeed.
   */
  public failNext(operation: Operation, error: RemediationError, { skip = 0 }: { skip?: number } = {}): this {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), { error, skip }]);
    return this;
  }

  /**
   * Simulates ListSecrets' latency and quota from now on (off by default): each call then takes
   * `latencyMs`, and more than `callsPerSecond` calls within a rolling second are throttled.
   * `record: true` keeps each accepted call's start time in `listSecretsSimulation.started`.
   */
  public simulateListSecrets(options: CallSimulationOptions & { readonly record?: boolean }): this {
    this.#listSimulation = new CallSimulation('ListSecrets', options);
    return this;
  }

  /** The simulation `simulateListSecrets` set up: its throttle count and recorded start times. */
  public get listSecretsSimulation(): CallSimulation | undefined {
    return this.#listSimulation;
  }

  public async describeSecret(secretId: string): Promise<SecretState> {
    this.#enter('describeSecret', secretId);
    return Promise.resolve(this.#stateOf(this.#find(secretId)));
  }

  public async listSecrets(request: ListSecretsRequest): Promise<SecretPage> {
    this.#enter('listSecrets', '', request);
    const values = request.namePrefixes;
    if (values !== undefined) checkNameFilter(values);
    const after = request.nextToken === undefined ? undefined : toListPosition(decodeListToken(request.nextToken, values));
    await this.#listSimulation?.enter();
    // One more than a page: whether a next page exists decides the NextToken.
    const found: StoredSecret[] = [];
    for (const stored of this.#listed) {
      if (after && compareListed([stored.createdDate.getTime(), stored.name], after) <= 0) continue;
      if (!matchesNameFilter(stored.name, values)) continue;
      found.push(stored);
      if (found.length > LIST_PAGE_SIZE) break;
    }
    const page = found.slice(0, LIST_PAGE_SIZE);
    const last = page.at(-1);
    return {
      secrets: page.map((stored) => this.#stateOf(stored)),
      ...(found.length > LIST_PAGE_SIZE && last ? { nextToken: encodeListToken(values, [last.createdDate.getTime(), last.name]) } : {}),
    };
  }

  /** What DescribeSecret and a ListSecrets entry say of a secret: the same fields, fresh copies. */
  #stateOf(stored: StoredSecret): SecretState {
    const { seed } = stored;
    return {
      arn: stored.arn,
      name: stored.name,
      rotationEnabled: stored.rotationEnabled,
      tags: { ...seed.tags },
      versions: structuredClone(stored.versions),
      ...(stored.deletedDate ? { deletedDate: new Date(stored.deletedDate) } : {}),
      ...(stored.rotationLambdaArn ? { rotationLambdaArn: stored.rotationLambdaArn } : {}),
      ...(stored.rotationSchedule ? { rotationSchedule: stored.rotationSchedule } : {}),
      ...(seed.lastRotatedDate ? { lastRotatedDate: new Date(seed.lastRotatedDate) } : {}),
      ...(stored.lastChangedDate ? { lastChangedDate: new Date(stored.lastChangedDate) } : {}),
      ...(seed.owningService ? { owningService: seed.owningService } : {}),
      ...(seed.kmsKeyId ? { kmsKeyId: seed.kmsKeyId } : {}),
      createdDate: new Date(stored.createdDate),
      ...(seed.lastAccessedDate ? { lastAccessedDate: new Date(seed.lastAccessedDate) } : {}),
      ...(seed.nextRotationDate ? { nextRotationDate: new Date(seed.nextRotationDate) } : {}),
    };
  }

  public async removeStagingLabel({ secretId, label, versionId }: { secretId: string; label: string; versionId: string }): Promise<void> {
    this.#enter('removeStagingLabel', secretId);
    const stored = this.#writable(secretId, 'UpdateSecretVersionStage');
    const stages = stored.versions[versionId];
    if (!stages?.includes(label)) {
      throw new InvalidSecretStateError(
        `UpdateSecretVersionStage: InvalidParameterException: label ${label} is not attached to version ${versionId}`,
      );
    }
    if (label === 'AWSCURRENT') {
      throw new InvalidSecretStateError(
        'UpdateSecretVersionStage: InvalidParameterException: AWSCURRENT can only be moved to another version, not removed',
      );
    }
    const remaining = stages.filter((s) => s !== label);
    if (remaining.length > 0) stored.versions[versionId] = remaining;
    else delete stored.versions[versionId];
    this.#changed(stored);
    return Promise.resolve();
  }

  public async listVersions(secretId: string): Promise<readonly SecretVersion[]> {
    this.#enter('listVersions', secretId);
    const stored = this.#find(secretId);
    return Promise.resolve(
      Object.entries(stored.versions).map(([versionId, stages]) => ({
        versionId,
        stages: [...stages],
        ...(stored.versionCreated[versionId] ? { createdDate: new Date(stored.versionCreated[versionId]) } : {}),
      })),
    );
  }

  public async enableRotation(settings: RotationSettings): Promise<void> {
    this.#enter('enableRotation', settings.secretId);
    const stored = this.#writable(settings.secretId, 'RotateSecret');
    const lambda = settings.rotationLambdaArn ?? stored.rotationLambdaArn;
    if (!lambda && !stored.seed.owningService) {
      throw new InvalidSecretStateError(
        'RotateSecret: InvalidRequestException: No Lambda rotation function ARN is associated with this secret.',
      );
    }
    stored.rotationEnabled = true;
    if (lambda) stored.rotationLambdaArn = lambda;
    stored.rotationSchedule = settings.scheduleExpression;
    // An immediate rotation would run the rotation function; the sandbox does not run functions.
    this.#changed(stored);
    return Promise.resolve();
  }

  public async restoreSecret(secretId: string): Promise<void> {
    this.#enter('restoreSecret', secretId);
    const stored = this.#find(secretId);
    delete stored.deletedDate;
    this.#changed(stored);
    return Promise.resolve();
  }

  public async getResourcePolicy(secretId: string): Promise<string | undefined> {
    this.#enter('getResourcePolicy', secretId);
    return Promise.resolve(this.#find(secretId).resourcePolicy);
  }

  public async putResourcePolicy({ secretId, policy }: { secretId: string; policy: string }): Promise<void> {
    this.#enter('putResourcePolicy', secretId);
    const stored = this.#writable(secretId, 'PutResourcePolicy');
    if (grantsEveryoneUnconditionally(policy)) {
      // BlockPublicPolicy is always set by the service: AWS refuses a policy that grants public access.
      throw new InvalidSecretStateError(
        'PutResourcePolicy: PublicPolicyException: You can’t attach a resource-based policy that allows broad access to the secret.',
      );
    }
    stored.resourcePolicy = policy;
    this.#changed(stored);
    return Promise.resolve();
  }

  public async deleteResourcePolicy(secretId: string): Promise<void> {
    this.#enter('deleteResourcePolicy', secretId);
    const stored = this.#writable(secretId, 'DeleteResourcePolicy');
    delete stored.resourcePolicy;
    this.#changed(stored);
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

  #enter(operation: Operation, secretId: string, request?: ListSecretsRequest): void {
    this.calls.push({
      operation,
      secretId,
      ...(request
        ? {
            request: {
              ...(request.namePrefixes ? { namePrefixes: [...request.namePrefixes] } : {}),
              ...(request.nextToken ? { nextToken: request.nextToken } : {}),
            },
          }
        : {}),
    });
    const [next, ...rest] = this.#failures.get(operation) ?? [];
    if (!next) return;
    if (next.skip > 0) {
      this.#failures.set(operation, [{ ...next, skip: next.skip - 1 }, ...rest]);
      return;
    }
    this.#failures.set(operation, rest);
    throw next.error;
  }

  /** A secret that accepts writes: AWS refuses most writes to one scheduled for deletion. */
  #writable(secretId: string, operation: string): StoredSecret {
    const stored = this.#find(secretId);
    if (stored.deletedDate) throw new InvalidSecretStateError(`${operation}: ${MARKED_FOR_DELETION}`);
    return stored;
  }

  #changed(stored: StoredSecret): void {
    stored.lastChangedDate = this.#now();
  }

  #find(secretId: string): StoredSecret {
    const stored = this.#lookup(secretId);
    if (!stored) throw new SecretNotFoundError(`ResourceNotFoundException: Secrets Manager can't find the specified secret (${secretId}).`);
    return stored;
  }

  /**
   * The ARN of the secret `secretId` names in one account and region, as Secrets Manager there
   * would resolve it (a name is looked up in that account and region only); undefined when that
   * account and region hold no such secret. For the per-account views of the organisation sandbox.
   */
  public arnIn(place: { readonly account: string; readonly region: string }, secretId: string): string | undefined {
    return this.#lookup(secretId, (stored) => placeOfArn(stored.arn) === `${place.account}:${place.region}`)?.arn;
  }

  /**
   * How many secrets one account and region holds, those scheduled for deletion left out: what
   * Secrets Manager there publishes as its secret count (the sandbox's CloudWatch census).
   */
  public countIn(place: { readonly account: string; readonly region: string }): number {
    let count = 0;
    for (const stored of this.#byArn.values())
      if (!stored.deletedDate && placeOfArn(stored.arn) === `${place.account}:${place.region}`) count += 1;
    return count;
  }

  /** By full ARN, by name, or by partial ARN (the ARN without its 6-character suffix), as AWS resolves a SecretId. */
  #lookup(secretId: string, where: (stored: StoredSecret) => boolean = () => true): StoredSecret | undefined {
    const exact = this.#byArn.get(secretId);
    if (exact) return where(exact) ? exact : undefined;
    for (const stored of this.#byArn.values()) {
      if (!where(stored)) continue;
      if (stored.name === secretId) return stored;
      if (secretId.startsWith('arn:') && stored.arn.length === secretId.length + 7 && stored.arn.startsWith(`${secretId}-`)) return stored;
    }
    return undefined;
  }
}

/** `<account>:<region>` of a secret ARN (`arn:aws:secretsmanager:<region>:<account>:secret:...`). */
const placeOfArn = (arn: string): string => {
  const [, , , region, account] = arn.split(':');
  return `${account ?? ''}:${region ?? ''}`;
};

/** Listing order: creation time, then name (code-unit order, as AWS compares names). */
const compareListed = (a: ListPosition, b: ListPosition): number => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

const toListPosition = (position: unknown): ListPosition => {
  if (Array.isArray(position) && position.length === 2 && typeof position[0] === 'number' && typeof position[1] === 'string')
    return [position[0], position[1]];
  throw new InvalidSecretStateError('ListSecrets: InvalidParameterException: the NextToken is not valid');
};

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

/** Whether an Allow statement grants `*` with no condition at all: what BlockPublicPolicy refuses at its simplest. */
const grantsEveryoneUnconditionally = (policy: string): boolean => {
  try {
    const document = JSON.parse(policy) as { Statement?: unknown };
    const statements = [document.Statement].flat() as { Effect?: string; Principal?: unknown; Condition?: unknown }[];
    return statements.some(
      (s) => s.Effect === 'Allow' && !s.Condition && (s.Principal === '*' || (s.Principal as { AWS?: unknown } | undefined)?.AWS === '*'),
    );
  } catch {
    throw new InvalidSecretStateError('PutResourcePolicy: MalformedPolicyDocumentException: the policy is not valid JSON');
  }
};
