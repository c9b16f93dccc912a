/**
 * What packaging takes from the policy for organisation mode: where the StackSet deploys (the
 * policy's units and accounts, less the excluded ones), which events members forward, and the
 * member roles' names. The packaged templates are checked in test/deploy/organisation-template.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SECURITY_HUB_ROUTE, forwardedRoutes, organisationDeployment, stackSetTargets } from '../../shared/cli/organisation-deployment.js';
import { memberRoleName, serviceRoleName } from '../../shared/domain/service-roles.js';
import { parsePolicy } from '../../shared/policy/parse-policy.js';
import { routesFor } from '../../shared/rules/routes.js';

const policyOf = (yaml: string) => parsePolicy(yaml, { source: 'test policy', stage: 'prod' });
const ON = 'organisation:\n  enabled: true\n  organizationId: o-a1b2c3d4e5\n';
const HUB = { stage: 'prod', region: 'eu-west-1' };

const members = (organizationalUnits: string[], accounts: string[], exclude: string[], rootId: string | null = 'r-ab12') => ({
  rootId,
  members: { organizationalUnits, accounts, exclude },
});

describe('stackSetTargets', () => {
  it('targets the root for the whole organisation, less the excluded accounts', () => {
    expect(stackSetTargets(members([], [], []))).toEqual([{ OrganizationalUnitIds: ['r-ab12'] }]);
    expect(stackSetTargets(members([], [], ['999999999999']))).toEqual([
      { OrganizationalUnitIds: ['r-ab12'], AccountFilterType: 'DIFFERENCE', Accounts: ['999999999999'] },
    ]);
  });

  it('targets the listed units, less the excluded accounts, without needing the root', () => {
    expect(stackSetTargets(members(['ou-ab12-cd34ef56'], [], ['999999999999'], null))).toEqual([
      { OrganizationalUnitIds: ['ou-ab12-cd34ef56'], AccountFilterType: 'DIFFERENCE', Accounts: ['999999999999'] },
    ]);
  });

  it('reaches listed accounts through the root, keeping only those listed and not excluded', () => {
    expect(stackSetTargets(members([], ['444455556666', '999999999999'], ['999999999999']))).toEqual([
      { OrganizationalUnitIds: ['r-ab12'], AccountFilterType: 'INTERSECTION', Accounts: ['444455556666'] },
    ]);
  });

  it('targets each account once: the listed units leave out the listed accounts, which the root reaches wherever they sit', () => {
    // 444455556666 may lie under ou-ab12-cd34ef56: packaging cannot tell, and each unit's targets
    // are created (and later deleted) on their own, so it is targeted through the root alone.
    expect(stackSetTargets(members(['ou-ab12-cd34ef56'], ['444455556666'], []))).toEqual([
      { OrganizationalUnitIds: ['ou-ab12-cd34ef56'], AccountFilterType: 'DIFFERENCE', Accounts: ['444455556666'] },
      { OrganizationalUnitIds: ['r-ab12'], AccountFilterType: 'INTERSECTION', Accounts: ['444455556666'] },
    ]);
    expect(stackSetTargets(members(['ou-ab12-cd34ef56'], ['444455556666', '999999999999'], ['999999999999']))).toEqual([
      { OrganizationalUnitIds: ['ou-ab12-cd34ef56'], AccountFilterType: 'DIFFERENCE', Accounts: ['999999999999', '444455556666'] },
      { OrganizationalUnitIds: ['r-ab12'], AccountFilterType: 'INTERSECTION', Accounts: ['444455556666'] },
    ]);
  });

  it('targets a listed root alone: every unit and listed account is under it already', () => {
    expect(stackSetTargets(members(['ou-ab12-cd34ef56', 'r-ab12'], ['444455556666'], ['999999999999'], null))).toEqual([
      { OrganizationalUnitIds: ['r-ab12'], AccountFilterType: 'DIFFERENCE', Accounts: ['999999999999'] },
    ]);
  });

  it('names each unit and account once, as CloudFormation requires', () => {
    expect(
      stackSetTargets(
        members(['ou-ab12-cd34ef56', 'ou-ab12-cd34ef56'], ['444455556666', '444455556666'], ['999999999999', '999999999999']),
      ),
    ).toEqual([
      { OrganizationalUnitIds: ['ou-ab12-cd34ef56'], AccountFilterType: 'DIFFERENCE', Accounts: ['999999999999', '444455556666'] },
      { OrganizationalUnitIds: ['r-ab12'], AccountFilterType: 'INTERSECTION', Accounts: ['444455556666'] },
    ]);
  });

  it('asks for the root id, and says how to find it, when the scope needs it', () => {
    expect(() => stackSetTargets(members([], [], [], null))).toThrow(
      /organisation\.rootId is missing: the StackSet reaches every account of the organization .*aws organizations list-roots/,
    );
    expect(() => stackSetTargets(members([], ['444455556666'], [], null))).toThrow(
      /organisation\.rootId is missing: the StackSet reaches accounts listed one by one/,
    );
  });

  it('refuses a scope whose every account is excluded', () => {
    expect(() => stackSetTargets(members([], ['444455556666'], ['444455556666']))).toThrow(/every listed account is also excluded/);
  });
});

describe('forwardedRoutes', () => {
  it('forwards exactly the routes classify takes from the default bus, built from the policy', () => {
    const policy = policyOf('configRules:\n  my-rotation-check: secretsmanager-rotation-enabled-check\n');
    const classifyOnDefault = routesFor(policy).filter((route) => route.bus === 'default' && route.target === 'classify');

    expect(forwardedRoutes(policy).map((route) => route.pattern)).toEqual(classifyOnDefault.map((route) => route.pattern));
    expect(JSON.stringify(forwardedRoutes(policy))).toContain('my-rotation-check');
    expect(forwardedRoutes(policy).find((route) => route.name === 'secretsmanager-read-calls')?.state).toBe(
      'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    );
  });

  it("adds Security Hub's control findings only when the policy turns Security Hub on", () => {
    expect(forwardedRoutes(policyOf('')).map((route) => route.name)).not.toContain(SECURITY_HUB_ROUTE.name);
    expect(forwardedRoutes(policyOf('securityHub:\n  enabled: true\n')).at(-1)).toEqual(SECURITY_HUB_ROUTE);
  });
});

describe('organisationDeployment', () => {
  it('is null while the policy leaves the organisation off', () => {
    expect(organisationDeployment(policyOf(''), HUB)).toBeNull();
  });

  it("guards the hub's region alone when the policy lists none", () => {
    const deployment = organisationDeployment(policyOf(`${ON}  rootId: r-ab12\n`), HUB);

    expect(deployment?.regions).toEqual(['eu-west-1']);
    expect(deployment?.memberRoleNames).toEqual({
      'eu-west-1': {
        csp: 'secrets-remediator-member-prod-csp-euw1',
        rot: 'secrets-remediator-member-prod-rot-euw1',
        rst: 'secrets-remediator-member-prod-rst-euw1',
        rps: 'secrets-remediator-member-prod-rps-euw1',
        read: 'secrets-remediator-member-prod-read-euw1',
        fwd: 'secrets-remediator-member-prod-fwd-euw1',
        rdv: 'secrets-remediator-member-prod-rdv-euw1',
      },
    });
  });

  it("names the member roles of every guarded region with the policy's prefix, and the hub roles they trust", () => {
    const deployment = organisationDeployment(
      policyOf(`${ON}  rootId: r-ab12\n  roleNamePrefix: acme-guard\n  regions: [us-east-1, ap-southeast-2]\n`),
      HUB,
    );

    expect(deployment?.memberRoleNames['ap-southeast-2']?.rst).toBe(
      memberRoleName('acme-guard', 'prod', 'restore-secret', 'ap-southeast-2'),
    );
    expect(deployment?.hubRoleNames['restore-secret']).toBe(serviceRoleName('restore-secret', 'prod', 'eu-west-1'));
    expect(deployment?.actions).toEqual(['clear-stale-pending', 'enable-rotation', 'restore-secret', 'remove-public-statements']);
  });

  it('deploys to each guarded region once when the policy lists one twice', () => {
    const deployment = organisationDeployment(policyOf(`${ON}  rootId: r-ab12\n  regions: [eu-west-1, us-east-1, eu-west-1]\n`), HUB);

    expect(deployment?.regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('forwards to classify only the AWS sources of its routes', () => {
    expect(organisationDeployment(policyOf(`${ON}  rootId: r-ab12\n`), HUB)?.forwardedSources).toEqual([
      'aws.config',
      'aws.secretsmanager',
    ]);
    expect(organisationDeployment(policyOf(`${ON}  rootId: r-ab12\nsecurityHub:\n  enabled: true\n`), HUB)?.forwardedSources).toEqual([
      'aws.config',
      'aws.secretsmanager',
      'aws.securityhub',
    ]);
  });

  it("admits on the hub bus those sources and CloudWatch's, for the members' forward-queue alarms, and nothing else", () => {
    expect(organisationDeployment(policyOf(`${ON}  rootId: r-ab12\n`), HUB)?.admittedSources).toEqual([
      'aws.cloudwatch',
      'aws.config',
      'aws.secretsmanager',
    ]);
    expect(organisationDeployment(policyOf(`${ON}  rootId: r-ab12\nsecurityHub:\n  enabled: true\n`), HUB)?.admittedSources).toEqual([
      'aws.cloudwatch',
      'aws.config',
      'aws.secretsmanager',
      'aws.securityhub',
    ]);
  });

  it("names each member's forward queue and its two alarms for the stage, and the hub rule's pattern matches those names exactly", () => {
    const deployment = organisationDeployment(policyOf(`${ON}  rootId: r-ab12\n`), HUB);

    expect(deployment?.forwardQueue).toEqual({
      name: 'secrets-remediator-prod-forward-undelivered',
      alarmNames: ['secrets-remediator-prod-forward-undelivered-arrivals', 'secrets-remediator-prod-forward-undelivered-oldest-message'],
      hubAlarmPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: {
          alarmName: ['secrets-remediator-prod-forward-undelivered-arrivals', 'secrets-remediator-prod-forward-undelivered-oldest-message'],
          state: { value: ['ALARM'] },
        },
      },
    });
  });
});
