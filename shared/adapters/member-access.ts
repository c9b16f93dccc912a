/**
 * The member roles, assumed with STS (organisation mode): SDK clients for an account and region
 * through the role the member stack holds there, the hub's own credentials where nothing is to
 * be assumed (the hub's own account in its own region).
 *
 * - STS in the target's region (its regional endpoint: a member region keeps working when
 *   another region's STS is down, and regions opted out of the global endpoint answer there);
 *   `AWS_ENDPOINT_URL` reaches it unchanged, as every other client.
 * - `RoleSessionName` is what the session is for (the finding id for an action), made into a
 *   name STS accepts ({@link stsSessionName}), so that CloudTrail in the member ties each write to
 *   its finding.
 * - Credentials are cached per role, region and session until {@link REFRESH_BEFORE_MS} before
 *   they expire; clients per account, region, role and session. A refusal is remembered for
 *   {@link REFUSAL_MEMORY_MS}, so a storm of findings in an account without the member stack asks
 *   STS once, not once per finding.
 *
 * Hand-written rather than `fromTemporaryCredentials` (@aws-sdk/credential-providers): that
 * provider keeps one cache per provider instance, so clients for the same role could not share
 * credentials, it cannot be given the test's clock, and its refusal would not name the role and
 * what to check. The STS call itself is the SDK's.
 */
import { createHash } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { MemberAccessError } from '../errors.js';
import type { MemberAccessPort, MemberTarget } from '../ports/member-access.js';
import type { SecretsPort } from '../ports/secrets.js';
import { mapAwsError } from './aws-errors.js';
import { secretsManagerAdapter } from './secrets-manager.js';

/** Credentials are refreshed this long before they expire, so no call starts with a session about to end. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/** How long a refused role is not asked again. */
export const REFUSAL_MEMORY_MS = 60_000;

/** Cached entries (credentials, clients) kept per container; the oldest go first. */
const MAX_CACHED = 256;

/** The SDK's standard retries for the clients made here, as in aws-clients.ts (not imported: that module loads this one). */
const MAX_ATTEMPTS = 4;

/** STS's rule for `RoleSessionName`. */
export const STS_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** The characters of the hash that ends a shortened session name. */
const HASH_LENGTH = 12;

/**
 * A `RoleSessionName` for `text` (a finding id): `text` itself when STS accepts it; otherwise
 * every character STS does not accept becomes `-`, and when that is still too long or too short
 * (or had to change), the first characters are kept and a hash of the whole text is added,
 * `<first 51 characters>-<12 hex of sha256(text)>`. The name stays readable (a finding id starts
 * with its event id) and tied to exactly one finding id: the hash is of the id as the finding
 * carries it, so `stsSessionName(id)` finds the session in the member's CloudTrail.
 */
export const stsSessionName = (text: string): string => {
  if (STS_SESSION_NAME.test(text)) return text;
  const cleaned = text.replace(/[^\w+=,.@-]/g, '-');
  const hash = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  const head = cleaned.slice(0, 64 - HASH_LENGTH - 1);
  return head.length > 0 ? `${head}-${hash}` : `s-${hash}`;
};

/** What a client made for a target is built with. */
export interface MemberClientConfig {
  readonly region: string;
  readonly maxAttempts: number;
  /** Absent: the function's own credentials (the SDK's chain). */
  readonly credentials?: AwsCredentialIdentityProvider;
}

export interface MemberAccess extends MemberAccessPort {
  /** The credentials for `target`: undefined when it needs none of its own (no role to assume). */
  credentialsFor(target: MemberTarget): AwsCredentialIdentityProvider | undefined;
  /**
   * A client of `kind` (any name: `securityhub`, `secretsmanager-sweep`, ...) for `target`, made
   * once with `make` and cached per account, region, role and session.
   */
  clientFor<C>(target: MemberTarget, kind: string, make: (config: MemberClientConfig) => C): C;
}

export interface MemberAccessOptions {
  /** STS for a region; default: an SDK client for that region (its regional endpoint). */
  readonly sts?: (region: string) => Pick<STSClient, 'send'>;
  /** Milliseconds since the epoch; default Date.now. */
  readonly now?: () => number;
}

interface CachedCredentials {
  readonly pending: Promise<AwsCredentialIdentity>;
  /** Set once the STS answer is in: when the credentials stop being used. */
  refreshAt?: number;
}

interface Refusal {
  readonly error: MemberAccessError;
  readonly until: number;
}

/** Keeps at most MAX_CACHED entries: the oldest inserted goes first. */
const remember = <V>(cache: Map<string, V>, key: string, value: V): V => {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return value;
};

/** The STS errors that mean "this role cannot be assumed as things are": not worth a retry. */
const REFUSED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'RegionDisabledException',
  'ValidationError',
  'MalformedPolicyDocument',
  'PackedPolicyTooLarge',
]);

/**
 * `port` with the role assumed before each call: a refusal then fails the call with its own
 * MemberAccessError before any request is made, whatever the SDK would wrap it in. The SDK asks
 * the same provider again when it signs; the answer is cached.
 */
const assumedFirst = <P extends object>(port: P, credentials: AwsCredentialIdentityProvider | undefined): P => {
  if (!credentials) return port;
  return Object.fromEntries(
    Object.entries(port).map(([name, call]) => [
      name,
      typeof call === 'function'
        ? async (...args: unknown[]): Promise<unknown> => (await credentials(), (call as (...a: unknown[]) => Promise<unknown>)(...args))
        : call,
    ]),
  ) as P;
};

export const memberAccess = (options: MemberAccessOptions = {}): MemberAccess => {
  const now = options.now ?? Date.now;
  const stsClients = new Map<string, Pick<STSClient, 'send'>>();
  const stsFor = (region: string) =>
    stsClients.get(region) ?? remember(stsClients, region, options.sts?.(region) ?? new STSClient({ region, maxAttempts: MAX_ATTEMPTS }));
  const credentials = new Map<string, CachedCredentials>();
  const refusals = new Map<string, Refusal>();
  const clients = new Map<string, unknown>();

  const assume = async (target: MemberTarget, roleArn: string, sessionName: string): Promise<AwsCredentialIdentity> => {
    const refusalKey = `${roleArn}|${target.region}`;
    const refused = refusals.get(refusalKey);
    if (refused && refused.until > now()) throw refused.error;
    try {
      const { Credentials: issued } = await stsFor(target.region).send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }),
      );
      if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.Expiration) {
        throw new MemberAccessError(roleArn, `AssumeRole of ${roleArn} in ${target.region} answered without credentials`);
      }
      return {
        accessKeyId: issued.AccessKeyId,
        secretAccessKey: issued.SecretAccessKey,
        ...(issued.SessionToken ? { sessionToken: issued.SessionToken } : {}),
        expiration: issued.Expiration,
      };
    } catch (error) {
      if (error instanceof MemberAccessError) throw error;
      const name = (error as { name?: string }).name ?? 'Error';
      if (!REFUSED.has(name)) throw mapAwsError(error, 'sts', 'AssumeRole');
      const refusal = MemberAccessError.refused(roleArn, target, name, (error as Error).message, { cause: error });
      remember(refusals, refusalKey, { error: refusal, until: now() + REFUSAL_MEMORY_MS });
      throw refusal;
    }
  };

  const credentialsFor = (target: MemberTarget): AwsCredentialIdentityProvider | undefined => {
    const { roleArn } = target;
    if (roleArn === undefined) return undefined;
    const sessionName = stsSessionName(target.session);
    const key = `${roleArn}|${target.region}|${sessionName}`;
    return async () => {
      const cached = credentials.get(key);
      if (cached && (cached.refreshAt === undefined || cached.refreshAt > now())) return cached.pending;
      // One STS call for every caller that asks while it is in flight.
      const entry: CachedCredentials = {
        pending: assume(target, roleArn, sessionName).then(
          (issued) => {
            entry.refreshAt = (issued.expiration?.getTime() ?? now()) - REFRESH_BEFORE_MS;
            return issued;
          },
          (error: unknown) => {
            if (credentials.get(key) === entry) credentials.delete(key);
            throw error;
          },
        ),
      };
      remember(credentials, key, entry);
      return entry.pending;
    };
  };

  const clientFor = <C>(target: MemberTarget, kind: string, make: (config: MemberClientConfig) => C): C => {
    const key = `${kind}|${target.account}|${target.region}|${target.roleArn ?? 'own'}|${stsSessionName(target.session)}`;
    if (clients.has(key)) return clients.get(key) as C;
    const provider = credentialsFor(target);
    const client = make({ region: target.region, maxAttempts: MAX_ATTEMPTS, ...(provider ? { credentials: provider } : {}) });
    remember(clients, key, client);
    return client;
  };

  return {
    credentialsFor,
    clientFor,
    secrets: (target): SecretsPort =>
      clientFor(target, 'secretsmanager', (config) =>
        assumedFirst(secretsManagerAdapter(new SecretsManagerClient(config)), config.credentials),
      ),
  };
};
