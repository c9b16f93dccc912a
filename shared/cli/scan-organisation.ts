/**
 * `scan` across accounts and regions: `--accounts ID,...` or `--organization` (the policy's
 * organisation scope, listed through AWS Organizations), `--regions r1,r2|all`, and `--role-name`
 * (the member read role; by default the one the member stack names for the stage and region).
 * Each account-region is read through that role, assumed with STS in that region; one that
 * cannot be assumed is reported with the role's ARN and what to do, the others are still read.
 */
import { InvalidArgumentError } from 'commander';
import { partitionOf } from '../domain/partition.js';
import { memberRoleName } from '../domain/service-roles.js';
import { PermissionDeniedError, UsageError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { MemberTarget } from '../ports/member-access.js';
import type { OrganisationAccountsPort } from '../ports/organisation-accounts.js';
import { accountsInScope, type ShardTarget, shardTargets } from '../sweep/coordinator.js';
import type { SweepReads } from '../sweep/run-sweep.js';

/**
 * `--regions all`: the regions every AWS account has enabled by default (commercial partition).
 * A fixed list, on purpose: AWS has made every region launched since March 2019 opt-in, so this
 * set does not grow; it needs no permission beyond the read role (EC2 DescribeRegions would need
 * ec2:DescribeRegions in every member, and answers for the caller's account, not the member's);
 * and an opt-in region enabled by the organisation is named with `--regions` like any other.
 */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
];

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** `--accounts 111122223333,444455556666`: 12-digit ids, at least one. */
export const parseAccounts = (value: string): string[] => {
  const accounts = commaList(value);
  const bad = accounts.filter((account) => !ACCOUNT.test(account));
  if (accounts.length === 0 || bad.length > 0)
    throw new InvalidArgumentError(`expected 12-digit account ids separated by commas${bad.length > 0 ? `, not ${bad.join(', ')}` : ''}`);
  return [...new Set(accounts)];
};

/** `--regions eu-west-1,us-east-1` or `--regions all` ({@link DEFAULT_ENABLED_REGIONS}). */
export const parseRegions = (value: string): string[] => {
  if (value.trim() === 'all') return [...DEFAULT_ENABLED_REGIONS];
  const regions = commaList(value);
  const bad = regions.filter((region) => !REGION.test(region));
  if (regions.length === 0 || bad.length > 0)
    throw new InvalidArgumentError(
      `expected region names separated by commas (e.g. eu-west-1,us-east-1) or "all"${bad.length > 0 ? `, not ${bad.join(', ')}` : ''}`,
    );
  return [...new Set(regions)];
};

/** `--role-name NAME`: an IAM role name. */
export const parseRoleName = (value: string): string => {
  if (!ROLE_NAME.test(value))
    throw new InvalidArgumentError('expected an IAM role name (letters, digits and +=,.@_-, at most 64 characters)');
  return value;
};

export interface OrganisationScanFlags {
  readonly sandbox: boolean;
  readonly accounts?: string[];
  readonly organization?: boolean;
  readonly regions?: string[];
  readonly roleName?: string;
}

/** Whether the flags ask for a scan across accounts; a UsageError for flags that do not go together. */
export const isOrganisationScan = (flags: OrganisationScanFlags): boolean => {
  const across = flags.accounts !== undefined || flags.organization === true;
  if (flags.accounts !== undefined && flags.organization === true)
    throw new UsageError('--accounts and --organization both name the accounts to scan: pass one of them');
  if (!across && (flags.regions !== undefined || flags.roleName !== undefined)) {
    throw new UsageError(
      `${flags.regions !== undefined ? '--regions' : '--role-name'} scans other accounts: pass --accounts ID,... or --organization with it`,
    );
  }
  if (across && flags.sandbox)
    throw new UsageError('--accounts and --organization read live accounts through their read role: not with --sandbox');
  return across;
};

/** One account-region to read, and the role to read it with. */
export interface ScanTarget extends ShardTarget {
  readonly roleArn: string;
}

/**
 * The account-regions to read: the accounts given (or the organisation scope of the policy,
 * listed through Organizations), × the regions given (or the policy's `organisation.regions`, or
 * the CLI's region), each with its read role — `--role-name`, or the member stack's name for the
 * stage and region.
 */
export const scanTargets = async (
  flags: OrganisationScanFlags,
  context: {
    readonly policy: Policy;
    readonly stage: string;
    readonly region: string | undefined;
    readonly organizations: () => OrganisationAccountsPort;
  },
): Promise<ScanTarget[]> => {
  const accounts = flags.accounts ?? (await accountsInScope(context.organizations(), context.policy.organisation));
  if (accounts.length === 0)
    throw new UsageError(
      '--organization: the organisation scope of the policy holds no ACTIVE account (organisation.members): nothing to scan',
    );
  const regions =
    flags.regions ??
    (context.policy.organisation.regions.length > 0 ? context.policy.organisation.regions : context.region ? [context.region] : []);
  if (regions.length === 0) throw new UsageError('no region to scan: pass --regions r1,r2 (or all), or --region, or set AWS_REGION');
  return shardTargets(accounts, regions).map((target) => {
    const name = flags.roleName ?? memberRoleName(context.policy.organisation.roleNamePrefix, context.stage, 'read', target.region);
    return { ...target, roleArn: `arn:${partitionOf(target.region)}:iam::${target.account}:role/${name}` };
  });
};

/** What reading one target gave: its reads, or why it could not be read and what to do. */
export type TargetReads = { readonly reads: SweepReads } | { readonly problem: string };

/**
 * The reads of `target` through its role (`assume`: the member-access adapter), or the problem:
 * a role that cannot be assumed is named, with what to do.
 */
export const readsOfTarget = async (
  target: ScanTarget,
  session: string,
  assume: (target: MemberTarget) => Promise<SweepReads>,
): Promise<TargetReads> => {
  try {
    return { reads: await assume({ account: target.account, region: target.region, roleArn: target.roleArn, session }) };
  } catch (error) {
    if (!(error instanceof PermissionDeniedError)) throw error;
    return {
      problem: `${target.account}/${target.region}: cannot assume ${target.roleArn}: deploy the member stack there (docs/organisation.md), or pass --role-name with a role these credentials may assume. (${error.message})`,
    };
  }
};
