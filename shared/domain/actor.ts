/**
 * Who caused the event, from CloudTrail's `userIdentity`. The rotation path only needs to tell
 * an AWS service from a person; the full analysis (SSO, the service's own roles, MFA, VPC
 * endpoints, allowed admins) belongs to the rule catalogue.
 */
import type { CloudTrailRecord } from '../contracts/cloudtrail-event.js';
import type { Actor } from '../contracts/finding.js';

export const actorOf = (record: CloudTrailRecord): Actor => {
  const identity = record.userIdentity ?? {};
  const where = {
    ...(identity.accountId ? { accountId: identity.accountId } : {}),
    ...(record.sourceIPAddress ? { sourceIp: record.sourceIPAddress } : {}),
    ...(record.userAgent ? { userAgent: record.userAgent } : {}),
  };
  switch (identity.type) {
    case 'Root':
      return { kind: 'root', principal: identity.arn ?? `root of ${identity.accountId ?? 'unknown account'}`, ...where };
    case 'IAMUser':
      return { kind: 'iam-user', principal: identity.arn ?? identity.userName ?? 'unknown IAM user', ...where };
    case 'AssumedRole':
      // The role behind the session says more than the session name.
      return {
        kind: 'assumed-role',
        principal: identity.sessionContext?.sessionIssuer?.arn ?? identity.arn ?? 'unknown role',
        ...where,
      };
    case 'AWSService':
      return { kind: 'aws-service', principal: identity.invokedBy ?? 'unknown AWS service', ...where };
    default:
      // Rotation service events carry only `invokedBy` and `accountId`, no `type`.
      if (identity.invokedBy) return { kind: 'aws-service', principal: identity.invokedBy, ...where };
      return { kind: 'unknown', principal: identity.arn ?? identity.principalId ?? 'unknown', ...where };
  }
};
