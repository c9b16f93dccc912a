/** Actor analysis over every identity type CloudTrail records, with the policy's allowed admins. */
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../shared/contracts/cloudtrail-event.js';
import { actorOf } from '../../shared/domain/actor.js';
import { serviceRoleName } from '../../shared/domain/service-roles.js';
import { everyRegion } from '../helpers/aws-partitions.js';

const ACCOUNT = '123456789012';
const context = {
  allowedAdmins: [
    `arn:aws:iam::${ACCOUNT}:role/SecretsAdmin`,
    `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecretsAdmin_*`,
  ],
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

const assumedRole = (roleName: string, session: string, path = '', mfa = 'false', partition = 'aws') => ({
  type: 'AssumedRole',
  arn: `arn:${partition}:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`,
  accountId: ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: `arn:${partition}:iam::${ACCOUNT}:role/${path}${roleName}`,
      accountId: ACCOUNT,
      userName: roleName,
    },
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
    expect(actorOf(record({ type: 'AWSService', invokedBy: 'config.amazonaws.com' }), context)).toMatchObject({
      kind: 'aws-service',
      principal: 'config.amazonaws.com',
      isPerson: false,
    });
  });

  it('recognises the root user as a person, with MFA', () => {
    const actor = actorOf(
      record({
        type: 'Root',
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        accountId: ACCOUNT,
        sessionContext: { attributes: { mfaAuthenticated: 'true' } },
      }),
      context,
    );

    expect(actor).toMatchObject({
      kind: 'root',
      principal: `arn:aws:iam::${ACCOUNT}:root`,
      mfa: true,
      isPerson: true,
      isAllowedAdmin: false,
    });
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
    const actor = actorOf(
      record({ type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s1`, accountId: ACCOUNT }),
      context,
    );

    expect(actor.principal).toBe(`arn:aws:iam::${ACCOUNT}:role/Deployer`);
  });

  it('recognises a person signed in through IAM Identity Center', () => {
    const actor = actorOf(
      record(assumedRole('AWSReservedSSO_Developer_0123456789abcdef', 'bob@example.com', 'aws-reserved/sso.amazonaws.com/')),
      context,
    );

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
    const ssoAdmin = actorOf(
      record(assumedRole('AWSReservedSSO_SecretsAdmin_9f8e7d', 'jane@example.com', 'aws-reserved/sso.amazonaws.com/')),
      context,
    );
    const lookalike = actorOf(record(assumedRole('SecretsAdminReadOnly', 'eve')), context);

    expect(admin).toMatchObject({ isAllowedAdmin: true, mfa: true });
    expect(ssoAdmin).toMatchObject({ kind: 'sso-user', isAllowedAdmin: true });
    expect(lookalike.isAllowedAdmin).toBe(false);
  });

  it.each(everyRegion.map(({ partition, region }) => [region, partition]))(
    "recognises this service's own role of every function in %s (%s), so their events are never acted on",
    (region, partition) => {
      for (const fn of [
        'classify',
        'clear-stale-pending',
        'enable-rotation',
        'restore-secret',
        'remove-public-statements',
        'alert',
        'alert-digest',
        'sweep',
      ] as const) {
        const role = serviceRoleName(fn, 'prod', region);
        const actor = actorOf(
          record(assumedRole(role, `secrets-remediator-prod-${fn}`, '', 'false', partition), { awsRegion: region }),
          context,
        );

        expect(actor.kind, role).toBe('service-role');
      }
    },
  );

  it("recognises the role of the longest stage's function with the longest name in the region with the longest name", () => {
    const role = serviceRoleName('remove-public-statements', 'staging-eu-cent1', 'us-isof-south-1');
    const actor = actorOf(record(assumedRole(role, 's', '', 'false', 'aws-iso-f'), { awsRegion: 'us-isof-south-1' }), context);

    expect(actor.kind).toBe('service-role');
  });

  // Two stages in one account watch the same secrets: the dev stack's fixes reach the prod stack too.
  it.each(['dev', 'prod', 'staging', 'prod-eu'])(
    "recognises the roles of the %s stage as its own: every stage in the account sees every stage's fixes",
    (stage) => {
      const actor = actorOf(record(assumedRole(serviceRoleName('clear-stale-pending', stage, 'us-east-1'), 's')), context);

      expect(actor.kind).toBe('service-role');
    },
  );

  it.each([
    ['a role of the same name in another account', { ...assumedRole('secrets-remediator-prod-csp-use1', 's'), accountId: '999999999999' }],
    ['a role that only starts like ours', assumedRole('secrets-remediator-prod-anything', 's')],
    ['a role named like ours for a function we do not have', assumedRole('secrets-remediator-prod-bdr-use1', 's')],
    ['a role named like ours with more after it', assumedRole('secrets-remediator-prod-csp-use1-lambdaRole', 's')],
    ['the role of another region (its functions call their own region)', assumedRole('secrets-remediator-prod-csp-euw1', 's')],
    [
      'a role named the way the framework would name ours',
      assumedRole('secrets-remediator-prod-clear-stale-pending-us-east-1-lambdaRole', 's'),
    ],
  ])('does not take %s for its own: its events are still judged', (_label, identity) => {
    expect(actorOf(record(identity), context).kind).toBe('assumed-role');
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('names the root user of an event in %s in its own partition (%s) when CloudTrail gives no ARN', (region, partition) => {
    const actor = actorOf(record({ type: 'Root', accountId: ACCOUNT, principalId: ACCOUNT }, { awsRegion: region }), context);

    expect(actor).toMatchObject({ kind: 'root', principal: `arn:${partition}:iam::${ACCOUNT}:root` });
  });

  it.each([
    ['a type CloudTrail may add later', 'IdentityCenterUser'],
    ['the type Unknown', 'Unknown'],
    ['no type', undefined],
  ])('treats a caller with %s as unknown, and matches it against no allowed-admin glob', (_label, type) => {
    // The ARN matches an allowed admin exactly: an unknown identity is still not excused, nor judged as one.
    const identity = { ...(type ? { type } : {}), arn: `arn:aws:iam::${ACCOUNT}:role/SecretsAdmin`, accountId: ACCOUNT };
    const actor = actorOf(record(identity), { allowedAdmins: ['*'] });

    expect(actor).toMatchObject({
      kind: 'unknown',
      principal: `arn:aws:iam::${ACCOUNT}:role/SecretsAdmin`,
      isAllowedAdmin: false,
      isPerson: false,
    });
  });

  it('recognises a federated user', () => {
    const actor = actorOf(
      record({ type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/carol`, accountId: ACCOUNT }),
      context,
    );

    expect(actor).toMatchObject({ kind: 'federated-user', isPerson: true });
  });

  it('says unknown rather than guessing when there is no identity', () => {
    expect(actorOf(record(undefined), context)).toEqual({ kind: 'unknown', principal: 'unknown', isPerson: false, isAllowedAdmin: false });
  });
});

describe('Function: actorOf, member roles (organisation mode)', () => {
  const inOrganisation = { ...context, memberRolePrefix: 'secrets-remediator-member' };

  it.each(['rst', 'csp', 'rot', 'rps', 'read'])(
    "recognises the member role %s, of any stage, in the event's own account as this service's own",
    (code) => {
      const role = `secrets-remediator-member-prod-${code}-use1`;
      expect(actorOf(record(assumedRole(role, 'finding')), inOrganisation)).toMatchObject({
        kind: 'service-role',
        principal: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      });
    },
  );

  it('judges a member-like role as anyone when organisation mode is off, or its region code is not the event’s, or it is the forwarding role', () => {
    expect(actorOf(record(assumedRole('team-member-prod-rst-use1', 'f')), { ...context }).kind).toBe('assumed-role');
    expect(actorOf(record(assumedRole('team-member-prod-rst-use1', 'f')), { ...context, memberRolePrefix: 'team-member' }).kind).toBe(
      'service-role',
    );
    expect(actorOf(record(assumedRole('secrets-remediator-member-prod-rst-euw1', 'f')), inOrganisation).kind).toBe('assumed-role');
    expect(actorOf(record(assumedRole('secrets-remediator-member-prod-fwd-use1', 'f')), inOrganisation).kind).toBe('assumed-role');
    expect(actorOf(record(assumedRole('other-prefix-prod-rst-use1', 'f')), inOrganisation).kind).toBe('assumed-role');
  });

  it('judges a member role of another account than the event’s as a stranger', () => {
    const stranger = { ...assumedRole('secrets-remediator-member-prod-rst-use1', 'f'), accountId: '999999999999' };
    expect(actorOf(record(stranger), inOrganisation).kind).toBe('assumed-role');
  });
});
