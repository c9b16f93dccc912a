/**
 * A synthetic account of up to hundreds of thousands of secrets, for the sweep benchmark and
 * scale tests, where seeding the sandbox (each secret validated by zod, kept as an object) would
 * cost more than the thing measured. Only the reads a listing makes: ListSecrets (with AWS's
 * semantics, as the sandbox has them, `list-secrets.ts`) and DescribeSecret.
 *
 * Memory-lean: a secret is its index. Its name and metadata are computed from the index and the
 * seed whenever asked for, deterministically; what is kept is the name order, two Int32Arrays
 * (8 bytes a secret: 4 MB for 500,000).
 *
 * Names are skewed as real estates are: most under a few prefixes (`prod/<service>/…` with a few
 * services far more common than the rest, `staging/app/…`, `dev/<team>/…`), some capitalised
 * (`Prod/…`, `APP_…`), RDS-managed ones (`rds!db-…`), and some starting with a digit or with each
 * of `/ _ + = . @ -`. A few short names (`prod`, `p`, `-`, …) equal the prefixes a listing splits
 * at. Every generated name ends with its index in base 36 after a non-alphanumeric character, so
 * names are unique.
 */
import { SecretNotFoundError } from '../errors.js';
import type { ListSecretsRequest, SecretPage, SecretState, SecretsPort, SecretVersion } from '../ports/secrets.js';
import {
  CallSimulation,
  type CallSimulationOptions,
  checkNameFilter,
  decodeListToken,
  encodeListToken,
  LIST_PAGE_SIZE,
} from './list-secrets.js';

export interface SyntheticAccountOptions {
  /** How many secrets. */
  readonly count: number;
  /** Same seed, same account (default 1). */
  readonly seed?: number;
  /**
   * `random` (default): creation order unrelated to names, so a page is a fair sample of its
   * shard's names. `by-name`: secrets created in name order, the worst case for that sampling.
   */
  readonly creationOrder?: 'random' | 'by-name';
  /** When the newest secret was created (default: when the account is built), as in a live account. */
  readonly now?: Date;
  /** ListSecrets latency and quota to simulate; none by default. */
  readonly listSecrets?: CallSimulationOptions & { readonly record?: boolean };
  readonly region?: string;
  readonly account?: string;
}

/** Names that equal prefixes a listing splits at, held by the first indices. */
const FIXED_NAMES = ['prod', 'prod/', 'staging/app', 'p', 'P', 'rds', '1', '-', '_', '@'] as const;

const SERVICES = [
  'payments',
  'orders',
  'checkout',
  'search',
  'auth',
  'billing',
  'inventory',
  'shipping',
  'catalog',
  'reviews',
  'notifications',
  'analytics',
  'reporting',
  'ledger',
  'fraud',
  'identity',
  'profile',
  'cart',
  'pricing',
  'recommendations',
  'media',
  'messaging',
  'gateway',
  'scheduler',
  'audit',
  'compliance',
  'support',
  'crm',
  'warehouse',
  'logistics',
  'loyalty',
  'marketing',
  'email',
  'sms',
  'push',
  'geo',
  'tax',
  'invoicing',
  'subscriptions',
  'partners',
  'onboarding',
  'kyc',
  'risk',
  'treasury',
  'payroll',
  'hr',
  'finance',
  'legal',
] as const;
const KINDS = ['db', 'db-readonly', 'api-key', 'oauth-client', 'smtp', 'redis', 'kafka', 'jwt-signing', 'webhook', 'ssh'] as const;
const TEAMS = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
  'peggy',
  'trent',
  'victor',
  'walter',
] as const;
const ENVS = ['prod', 'staging', 'dev'] as const;

/** Creation times: one a minute, the newest at the account's `now`. */
const CREATION_STEP_MS = 60_000;
const DAY_MS = 86_400_000;
/** Below this many secrets in the filter's ranges, a page is found by sorting them; above, by walking creation order. */
const SMALL_RANGE = 4096;

type Random = () => number;

/** mulberry32: a tiny, fast, good-enough PRNG; one stream per secret, so a secret never depends on another (the reads bench draws its stream from it too). */
export const streamOf = (seed: number, index: number, salt: number): Random => {
  let state = (Math.imul(seed ^ salt, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const pick = <T>(items: readonly T[], u: number): T => items[Math.min(items.length - 1, Math.floor(u * items.length))] as T;
/** Skewed towards the first items: a few services hold most secrets. */
const pickSkewed = <T>(items: readonly T[], u: number): T => pick(items, u ** 2.5);
/** `length` (≤ 8) random hex digits. */
const hex = (random: Random, length: number): string =>
  Math.floor(random() * 2 ** 32)
    .toString(16)
    .padStart(8, '0')
    .slice(0, length);
const uuid = (random: Random): string =>
  `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 8)}${hex(random, 4)}`;
const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** Name shapes and their weight (per thousand). */
const SHAPES: readonly (readonly [number, (random: Random, id: string) => string])[] = [
  [420, (r, id) => `prod/${pickSkewed(SERVICES, r())}/${pick(KINDS, r())}-${id}`],
  [150, (r, id) => `staging/app/${pickSkewed(SERVICES, r())}/${id}`],
  [80, (r, id) => `dev/${pick(TEAMS, r())}/${pick(KINDS, r())}-${id}`],
  [40, (r, id) => `Prod/${capitalised(pickSkewed(SERVICES, r()))}/${id}`],
  [40, (r, id) => `rds!db-${hex(r, 8)}-${id}`],
  [40, (r, id) => `${Math.floor(r() * 10)}${hex(r, 7)}-${id}`],
  [30, (r, id) => `APP_${pickSkewed(SERVICES, r()).toUpperCase()}_${id}`],
  [30, (r, id) => `team-${pick(TEAMS, r())}/${id}`],
  [30, (r, id) => `${pick(['k8s', 'ci', 'qa', 'ml', 'ops', 'x'], r())}/${pick(TEAMS, r())}-${id}`],
  [20, (r, id) => `/legacy/${pickSkewed(SERVICES, r())}/${id}`],
  [20, (r, id) => `_internal/${pick(KINDS, r())}-${id}`],
  [20, (r, id) => `+ops/${pick(TEAMS, r())}/${id}`],
  [20, (r, id) => `=tmp/${id}`],
  [20, (r, id) => `.config/${pickSkewed(SERVICES, r())}/${id}`],
  [20, (r, id) => `@service/${pickSkewed(SERVICES, r())}/${id}`],
  [20, (r, id) => `-scratch/${pick(TEAMS, r())}/${id}`],
];

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The 6-character ARN suffix: the index in base 62, so an ARN leads back to its secret. */
const suffixOf = (index: number): string => {
  let text = '';
  let rest = index;
  for (let i = 0; i < 6; i++) {
    text = (BASE62[rest % 62] ?? 'A') + text;
    rest = Math.floor(rest / 62);
  }
  return text;
};

const indexOfSuffix = (suffix: string): number => [...suffix].reduce((n, c) => n * 62 + BASE62.indexOf(c), 0);

/**
 * A SecretsPort over `count` generated secrets that lists and describes them as AWS would.
 *
 * @example
 * ```ts
 * const account = new SyntheticSecrets({ count: 500_000, listSecrets: { latencyMs: 150, callsPerSecond: 100 } });
 * for await (const page of listAccount(account, { callsPerSecond: 100 }).pages) count += page.length;
 * ```
 */
export class SyntheticSecrets implements SecretsPort {
  public readonly count: number;
  readonly #seed: number;
  readonly #byName: boolean;
  readonly #arnPrefix: string;
  readonly #firstCreatedMs: number;
  /** Index → position in name order, and position → index. */
  readonly #positionOf: Int32Array;
  readonly #indexAt: Int32Array;
  readonly #simulation: CallSimulation | undefined;
  /** Calls made, failed ones included. */
  public listCalls = 0;
  public describeCalls = 0;

  public constructor(options: SyntheticAccountOptions) {
    const { count } = options;
    if (!(Number.isInteger(count) && count >= 0 && count < 62 ** 6))
      throw new RangeError(`count must be a whole number of secrets, got ${count}`);
    this.count = count;
    this.#seed = options.seed ?? 1;
    this.#byName = options.creationOrder === 'by-name';
    this.#arnPrefix = `arn:aws:secretsmanager:${options.region ?? 'us-east-1'}:${options.account ?? '123456789012'}:secret:`;
    this.#firstCreatedMs = (options.now ?? new Date()).getTime() - Math.max(0, count - 1) * CREATION_STEP_MS;
    this.#simulation = options.listSecrets ? new CallSimulation('ListSecrets', options.listSecrets) : undefined;
    // The names exist all at once only here, to be sorted (the default sort is code-unit order,
    // and native); a name tells its index, so only the order is kept.
    const names = Array.from({ length: count }, (_, index) => this.nameOf(index)).sort();
    this.#indexAt = Int32Array.from(names, indexOfName);
    this.#positionOf = new Int32Array(count);
    this.#indexAt.forEach((index, position) => (this.#positionOf[index] = position));
  }

  /** ListSecrets' simulation (its throttle count and recorded start times), when asked for. */
  public get listSecretsSimulation(): CallSimulation | undefined {
    return this.#simulation;
  }

  /** The name of the secret with this index (0 ≤ index < count). */
  public nameOf(index: number): string {
    const fixed = FIXED_NAMES[index];
    if (fixed !== undefined && index < this.count) return fixed;
    const random = streamOf(this.#seed, index, 0x51ed);
    let u = random() * 1000;
    const id = index.toString(36);
    for (const [weight, shape] of SHAPES) {
      if (u < weight) return shape(random, id);
      u -= weight;
    }
    return `misc/${id}`;
  }

  /** The index of the secret an ARN of this account names (by its suffix: cheap enough for every listed secret), or undefined. */
  public indexOfArn(arn: string): number | undefined {
    if (!arn.startsWith(this.#arnPrefix) || arn.length < this.#arnPrefix.length + 8) return undefined;
    const index = indexOfSuffix(arn.slice(-6));
    return index >= 0 && index < this.count ? index : undefined;
  }

  public async listSecrets(request: ListSecretsRequest): Promise<SecretPage> {
    this.listCalls++;
    const values = request.namePrefixes;
    if (values !== undefined) checkNameFilter(values);
    const after = request.nextToken === undefined ? -1 : decodeListToken(request.nextToken, values);
    if (typeof after !== 'number') throw new TypeError('unreachable: a token of ours holds a rank');
    await this.#simulation?.enter();
    const ranges = values === undefined ? [[0, this.count] as const] : this.#rangesOf(values);
    const ranks = this.#nextRanks(ranges, after, LIST_PAGE_SIZE + 1);
    const page = ranks.slice(0, LIST_PAGE_SIZE);
    const last = page.at(-1);
    return {
      secrets: page.map((rank) => this.#stateOf(this.#indexOfRank(rank))),
      ...(ranks.length > LIST_PAGE_SIZE && last !== undefined ? { nextToken: encodeListToken(values, last) } : {}),
    };
  }

  public async describeSecret(secretId: string): Promise<SecretState> {
    this.describeCalls++;
    return Promise.resolve(this.#stateById(secretId, 'DescribeSecret'));
  }

  /** Closer looks the sweep asked for (ListSecretVersionIds, GetResourcePolicy). */
  public closerLooks = 0;

  #stateById(secretId: string, operation: string): SecretState {
    const index = secretId.startsWith('arn:') ? this.#indexOfId(secretId) : this.#indexOfName(secretId);
    if (index === undefined)
      throw new SecretNotFoundError(
        `${operation}: ResourceNotFoundException: Secrets Manager can't find the specified secret (${secretId}).`,
      );
    return this.#stateOf(index);
  }

  public removeStagingLabel(): Promise<void> {
    return unsupported('removeStagingLabel');
  }

  public enableRotation(): Promise<void> {
    return unsupported('enableRotation');
  }

  public restoreSecret(): Promise<void> {
    return unsupported('restoreSecret');
  }

  public putResourcePolicy(): Promise<void> {
    return unsupported('putResourcePolicy');
  }

  public deleteResourcePolicy(): Promise<void> {
    return unsupported('deleteResourcePolicy');
  }

  // AWS lists by creation date. The rank is a secret's place in creation order: its index, or
  // (created in name order) its position.
  #indexOfRank(rank: number): number {
    return this.#byName ? (this.#indexAt[rank] ?? 0) : rank;
  }

  #createdMs(index: number): number {
    return this.#firstCreatedMs + (this.#byName ? (this.#positionOf[index] ?? 0) : index) * CREATION_STEP_MS;
  }

  #nameAt(position: number): string {
    return this.nameOf(this.#indexAt[position] ?? 0);
  }

  /** The first position whose name is not below `name`. */
  #lowerBound(name: string): number {
    let [low, high] = [0, this.count];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(this.#nameAt(middle), name) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The positions the filter matches, as sorted disjoint [from, to) ranges. */
  #rangesOf(values: readonly string[]): (readonly [number, number])[] {
    const ranges: [number, number][] = [];
    for (const value of values) {
      const prefix = value.startsWith('!') ? value.slice(1) : value;
      // Every name starting with the prefix sorts below prefix + U+FFFF, and every other name above it does not.
      const [from, to] = [this.#lowerBound(prefix), this.#lowerBound(`${prefix}\uffff`)];
      if (value.startsWith('!')) ranges.push([0, from], [to, this.count]);
      else ranges.push([from, to]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [from, to] of ranges) {
      const last = merged.at(-1);
      if (from >= to) continue;
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }

  /** The next `want` ranks after `after` among the positions in `ranges`, in creation order. */
  #nextRanks(ranges: readonly (readonly [number, number])[], after: number, want: number): number[] {
    const found: number[] = [];
    if (this.#byName) {
      // Rank is position: walk the ranges.
      for (const [from, to] of ranges) {
        for (let position = Math.max(from, after + 1); position < to && found.length < want; position++) found.push(position);
      }
      return found;
    }
    const size = ranges.reduce((sum, [from, to]) => sum + to - from, 0);
    if (size <= SMALL_RANGE) {
      for (const [from, to] of ranges) {
        for (let position = from; position < to; position++) {
          const index = this.#indexAt[position] ?? 0;
          if (index > after) found.push(index);
        }
      }
      return found.sort((a, b) => a - b).slice(0, want);
    }
    // A large share of the account: walking creation order finds a page in about 100 × count / size steps.
    for (let index = after + 1; index < this.count && found.length < want; index++) {
      const position = this.#positionOf[index] ?? 0;
      if (ranges.some(([from, to]) => position >= from && position < to)) found.push(index);
    }
    return found;
  }

  #arnOf(index: number): string {
    return `${this.#arnPrefix}${this.nameOf(index)}-${suffixOf(index)}`;
  }

  #indexOfName(name: string): number | undefined {
    const position = this.#lowerBound(name);
    return position < this.count && this.#nameAt(position) === name ? this.#indexAt[position] : undefined;
  }

  /** A full ARN, or a partial one (without the suffix), as AWS resolves a SecretId. */
  #indexOfId(secretId: string): number | undefined {
    const byArn = this.indexOfArn(secretId);
    if (byArn !== undefined && this.#arnOf(byArn) === secretId) return byArn;
    return secretId.startsWith(this.#arnPrefix) ? this.#indexOfName(secretId.slice(this.#arnPrefix.length)) : undefined;
  }

  /** What ListSecrets and DescribeSecret say of secret `index`: made up, but the same every time. */
  #stateOf(index: number): SecretState {
    const name = this.nameOf(index);
    const random = streamOf(this.#seed, index, 0x5ec2);
    const createdMs = this.#createdMs(index);
    const managed = name.startsWith('rds!');
    const rotation = managed || random() < 0.6;
    const changedMs = createdMs + Math.floor(random() * 30 * DAY_MS);
    const accessedMs = random() < 0.8 ? createdMs + Math.floor(random() * 90) * DAY_MS : undefined;
    const service = pickSkewed(SERVICES, random());
    return {
      arn: this.#arnOf(index),
      name,
      rotationEnabled: rotation,
      ...(rotation && !managed ? { rotationLambdaArn: `arn:aws:lambda:us-east-1:123456789012:function:rotate-${service}` } : {}),
      ...(rotation
        ? { rotationSchedule: 'rate(30 days)', lastRotatedDate: new Date(changedMs), nextRotationDate: new Date(changedMs + 30 * DAY_MS) }
        : {}),
      createdDate: new Date(createdMs),
      lastChangedDate: new Date(changedMs),
      // AWS keeps the day only.
      ...(accessedMs !== undefined ? { lastAccessedDate: new Date(accessedMs - (accessedMs % DAY_MS)) } : {}),
      ...(managed ? { owningService: 'rds' } : {}),
      ...(random() < 0.5 ? { kmsKeyId: `arn:aws:kms:us-east-1:123456789012:key/${uuid(random)}` } : {}),
      ...(random() < 0.005 ? { deletedDate: new Date(changedMs + DAY_MS) } : {}),
      tags: { owner: pick(TEAMS, random()), env: pick(ENVS, random()) },
      // One in five hundred carries an AWSPENDING left by a rotation that never finished: the
      // sweep's stale-pending check takes a closer look at those (ListSecretVersionIds).
      versions: { [uuid(random)]: ['AWSCURRENT'], ...(random() < 0.002 ? { [uuid(random)]: ['AWSPENDING'] } : {}) },
    };
  }

  /** ListSecretVersionIds: the versions of the listing, each created when the secret last changed. */
  public async listVersions(secretId: string): Promise<SecretVersion[]> {
    this.closerLooks++;
    const state = this.#stateById(secretId, 'ListSecretVersionIds');
    await Promise.resolve();
    return Object.entries(state.versions).map(([versionId, stages]) => ({
      versionId,
      stages,
      ...(state.lastChangedDate ? { createdDate: state.lastChangedDate } : {}),
    }));
  }

  /** GetResourcePolicy: every other secret has a policy (the text does not matter to the sweep). */
  public async getResourcePolicy(secretId: string): Promise<string | undefined> {
    this.closerLooks++;
    const state = this.#stateById(secretId, 'GetResourcePolicy');
    await Promise.resolve();
    return state.arn.charCodeAt(state.arn.length - 1) % 2 === 0 ? '{"Version":"2012-10-17","Statement":[]}' : undefined;
  }
}

/** A name's index: the fixed names by their place, the others by the base-36 number that ends them. */
const indexOfName = (name: string): number => {
  const fixed = (FIXED_NAMES as readonly string[]).indexOf(name);
  if (fixed >= 0) return fixed;
  let start = name.length;
  while (start > 0 && /[0-9a-z]/.test(name.charAt(start - 1))) start--;
  return Number.parseInt(name.slice(start), 36);
};

/** Code-unit order, as AWS compares names (and as prefix ranges need). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const unsupported = (operation: string): Promise<never> =>
  Promise.reject(
    new Error(`SyntheticSecrets supports the sweep's reads only, not ${operation}: it is an account to read, not to remediate`),
  );
