/**
 * Reaching the account and region a finding or an event is about (organisation mode): its OUs
 * when the scope needs them, and the Secrets Manager to read or act through — the function's own
 * in the hub's own account and region, a member role's anywhere else. The decisions are
 * organisation-scope.ts's; this is the I/O around them, shared by classify and the actions.
 */
import { logger } from '../logger.js';
import type { Policy } from '../policy/schema.js';
import type { MemberAccessPort } from '../ports/member-access.js';
import type { OrganisationPort } from '../ports/organisation.js';
import type { SecretsPort } from '../ports/secrets.js';
import { type Ancestry, type Hub, memberTarget, needsAncestry, type Place } from './organisation-scope.js';
import type { MemberRole } from './service-roles.js';

/** The ports a function reaches members through (organisation mode); absent in single-account mode. */
export interface MemberPorts {
  readonly members?: MemberAccessPort;
  readonly organisation?: OrganisationPort;
}

/**
 * The account's OUs when the scope needs them, else undefined. A failed read is an answer too
 * (`known: false`, with the reason): the account is then out of scope, never guessed in.
 */
export const ancestryFor = async (
  policy: Policy,
  hub: Hub,
  account: string,
  port: OrganisationPort | undefined,
): Promise<Ancestry | undefined> => {
  if (!needsAncestry(policy.organisation, hub, account)) return undefined;
  if (!port) return { known: false, reason: 'this function has no access to AWS Organizations' };
  try {
    return { known: true, parents: await port.parentsOf(account) };
  } catch (error) {
    logger.warn('organizational units not readable', { account, error: (error as Error).message });
    return { known: false, reason: `${(error as Error).name}: ${(error as Error).message}` };
  }
};

export interface ReachRequest {
  readonly policy: Policy;
  /** The stage, which names the member roles. */
  readonly stage: string;
  readonly hub: Hub;
  readonly place: Place;
  readonly own: boolean;
  readonly role: MemberRole;
  /** What the session is for: the finding id for an action. */
  readonly session: string;
}

/**
 * Secrets Manager for `place`: `own` (the hub's own account and region) the function's own;
 * anywhere else the member role `role` there.
 * @throws Error when a member is to be reached and no member access is wired (a wiring bug)
 */
export const secretsFor = (request: ReachRequest, own: SecretsPort, members: MemberAccessPort | undefined): SecretsPort => {
  if (request.own) return own;
  if (!members || !request.stage)
    throw new Error(
      `${request.place.account}/${request.place.region} is a member: wire member access and the stage (organisation mode is on)`,
    );
  return members.secrets(
    memberTarget({
      organisation: request.policy.organisation,
      stage: request.stage,
      hub: request.hub,
      place: request.place,
      role: request.role,
      session: request.session,
    }),
  );
};
