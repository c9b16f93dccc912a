/**
 * What packaging needs from the policy to make the hub guard an AWS Organization (policy
 * `organisation`): the member stack's role names per region, the hub roles they trust, the
 * events the members forward (the same routes the hub's classify takes from its own default
 * bus, so a member's rules can never drift from the hub's), and where the StackSet deploys.
 * deploy/plugins/organisation.cjs turns it into the member template, the StackSet and the hub
 * bus policy (through shared/cli/deployment-facts.ts). Pure.
 */
import type { ActionType } from '../contracts/finding.js';
import { ActionTypeSchema } from '../contracts/finding.js';
import type { FunctionName } from '../contracts/functions.js';
import { forwardQueueAlarmNames, forwardQueueAlarmPattern, forwardQueueName } from '../domain/member-forwarding.js';
import { MEMBER_ROLE_CODES, type MemberRole, memberRoleName, serviceRoleNames } from '../domain/service-roles.js';
import type { Policy } from '../policy/schema.js';
import type { EventPattern } from '../rules/match-pattern.js';
import { type Route, routesFor } from '../rules/routes.js';
import securityHubFindings from '../rules/securityhub-findings.pattern.json' with { type: 'json' };

/** Where the stack goes: the stage and the region being packaged (the hub's). */
export interface HubTarget {
  readonly stage: string;
  readonly region: string;
}

/** One `DeploymentTargets` of the StackSet's StackInstancesGroup, as CloudFormation takes it. */
export interface DeploymentTargets {
  readonly OrganizationalUnitIds: readonly string[];
  readonly AccountFilterType?: 'DIFFERENCE' | 'INTERSECTION';
  readonly Accounts?: readonly string[];
}

/** An event a member forwards to the hub: a route of the hub's classify on its default bus. */
export interface ForwardedRoute {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly state?: Route['state'];
}

export interface OrganisationDeployment {
  readonly organizationId: string;
  readonly stage: string;
  /** The hub's region: its roles' names and its bus are there. */
  readonly hubRegion: string;
  /** Regions the StackSet deploys the member stack to. */
  readonly regions: readonly string[];
  /** The member roles' names by region, then by role code (the member template's mapping). */
  readonly memberRoleNames: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Role → code in the member roles' names. */
  readonly memberRoleCodes: Readonly<Record<MemberRole, string>>;
  /** The hub's function roles, whose exact ARNs the member roles trust. */
  readonly hubRoleNames: Readonly<Record<FunctionName, string>>;
  /** The actions with a member role each. */
  readonly actions: readonly ActionType[];
  readonly forwardedRoutes: readonly ForwardedRoute[];
  /** The `source` values of the events forwarded to classify. */
  readonly forwardedSources: readonly string[];
  /**
   * The `source` values the hub bus takes from the organisation, and no other: the forwarded
   * events', and CloudWatch's for the members' forward-queue alarms.
   */
  readonly admittedSources: readonly string[];
  /** Each member's queue of undelivered forwards, its alarms, and the pattern of the hub's rule that notifies them. */
  readonly forwardQueue: ForwardQueue;
  readonly deploymentTargets: readonly DeploymentTargets[];
  /** Whether the read role may import findings into Security Hub. */
  readonly securityHub: boolean;
}

/** A member stack's queue of undelivered forwards and what watches it (shared/domain/member-forwarding.ts). */
export interface ForwardQueue {
  readonly name: string;
  /** The member's alarms on it: a message arrived, a message waits for more than an hour. */
  readonly alarmNames: readonly string[];
  /** The hub rule's pattern: those alarms going into ALARM, by their exact names. */
  readonly hubAlarmPattern: EventPattern;
}

/** The Security Hub control findings classify takes as triggers (policy securityHub.enabled). */
export const SECURITY_HUB_ROUTE: ForwardedRoute = { name: 'securityhub-findings', pattern: securityHubFindings };

type OrganisationPolicy = Pick<Policy, 'organisation' | 'securityHub' | 'configRules' | 'vpcEndpoints'>;

/**
 * The events members forward: every route of classify on the default bus for this policy (the
 * same function builds serverless.yml's patterns), and Security Hub's control findings when the
 * policy turns Security Hub on.
 */
export const forwardedRoutes = (policy: OrganisationPolicy): ForwardedRoute[] => {
  const own = routesFor(policy)
    .filter((route) => route.bus === 'default' && route.target === 'classify')
    .map(({ name, pattern, state }): ForwardedRoute => (state ? { name, pattern, state } : { name, pattern }));
  const securityHub =
    policy.securityHub.enabled && !own.some((route) => route.name === SECURITY_HUB_ROUTE.name) ? [SECURITY_HUB_ROUTE] : [];
  return [...own, ...securityHub];
};

const sourcesOf = (routes: readonly ForwardedRoute[]): string[] =>
  [...new Set(routes.flatMap((route) => route.pattern.source as string[]))].sort();

/** An organization's root id (`r-...`), as opposed to an OU id (`ou-...`). */
const isRoot = (id: string): boolean => id.startsWith('r-');

/**
 * Where the StackSet deploys, following the policy's member scope, so that every account is
 * targeted once: the listed units less the excluded accounts (DIFFERENCE), and the listed
 * accounts through the root (INTERSECTION: service-managed StackSets reach an account only
 * through a unit it is under); with both lists empty, the root less the excluded accounts.
 *
 * A listed account may also lie under a listed unit, which packaging cannot know without asking
 * Organizations. Both groups would then target it, and CloudFormation handles each unit's targets
 * on their own: a second create of the same instance, and, once the account leaves the list, a
 * delete through the root of the instance its unit still wants. So the units' group leaves out the
 * listed accounts as well (DIFFERENCE), and a listed account is reached through the root alone,
 * wherever it sits. A listed root already covers every unit and account: it is then the only
 * target. Every list is given once (CloudFormation refuses repeated items). Throws, saying what
 * to add, when the root id is needed and missing.
 */
export const stackSetTargets = (organisation: Pick<Policy['organisation'], 'rootId' | 'members'>): DeploymentTargets[] => {
  const { organizationalUnits, accounts, exclude } = organisation.members;
  const root = (reason: string): string => {
    if (organisation.rootId === null) {
      throw new Error(
        `organisation.rootId is missing: the StackSet reaches ${reason} only through the organization's root; set it to the root id (aws organizations list-roots --query 'Roots[0].Id')`,
      );
    }
    return organisation.rootId;
  };
  const excluded = [...new Set(exclude)];
  const listedRoot = organizationalUnits.find(isRoot);
  const units =
    listedRoot !== undefined
      ? [listedRoot]
      : organizationalUnits.length === 0 && accounts.length === 0
        ? [root('every account of the organization')]
        : [...new Set(organizationalUnits)];
  // Under a listed root, a listed account is reached through it already.
  const listed = listedRoot !== undefined ? [] : [...new Set(accounts)].filter((account) => !excluded.includes(account));
  const leftOut = [...new Set([...excluded, ...listed])];
  const targets: DeploymentTargets[] = [];
  if (units.length > 0)
    targets.push(
      leftOut.length > 0
        ? { OrganizationalUnitIds: units, AccountFilterType: 'DIFFERENCE', Accounts: leftOut }
        : { OrganizationalUnitIds: units },
    );
  if (listed.length > 0)
    targets.push({ OrganizationalUnitIds: [root('accounts listed one by one')], AccountFilterType: 'INTERSECTION', Accounts: listed });
  if (targets.length === 0)
    throw new Error(
      'organisation.members: every listed account is also excluded, so the StackSet would guard nothing; list an account or a unit that is not excluded',
    );
  return targets;
};

/** What packaging needs for organisation mode, or null while the policy leaves it off. */
export const organisationDeployment = (policy: OrganisationPolicy, { stage, region }: HubTarget): OrganisationDeployment | null => {
  const { organisation } = policy;
  if (!organisation.enabled) return null;
  // The schema requires it when enabled; checked again so that a caller skipping validation fails here.
  if (organisation.organizationId === null)
    throw new Error('organisation.organizationId is missing: it is required when organisation.enabled is true');
  const regions = organisation.regions.length > 0 ? [...new Set(organisation.regions)] : [region];
  const roles = Object.keys(MEMBER_ROLE_CODES) as MemberRole[];
  const routes = forwardedRoutes(policy);
  const hubAlarmPattern = forwardQueueAlarmPattern(stage);
  return {
    organizationId: organisation.organizationId,
    stage,
    hubRegion: region,
    regions,
    memberRoleNames: Object.fromEntries(
      regions.map((guarded) => [
        guarded,
        Object.fromEntries(
          roles.map((role) => [MEMBER_ROLE_CODES[role], memberRoleName(organisation.roleNamePrefix, stage, role, guarded)]),
        ),
      ]),
    ),
    memberRoleCodes: MEMBER_ROLE_CODES,
    hubRoleNames: serviceRoleNames(stage, region),
    actions: ActionTypeSchema.options,
    forwardedRoutes: routes,
    forwardedSources: sourcesOf(routes),
    admittedSources: sourcesOf([...routes, { name: 'forward-queue-alarms', pattern: hubAlarmPattern }]),
    forwardQueue: { name: forwardQueueName(stage), alarmNames: forwardQueueAlarmNames(stage), hubAlarmPattern },
    deploymentTargets: stackSetTargets(organisation),
    securityHub: policy.securityHub.enabled,
  };
};
