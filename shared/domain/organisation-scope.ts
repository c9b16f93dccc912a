/**
 * Which accounts and regions a deployment guards, and how it reaches them. Pure.
 *
 * - Single account (`organisation.enabled` false): the deployment's own account and region only.
 * - Organisation mode: a region listed in `organisation.regions` (none listed: the hub's region),
 *   in an account that is the hub's own, or a member by `organisation.members` — listed, or under
 *   a listed OU (or root), or any account when both lists are empty; `exclude` always wins.
 *
 * "Any account" trusts the hub bus's policy, which admits forwarded events from the
 * organisation's accounts only (`aws:PrincipalOrgID`), and only with an AWS `source`, which no
 * caller of PutEvents may claim: an event that reached classify with such a source came from an
 * account of the organisation. An OU scope needs the account's OUs, which only AWS Organizations
 * knows: the caller reads them (`OrganisationPort.ancestryOf`) and passes them in; when it could
 * not, the account is out of scope with the reason.
 */
import type { Policy } from '../policy/schema.js';
import type { MemberTarget } from '../ports/member-access.js';
import { partitionOf } from './partition.js';
import { type MemberRole, memberRoleName } from './service-roles.js';

type Organisation = Policy['organisation'];

/** Where the deployment (the hub, in organisation mode) runs: its function's account and region. */
export interface Hub {
  readonly account: string;
  readonly region: string;
}

/** An account and region an event happened in, or a finding is about. */
export interface Place {
  readonly account: string;
  readonly region: string;
}

/** An account's parents as AWS Organizations lists them, nearest first, up to the root; or why they are not known. */
export type Ancestry = { readonly known: true; readonly parents: readonly string[] } | { readonly known: false; readonly reason: string };

export type ScopeVerdict =
  /** Guarded. `own`: the hub's own account and region, reached with the function's own credentials. */
  { readonly guarded: true; readonly own: boolean } | { readonly guarded: false; readonly reason: string };

/** The regions guarded, each once: the listed ones, or the hub's own. */
export const guardedRegions = (organisation: Organisation, hub: Hub): readonly string[] =>
  organisation.regions.length > 0 ? [...new Set(organisation.regions)] : [hub.region];

/**
 * Whether deciding about `account` needs its OUs: only in organisation mode, with OUs listed, for
 * an account neither the hub's, nor excluded, nor listed by id.
 */
export const needsAncestry = (organisation: Organisation, hub: Hub, account: string): boolean =>
  organisation.enabled &&
  organisation.members.organizationalUnits.length > 0 &&
  account !== hub.account &&
  !organisation.members.exclude.includes(account) &&
  !organisation.members.accounts.includes(account);

/**
 * Whether `place` is guarded by a deployment at `hub` under `organisation`.
 * @param ancestry - the account's OUs, when {@link needsAncestry} says they are needed
 */
export const scopeOf = (organisation: Organisation, hub: Hub, place: Place, ancestry?: Ancestry): ScopeVerdict => {
  const own = place.account === hub.account && place.region === hub.region;
  if (!organisation.enabled) {
    if (place.account !== hub.account)
      return out(
        `account ${place.account}, not in this account ${hub.account}: events from other accounts are never acted on (organisation mode is off)`,
      );
    if (place.region !== hub.region)
      return out(`region ${place.region}, not in this region ${hub.region}: a deployment guards its own region (organisation mode is off)`);
    return { guarded: true, own: true };
  }
  const regions = guardedRegions(organisation, hub);
  if (!regions.includes(place.region)) {
    return out(
      `region ${place.region}, which is not guarded (organisation.regions: ${organisation.regions.length > 0 ? regions.join(', ') : `none listed, so the hub's region ${hub.region} only`})`,
    );
  }
  if (place.account === hub.account) return { guarded: true, own };
  const { members } = organisation;
  if (members.exclude.includes(place.account)) return out(`account ${place.account}, which organisation.members.exclude leaves out`);
  if (members.accounts.includes(place.account)) return { guarded: true, own: false };
  if (members.accounts.length === 0 && members.organizationalUnits.length === 0) return { guarded: true, own: false };
  if (members.organizationalUnits.length === 0)
    return out(`account ${place.account}, which is not a member account listed in organisation.members.accounts`);
  if (!ancestry || !ancestry.known) {
    return out(
      `account ${place.account}, whose organizational units could not be read (${ancestry?.known === false ? ancestry.reason : 'not looked up'}), ` +
        'so it cannot be placed under organisation.members.organizationalUnits',
    );
  }
  return ancestry.parents.some((parent) => members.organizationalUnits.includes(parent))
    ? { guarded: true, own: false }
    : out(
        `account ${place.account}, which is neither listed in organisation.members.accounts nor under ${members.organizationalUnits.join(', ')} (its parents: ${ancestry.parents.join(' < ') || 'none'})`,
      );
};

const out = (reason: string): ScopeVerdict => ({ guarded: false, reason });

/** The ARN of a member role: `arn:<partition>:iam::<account>:role/<prefix>-<stage>-<code>-<region code>`. */
export const memberRoleArn = (organisation: Pick<Organisation, 'roleNamePrefix'>, stage: string, role: MemberRole, place: Place): string =>
  `arn:${partitionOf(place.region)}:iam::${place.account}:role/${memberRoleName(organisation.roleNamePrefix, stage, role, place.region)}`;

export interface TargetRequest {
  readonly organisation: Pick<Organisation, 'roleNamePrefix'>;
  readonly stage: string;
  readonly hub: Hub;
  readonly place: Place;
  readonly role: MemberRole;
  /** What the session is for: the finding id for an action (CloudTrail in the member shows it). */
  readonly session: string;
}

/**
 * Where and as whom to act for `place`: the hub's own account in its own region with the
 * function's own credentials, anywhere else through the member role `role` there (the hub's own
 * account in another region too: its role there is the member stack's, the hub's own roles are
 * limited to the hub's region).
 */
export const memberTarget = ({ organisation, stage, hub, place, role, session }: TargetRequest): MemberTarget =>
  place.account === hub.account && place.region === hub.region
    ? { account: place.account, region: place.region, session }
    : { account: place.account, region: place.region, session, roleArn: memberRoleArn(organisation, stage, role, place) };
