/**
 * The names of this service's own IAM roles: one per function, stage and region, named
 * explicitly (serverless.yml takes them through deploy/variables/role-names.cjs) so that they stay well
 * under IAM's 64 characters in every region and for every stage the service accepts, and so
 * that shared/domain/actor.ts recognises exactly the names the template creates. Pure.
 *
 *   secrets-remediator-<stage>-<function code>-<region code>    e.g. secrets-remediator-prod-csp-apse2
 *
 * Hand-written: the framework's generated names (`<service>-<stage>-<function>-<region>-lambdaRole`)
 * pass 64 characters for long function names and regions, and the plugin that makes them then
 * silently drops the suffix or fails, so no generated name is stable enough to recognise.
 */
import { type FunctionName, functionNames } from '../contracts/functions.js';

/** `service:` in serverless.yml: the first part of every resource name. */
export const SERVICE_NAME = 'secrets-remediator';

/** The longest stage the service accepts, so that every role name fits IAM's limit. */
export const MAX_STAGE_LENGTH = 16;

/** IAM's limit for a role name. */
export const MAX_ROLE_NAME_LENGTH = 64;

/** The characters the framework accepts in a stage name. */
const STAGE = /^[a-zA-Z0-9-]+$/;

/** A region name as AWS spells them in every partition: `us-east-1`, `us-gov-west-1`, `us-isob-east-1`. */
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

/** Three letters per function; unique (a test checks), and never changed once deployed. */
export const FUNCTION_CODES: Readonly<Record<FunctionName, string>> = {
  classify: 'cls',
  'clear-stale-pending': 'csp',
  'enable-rotation': 'rot',
  'restore-secret': 'rst',
  'remove-public-statements': 'rps',
  alert: 'alr',
  'alert-digest': 'dig',
  sweep: 'swp',
};
const FUNCTION_CODE_LIST: readonly string[] = Object.values(FUNCTION_CODES);

/** Compass words shortened; every other word of a region name (gov, iso, isob, de, ...) is kept whole. */
const DIRECTIONS: Readonly<Record<string, string>> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** Why a stage cannot be deployed, or undefined when it can. */
export const stageProblem = (stage: string): string | undefined => {
  if (!STAGE.test(stage)) return `stage '${stage}' may contain only letters, digits and hyphens`;
  if (stage.length > MAX_STAGE_LENGTH)
    return `stage '${stage}' is ${stage.length} characters long; use at most ${MAX_STAGE_LENGTH} so that every role name fits IAM's ${MAX_ROLE_NAME_LENGTH}`;
  return undefined;
};

/**
 * The region's short code: its words joined, compass words shortened
 * (`ap-southeast-2` → `apse2`, `us-gov-west-1` → `usgovw1`, `us-isob-east-1` → `usisobe1`).
 * One code per region: the words are kept in order and only the compass words, which never
 * stand for one another, are shortened.
 */
export const regionCode = (region: string): string => {
  if (!REGION.test(region)) throw new Error(`'${region}' is not an AWS region name (like us-east-1)`);
  return region
    .split('-')
    .map((word) => DIRECTIONS[word] ?? word)
    .join('');
};

/** The role of `fn` for `stage` in `region`, as the template names it. Throws for a stage the service does not accept. */
export const serviceRoleName = (fn: FunctionName, stage: string, region: string): string => {
  const problem = stageProblem(stage);
  if (problem) throw new Error(problem);
  return `${SERVICE_NAME}-${stage}-${FUNCTION_CODES[fn]}-${regionCode(region)}`;
};

/** Every role of a deployment of `stage` in `region`, by function. */
export const serviceRoleNames = (stage: string, region: string): Readonly<Record<FunctionName, string>> =>
  Object.fromEntries(functionNames.map((fn) => [fn, serviceRoleName(fn, stage, region)])) as Record<FunctionName, string>;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The pattern of a role name `<prefix>-<stage>-<one of codes>-<region code>`, capturing the stage.
 * Built once per prefix, code set and region: these run on every event, and compiling a regular
 * expression costs more than the rest of classifying one. Bounded, since the region comes from
 * the event (any well-formed name): past the bound the cache starts over.
 */
const roleNamePatterns = new Map<string, RegExp>();
const ROLE_NAME_PATTERNS_KEPT = 256;
const roleNamePattern = (prefix: string, codes: readonly string[], region: string): RegExp => {
  const key = `${prefix}\n${codes.join('|')}\n${region}`;
  let pattern = roleNamePatterns.get(key);
  if (pattern === undefined) {
    if (roleNamePatterns.size >= ROLE_NAME_PATTERNS_KEPT) roleNamePatterns.clear();
    const alternatives = codes.map(escape).join('|');
    pattern = new RegExp(`^${escape(prefix)}-([a-zA-Z0-9-]{1,${MAX_STAGE_LENGTH}})-(?:${alternatives})-${escape(regionCode(region))}$`);
    roleNamePatterns.set(key, pattern);
  }
  return pattern;
};

/**
 * Whether `roleName` is the role of one of this service's functions, of any stage, in `region`:
 * exactly a name {@link serviceRoleName} gives, nothing that only starts like one. Any stage,
 * because the stages deployed in one account watch the same secrets through the same CloudTrail
 * events: a fix made by the dev stack reaches the prod stack too, and judging it as a stranger's
 * change would alert on the service's own work and let two stacks answer each other's fixes.
 * The account is checked by the caller (a role of the same name in another account is not ours).
 */
export const isServiceRoleName = (roleName: string, region: string): boolean => {
  if (!REGION.test(region)) return false;
  const stage = roleNamePattern(SERVICE_NAME, FUNCTION_CODE_LIST, region).exec(roleName)?.[1];
  return stage !== undefined && stageProblem(stage) === undefined;
};

/**
 * The roles the member template creates in each guarded account and region (organisation mode):
 * one per action, so that the hub's restore-secret can only restore in a member, one read role
 * for the sweep, the scan and Security Hub, the execution role of the forwarding rules, and the
 * role the hub account's operators take the forward queue's events with (`redrive --member-account`).
 * Codes are never changed once deployed.
 */
export const MEMBER_ROLE_CODES = {
  'clear-stale-pending': 'csp',
  'enable-rotation': 'rot',
  'restore-secret': 'rst',
  'remove-public-statements': 'rps',
  read: 'read',
  forward: 'fwd',
  redrive: 'rdv',
} as const;

export type MemberRole = keyof typeof MEMBER_ROLE_CODES;

/**
 * A member role's name: `<prefix>-<stage>-<role code>-<region code>`, e.g.
 * `secrets-remediator-member-prod-rst-euw1`. IAM names are global to an account, so the region is
 * part of the name: the member stack of each region creates its own. `prefix` is the policy's
 * `organisation.roleNamePrefix` (at most 28 characters, so every name fits IAM's 64).
 * @public The organisation's member stacks and assume-role adapter name their roles with it.
 */
export const memberRoleName = (prefix: string, stage: string, role: MemberRole, region: string): string => {
  const problem = stageProblem(stage);
  if (problem) throw new Error(problem);
  const name = `${prefix}-${stage}-${MEMBER_ROLE_CODES[role]}-${regionCode(region)}`;
  if (name.length > MAX_ROLE_NAME_LENGTH)
    throw new Error(
      `member role name '${name}' is longer than IAM's ${MAX_ROLE_NAME_LENGTH} characters: shorten organisation.roleNamePrefix`,
    );
  return name;
};

/** The member roles that act or read for the service (the forwarding role makes no Secrets Manager call). */
const ACTING_MEMBER_ROLES: readonly MemberRole[] = [
  'clear-stale-pending',
  'enable-rotation',
  'restore-secret',
  'remove-public-statements',
  'read',
];
const ACTING_MEMBER_ROLE_CODES: readonly string[] = ACTING_MEMBER_ROLES.map((role) => MEMBER_ROLE_CODES[role]);

/**
 * Whether `roleName` is one of the member roles the hub acts or reads through, of any stage, in
 * `region`: exactly a name {@link memberRoleName} gives with `prefix`. Any stage for the reason
 * {@link isServiceRoleName} gives. The account is checked by the caller: the event's own account,
 * where the member stack created the role.
 */
export const isMemberRoleName = (roleName: string, prefix: string, region: string): boolean => {
  if (!REGION.test(region)) return false;
  const stage = roleNamePattern(prefix, ACTING_MEMBER_ROLE_CODES, region).exec(roleName)?.[1];
  return stage !== undefined && stageProblem(stage) === undefined;
};
