/**
 * Who caused the event, from CloudTrail's `userIdentity`: root, an IAM user, a person through
 * IAM Identity Center, a role (with the role behind the session), a federated user, an AWS
 * service, or one of this service's own roles — with MFA, source IP, user agent and VPC
 * endpoint, and whether the policy names the principal as an allowed admin. Pure.
 *
 * A caller whose `type` CloudTrail leaves out (other than the rotation service) or names in a
 * way this code does not know is `unknown`, and no allowed-admin glob is matched against it: its
 * writes are neither excused by `allowedAdmins` (remediate's admin guard, the rules' "not an
 * allowed admin" conditions) nor blocked for it — they are judged as anyone's.
 */
import type { CloudTrailRecord } from '../contracts/cloudtrail-event.js';
import type { Actor, ActorKind } from '../contracts/finding.js';
import { matchesGlob } from '../policy/glob.js';
import { partitionOf } from './partition.js';
import type { Policy } from '../policy/schema.js';
import { isMemberRoleName, isServiceRoleName } from './service-roles.js';

export interface ActorContext {
  /** The policy's `allowedAdmins`: principal ARNs, `*` allowed. */
  readonly allowedAdmins: readonly string[];
  /**
   * Organisation mode: the member roles' name prefix (`organisation.roleNamePrefix`), so that
   * the hub's own writes in a member account, made through a member role, are recognised as its
   * own. Absent: no member role is this service's.
   */
  readonly memberRolePrefix?: string;
}

/** What actorOf needs from the policy. */
export const actorContextOf = (policy: Pick<Policy, 'allowedAdmins' | 'organisation'>): ActorContext => ({
  allowedAdmins: policy.allowedAdmins,
  ...(policy.organisation.enabled ? { memberRolePrefix: policy.organisation.roleNamePrefix } : {}),
});

/** IAM Identity Center creates one role per permission set with this prefix; its sessions are people. */
const SSO_ROLE_PREFIX = 'AWSReservedSSO_';
const PEOPLE: ReadonlySet<ActorKind> = new Set(['root', 'iam-user', 'sso-user', 'federated-user']);

export const actorOf = (record: CloudTrailRecord, context: ActorContext): Actor => {
  const identity = record.userIdentity ?? {};
  const { kind, principal, sessionArn } = identify(identity, record, context);
  // A glob cannot vouch for an identity whose type CloudTrail does not say.
  const candidates = kind === 'unknown' ? [] : [principal, sessionArn, identity.arn].filter((arn): arn is string => Boolean(arn));
  const mfa = identity.sessionContext?.attributes?.mfaAuthenticated;
  return {
    kind,
    principal,
    ...(sessionArn && sessionArn !== principal ? { sessionArn } : {}),
    ...(identity.accountId ? { accountId: identity.accountId } : {}),
    ...(mfa === 'true' || mfa === 'false' ? { mfa: mfa === 'true' } : {}),
    ...(record.sourceIPAddress ? { sourceIp: record.sourceIPAddress } : {}),
    ...(record.userAgent ? { userAgent: record.userAgent } : {}),
    ...(record.vpcEndpointId ? { vpcEndpointId: record.vpcEndpointId } : {}),
    isPerson: PEOPLE.has(kind),
    isAllowedAdmin: candidates.some((arn) => context.allowedAdmins.some((glob) => matchesGlob(glob, arn))),
  };
};

type Identity = NonNullable<CloudTrailRecord['userIdentity']>;

const identify = (
  identity: Identity,
  record: CloudTrailRecord,
  context: ActorContext,
): { kind: ActorKind; principal: string; sessionArn?: string } => {
  switch (identity.type) {
    case 'Root':
      return {
        kind: 'root',
        principal: identity.arn ?? `arn:${partitionOf(record.awsRegion)}:iam::${identity.accountId ?? 'unknown'}:root`,
      };
    case 'IAMUser':
      return { kind: 'iam-user', principal: identity.arn ?? identity.userName ?? 'unknown IAM user' };
    case 'FederatedUser':
      return { kind: 'federated-user', principal: identity.arn ?? identity.principalId ?? 'unknown federated user' };
    case 'AWSService':
      return { kind: 'aws-service', principal: identity.invokedBy ?? 'unknown AWS service' };
    case 'AssumedRole':
      return identifyRole(identity, record, context);
    default:
      // Rotation service events carry only `invokedBy` and `accountId`, no `type`.
      if (identity.type === undefined && identity.invokedBy) return { kind: 'aws-service', principal: identity.invokedBy };
      return { kind: 'unknown', principal: identity.arn ?? identity.principalId ?? identity.accountId ?? 'unknown' };
  }
};

// arn:aws:sts::123456789012:assumed-role/RoleName/session-name
const ASSUMED_ROLE_ARN = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

/** The role behind a session says more than the session: that is what policies name. */
const identifyRole = (
  identity: Identity,
  record: CloudTrailRecord,
  context: ActorContext,
): { kind: ActorKind; principal: string; sessionArn?: string } => {
  const fromSession = identity.arn ? ASSUMED_ROLE_ARN.exec(identity.arn) : null;
  const roleArn =
    identity.sessionContext?.sessionIssuer?.arn ??
    (fromSession ? `arn:${fromSession[1]}:iam::${fromSession[2]}:role/${fromSession[3]}` : undefined);
  const roleName = identity.sessionContext?.sessionIssuer?.userName ?? fromSession?.[3] ?? roleArn?.split('/').pop() ?? '';
  const principal = roleArn ?? identity.arn ?? 'unknown role';
  const session = identity.arn ? { sessionArn: identity.arn } : {};
  if (roleName.startsWith(SSO_ROLE_PREFIX)) return { kind: 'sso-user', principal, ...session };
  // Ours only in the account the event happened in: a role of the same name elsewhere is a stranger.
  const inEventAccount = identity.accountId !== undefined && identity.accountId === record.recipientAccountId;
  const ours =
    isServiceRoleName(roleName, record.awsRegion) ||
    (context.memberRolePrefix !== undefined && isMemberRoleName(roleName, context.memberRolePrefix, record.awsRegion));
  if (inEventAccount && ours) {
    return { kind: 'service-role', principal, ...session };
  }
  return { kind: 'assumed-role', principal, ...session };
};
