/** Actor analysis over every identity type CloudTrail records, with the policy's allowed admins. */
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/contracts/cloudtrail-event.js';
import { actorOf } from '../../shared/domain/actor.js';

const ACCOUNT = '123456789012';
const context = {
  serviceRolePrefix: 'secrets-remediator-prod-',
  allowedAdmins: [`arn:aws:iam::${ACCOUNT}:role/SecretsAdmin`, `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecretsAdmin_*`],
};

const record = (userIdentity: CloudTrailRecord['userIdentity'], extra: Partial<CloudTrailRecord> = {}): CloudTrailRecord => ({
  eventTime: '2026-11-25T10:00:00Z',
  eventSource: 'secretsmanager.amazonaws.com',
  eventName: 'UpdateSecret',
  awsRegion: 'us-east-1',
  recipientAccountId: ACCOUNT,
  userIdentity,
  ...extra,
});

const assumedRole = (roleName: string, session: string, path = '', mfa = 'false') => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${path}${roleName}`, accountId: ACCOUNT, userName: roleName },
    attributes: { mfaAuthenticated: mfa },
  },
});

describe('Function: actorOf', () => {
  it('recognises the rotation service, which sends only invokedBy and accountId', () => {
    expect(actorOf(record({ accountId: ACCOUNT, invokedBy: 'secretsmanager.amazonaws.com' }), context)).toEqual({
      kind: 'aws-service',
      principal: 'secretsmanager.amazonaws.com',
      accountId: ACCOUNT,
      isPerson: false,
      isAllowedAdmin: false,
    });
  });

  it('recognises an AWS service identity', () => {
    expect(actorOf(record({ type: 'AWSService', invokedBy: 'config.amazonaws.com' }), context)).toMatchObject({ kind: 'aws-service', principal: 'config.amazonaws.com', isPerson: false });
  });

  it('recognises the root user as a person, with MFA', () => {
    const actor = actorOf(
      record({ type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, sessionContext: { attributes: { mfaAuthenticated: 'true' } } }),
      context,
    );

    expect(actor).toMatchObject({ kind: 'root', principal: `arn:aws:iam::${ACCOUNT}:root`, mfa: true, isPerson: true, isAllowedAdmin: false });
  });

  it('recognises an IAM user as a person, with source IP, user agent and VPC endpoint', () => {
    const actor = actorOf(
      record(
        { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice' },
        { sourceIPAddress: '203.0.113.7', userAgent: 'aws-cli/2.15.0', vpcEndpointId: 'vpce-0a1b2c3d4e5f67890' },
      ),
      context,
    );

    expect(actor).toEqual({
      kind: 'iam-user',
      principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
      sourceIp: '203.0.113.7',
      userAgent: 'aws-cli/2.15.0',
      vpcEndpointId: 'vpce-0a1b2c3d4e5f67890',
      isPerson: true,
      isAllowedAdmin: false,
    });
  });

  it('names the role behind an assumed-role session, and keeps the session', () => {
    const actor = actorOf(record(assumedRole('Deployer', 'pipeline-42')), context);

    expect(actor).toMatchObject({
      kind: 'assumed-role',
      principal: `arn:aws:iam::${ACCOUNT}:role/Deployer`,
      sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/pipeline-42`,
      isPerson: false,
    });
  });

  it('derives the role from the session ARN when sessionContext is missing', () => {
    const actor = actorOf(record({ type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s1`, accountId: ACCOUNT }), context);

    expect(actor.principal).toBe(`arn:aws:iam::${ACCOUNT}:role/Deployer`);
  });

  it('recognises a person signed in through IAM Identity Center', () => {
    const actor = actorOf(record(assumedRole('AWSReservedSSO_Developer_0123456789abcdef', 'bob@example.com', 'aws-reserved/sso.amazonaws.com/')), context);

    expect(actor).toMatchObject({
      kind: 'sso-user',
      principal: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef`,
      sessionArn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/bob@example.com`,
      isPerson: true,
      isAllowedAdmin: false,
    });
  });

  it('matches an allowed admin by role ARN, and an SSO admin by glob', () => {
    const admin = actorOf(record(assumedRole('SecretsAdmin', 'jane', '', 'true')), context);
    const ssoAdmin = actorOf(record(assumedRole('AWSReservedSSO_SecretsAdmin_9f8e7d', 'jane@example.com', 'aws-reserved/sso.amazonaws.com/')), context);
    const lookalike = actorOf(record(assumedRole('SecretsAdminReadOnly', 'eve')), context);

    expect(admin).toMatchObject({ isAllowedAdmin: true, mfa: true });
    expect(ssoAdmin).toMatchObject({ kind: 'sso-user', isAllowedAdmin: true });
    expect(lookalike.isAllowedAdmin).toBe(false);
  });

  it("recognises this service's own roles, so their events are never acted on", () => {
    const actor = actorOf(record(assumedRole('secrets-remediator-prod-clear-stale-pending-us-east-1-lambdaRole', 'secrets-remediator-prod-clear-stale-pending')), context);

    expect(actor.kind).toBe('service-role');
  });

  it.each([
    ['a role of the same name in another account', { ...assumedRole('secrets-remediator-prod-clear-stale-pending-us-east-1-lambdaRole', 's'), accountId: '999999999999' }],
    ['a role that only starts like ours', assumedRole('secrets-remediator-prod-anything', 's')],
    ['a role named like ours for a function we do not have', assumedRole('secrets-remediator-prod-backdoor-us-east-1-lambdaRole', 's')],
    ["another stage's role whose name extends ours (prod vs prod-eu)", assumedRole('secrets-remediator-prod-eu-classify-eu-west-1-lambdaRole', 's')],
  ])('does not take %s for its own: its events are still judged', (_label, identity) => {
    expect(actorOf(record(identity), context).kind).toBe('assumed-role');
  });

  it("does not take another stage's roles for its own", () => {
    const actor = actorOf(record(assumedRole('secrets-remediator-dev-clear-stale-pending-us-east-1-lambdaRole', 's')), context);

    expect(actor.kind).toBe('assumed-role');
  });

  it('recognises a federated user', () => {
    const actor = actorOf(record({ type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol`, accountId: ACCOUNT }), context);

    expect(actor).toMatchObject({ kind: 'federated-user', isPerson: true });
  });

  it('says unknown rather than guessing when there is no identity', () => {
    expect(actorOf(record(undefined), context)).toEqual({ kind: 'unknown', principal: 'unknown', isPerson: false, isAllowedAdmin: false });
  });
});
