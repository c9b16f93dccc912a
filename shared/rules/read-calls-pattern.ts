/**
 * The read-calls pattern for a deployment. Its rule runs in the state in which EventBridge also
 * delivers read-only calls, so without a tight pattern every `GetSecretValue` in the account would
 * invoke classify — millions a day in a busy account, nearly all of which can find nothing. The
 * pattern lets through only the reads a rule of the catalogue can fire on:
 *
 * - every call refused with `AccessDenied*`, whatever its name (access-denied-burst counts them);
 * - a `GetSecretValue` that failed with `InvalidRequestException`, the code Secrets Manager
 *   answers for a secret marked for deletion (deleted-secret-in-use reads the message);
 * - from the policy's `vpcEndpoints`: a successful `GetSecretValue` or `BatchGetSecretValue` naming
 *   a secret an entry covers, that came through no VPC endpoint or one the entry does not allow
 *   (access-outside-vpce).
 *
 * The first two come from secretsmanager-read-calls.pattern.json; the policy adds the third here.
 * serverless.yml (through deploy/read-calls-pattern.cjs) and the replay's routes both build the
 * pattern here, so they cannot disagree. It may let through more than fires (classify decides);
 * it must never hold back a read that would fire.
 */
import type { Policy } from '../policy/schema.js';
import type { EventPattern } from './match-pattern.js';
import baseReadCallsPattern from './secretsmanager-read-calls.pattern.json' with { type: 'json' };

/**
 * EventBridge's default limit on the length of an event pattern, in characters (a quota that can
 * be raised to 4096). A policy whose tight pattern would be longer gets a coarser one that still
 * loses nothing (see `readCallsPatternOf`).
 */
export const READ_CALLS_PATTERN_MAX_CHARS = 2048;

/**
 * How closely the pattern follows the policy: `tight` (the secrets of each `vpcEndpoints` entry,
 * read through no endpoint or another one), `named-secrets` (every read of a secret some entry covers,
 * whatever the endpoint), `every-read` (every read). Each is a superset of
 * the one before, taken only when the one before would exceed the length limit.
 */
export type ReadCallsPrecision = 'tight' | 'named-secrets' | 'every-read';

export interface ReadCallsPattern {
  readonly pattern: EventPattern;
  readonly precision: ReadCallsPrecision;
}

type VpcEndpointRules = Policy['vpcEndpoints'];
type Branch = Record<string, unknown>;

/**
 * The values of `requestParameters.secretId` (or of one `secretIdList` element) that can name a
 * secret whose name matches `glob`: the name itself, a partial ARN
 * (`arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`) or a full one (the name and
 * `-` and 6 random characters). The ARN forms are matched by a wildcard, because the partition,
 * region and account before the name vary (a read of another account's secret names its ARN).
 * EventBridge cannot say "6 characters", so `<name>-*` also lets through the full ARN of a secret
 * named `<name>-<more>`: an invocation that finds nothing, never a finding lost. Policy globs know
 * only `*` (any run of characters, `/` included), as EventBridge's wildcard does.
 */
const secretIdMatchers = (policyGlob: string): unknown[] => {
  // `**` means what `*` means, and EventBridge rejects consecutive stars.
  const glob = policyGlob.replace(/\*+/g, '*');
  const escaped = glob.replace(/\\/g, '\\\\');
  const star = glob.indexOf('*');
  const arn = `arn:*:secret:${escaped}`;
  // The cheapest operator that says the same for the name: equality, a prefix, or a wildcard.
  if (star === -1) return [glob, { wildcard: arn }, { wildcard: `${arn}-*` }];
  // A glob ending in `*` already covers the random suffix.
  if (star === glob.length - 1) return [{ prefix: glob.slice(0, -1) }, { wildcard: arn }];
  return glob.endsWith('*')
    ? [{ wildcard: escaped }, { wildcard: arn }]
    : [{ wildcard: escaped }, { wildcard: arn }, { wildcard: `${arn}-*` }];
};

const unique = (values: readonly unknown[]): unknown[] => {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    return seen.has(key) ? false : (seen.add(key), true);
  });
};

const idsOf = (globs: readonly string[]): unknown[] => unique([...new Set(globs)].sort().flatMap(secretIdMatchers));

/**
 * A read naming one of `ids`: GetSecretValue by `secretId`, BatchGetSecretValue by its list (no
 * other call has one, so the event name is not repeated there: EventBridge counts every character).
 * A failed read is let through too (access-outside-vpce judges only successful ones): saying
 * "no errorCode" would cost characters in every branch, and such reads are rare.
 */
const readsOf = (ids: readonly unknown[], endpoint?: Branch): Branch[] => [
  { eventName: ['GetSecretValue'], requestParameters: { secretId: ids }, ...endpoint },
  { requestParameters: { secretIdList: ids }, ...endpoint },
];

/**
 * A read through no endpoint fires for any secret an entry covers: one pair of branches for all
 * of them. A read through an endpoint fires when the first entry covering the secret does not
 * allow that endpoint: one pair per set of allowed endpoints, for the secrets of the entries that
 * allow exactly that set. No firing read is held back; the names are repeated as little as the
 * length limit asks.
 */
const tightBranches = (rules: VpcEndpointRules): Branch[] => {
  const byEndpoints = new Map<string, { endpoints: string[]; globs: string[] }>();
  for (const rule of rules) {
    const endpoints = [...new Set(rule.endpoints)].sort();
    const key = endpoints.join(',');
    const group = byEndpoints.get(key) ?? { endpoints, globs: [] };
    group.globs.push(...rule.secrets);
    byEndpoints.set(key, group);
  }
  // `$or` branches rather than one list mixing `exists` with `anything-but`: the documented way to say "missing or other".
  const throughNone = readsOf(idsOf(rules.flatMap((rule) => rule.secrets)), { vpcEndpointId: [{ exists: false }] });
  const throughAnother = [...byEndpoints.keys()].sort().flatMap((key) => {
    const { endpoints, globs } = byEndpoints.get(key) ?? { endpoints: [], globs: [] };
    return readsOf(idsOf(globs), { vpcEndpointId: [{ 'anything-but': endpoints }] });
  });
  return [...throughNone, ...throughAnother];
};

const branchesFor = (precision: ReadCallsPrecision, rules: VpcEndpointRules): Branch[] => {
  if (rules.length === 0) return [];
  if (precision === 'tight') return tightBranches(rules);
  if (precision === 'named-secrets') return readsOf(idsOf(rules.flatMap((rule) => rule.secrets)));
  return [{ eventName: ['GetSecretValue', 'BatchGetSecretValue'] }];
};

const withBranches = (branches: readonly Branch[]): EventPattern => {
  if (branches.length === 0) return baseReadCallsPattern;
  const { detail } = baseReadCallsPattern;
  return { ...baseReadCallsPattern, detail: { ...detail, $or: [...detail.$or, ...branches] } };
};

/** The length EventBridge counts: the pattern as compact JSON, as CloudFormation hands it over. */
export const patternLength = (pattern: EventPattern): number => JSON.stringify(pattern).length;

/**
 * The tightest read-calls pattern for `policy` that fits EventBridge's length limit, and how tight
 * it is. The last resort (`every-read`) is short whatever the policy.
 */
export const readCallsPatternOf = (policy: Pick<Policy, 'vpcEndpoints'>): ReadCallsPattern => {
  const precisions: readonly ReadCallsPrecision[] = ['tight', 'named-secrets'];
  for (const precision of precisions) {
    const pattern = withBranches(branchesFor(precision, policy.vpcEndpoints));
    if (patternLength(pattern) <= READ_CALLS_PATTERN_MAX_CHARS) return { pattern, precision };
  }
  return { pattern: withBranches(branchesFor('every-read', policy.vpcEndpoints)), precision: 'every-read' };
};

/** The read-calls pattern serverless.yml deploys and the replay routes by. */
export const readCallsPattern = (policy: Pick<Policy, 'vpcEndpoints'>): EventPattern => readCallsPatternOf(policy).pattern;
