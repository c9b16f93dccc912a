/**
 * The statements the policy decides at packaging time: here, the one read of a secret value the
 * service may make (the packaged template is checked in test/deploy/template.test.ts); and the
 * sweep's statements for organisation mode: Organizations' listings and sts:AssumeRole on exactly
 * the member read roles of the stage (one per region guarded, in the organisation only), Denies
 * when the mode is off, and the reserved concurrency the shards run at.
 */
import { describe, expect, it } from 'vitest';
import {
  alertGrants,
  securityHubImportStatement,
  slackWebhookGrants,
  sweepOrganisationStatements,
  sweepReservedConcurrency,
} from '../../shared/actions/iam-statements.js';
import { organisationPolicy } from '../helpers/organisation.js';
import { samplePolicy, singleAccountPolicy } from '../helpers/policy.js';

const SLACK_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:secrets-remediator/slack-webhook-AbCdEf';

describe('Function: slackWebhookGrants', () => {
  it('grants nothing to any function while the policy names no Slack webhook secret', () => {
    // Prepare
    const policy = {
      ...samplePolicy,
      alerts: { ...samplePolicy.alerts, channels: { ...samplePolicy.alerts.channels, slackWebhookSecretArn: null } },
    };

    // Act
    const grants = slackWebhookGrants(policy);

    // Assess
    expect(grants).toEqual({ alert: [], 'alert-digest': [] });
  });

  it('lets exactly the two alert functions read exactly the secret the policy names', () => {
    // Prepare
    const policy = {
      ...samplePolicy,
      alerts: { ...samplePolicy.alerts, channels: { ...samplePolicy.alerts.channels, slackWebhookSecretArn: SLACK_SECRET } },
    };

    // Act
    const grants = slackWebhookGrants(policy);

    // Assess
    const grant = { Sid: 'ReadSlackWebhookSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SLACK_SECRET };
    expect(grants).toEqual({ alert: [grant], 'alert-digest': [grant] });
  });
});

describe('Function: alertGrants', () => {
  it('adds BatchImportFindings to alert alone, and only while Security Hub is on', () => {
    // Prepare
    const single = { ...samplePolicy, organisation: { ...samplePolicy.organisation, enabled: false } };
    const off = { ...single, securityHub: { enabled: false } };
    const on = { ...single, securityHub: { enabled: true } };

    // Act
    const withoutHub = alertGrants(off, 'prod');
    const withHub = alertGrants(on, 'prod');

    // Assess
    expect(withoutHub).toEqual(slackWebhookGrants(off));
    expect(withHub.alert).toEqual([...slackWebhookGrants(on).alert, securityHubImportStatement()]);
    expect(withHub['alert-digest']).toEqual(slackWebhookGrants(on)['alert-digest']);
  });

  it("lets alert assume the members' read roles of its stage, in the organization only, to import a member's findings there", () => {
    // Prepare
    const policy = { ...samplePolicy, securityHub: { enabled: true } };

    // Act
    const grants = alertGrants(policy, 'prod');

    // Assess
    expect(grants.alert.filter((s) => s.Action === 'sts:AssumeRole')).toEqual([
      {
        Sid: 'AssumeMemberReadRolesForSecurityHub',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-prod-read-*' },
        Condition: { StringEquals: { 'aws:ResourceOrgID': samplePolicy.organisation.organizationId } },
      },
    ]);
    expect(grants['alert-digest'].some((s) => s.Action === 'sts:AssumeRole')).toBe(false);
  });
});

describe('sweepOrganisationStatements', () => {
  it('allows the listings and assuming the read role of each region guarded, in the organisation only', () => {
    // Act
    const statements = sweepOrganisationStatements(organisationPolicy({ regions: ['eu-west-1', 'us-east-1'] }), {
      stage: 'prod',
      region: 'eu-west-1',
    });

    // Assess
    expect(statements.listAccounts).toStrictEqual({
      Sid: 'ListOrganisationAccounts',
      Effect: 'Allow',
      Action: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      Resource: '*',
    });
    expect(statements.assumeReadRoles).toStrictEqual({
      Sid: 'AssumeMemberReadRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-prod-read-euw1' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-prod-read-use1' },
      ],
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
    });
    expect(statements.readSecretCounts).toStrictEqual({
      Sid: 'ReadSecretCounts',
      Effect: 'Allow',
      Action: 'cloudwatch:GetMetricData',
      Resource: '*',
    });
  });

  it("takes the packaged region's read role when the policy lists no region", () => {
    // Act
    const statements = sweepOrganisationStatements(organisationPolicy({ regions: [] }), { stage: 'dev', region: 'ap-southeast-2' });

    // Assess
    expect(statements.assumeReadRoles.Resource).toStrictEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-dev-read-apse2' },
    ]);
  });

  it('denies both with organisation mode off', () => {
    // Act
    const statements = sweepOrganisationStatements(singleAccountPolicy, { stage: 'dev', region: 'us-east-1' });

    // Assess
    expect([statements.listAccounts.Effect, statements.assumeReadRoles.Effect, statements.readSecretCounts.Effect]).toStrictEqual([
      'Deny',
      'Deny',
      'Deny',
    ]);
    expect(statements.assumeReadRoles.Resource).toBe('*');
  });
});

describe('sweepReservedConcurrency', () => {
  it("is one run at a time for the single account, and the policy's sweepConcurrency for an organisation", () => {
    // Assess
    expect(sweepReservedConcurrency({ organisation: { ...samplePolicy.organisation, enabled: false, sweepConcurrency: 80 } })).toBe(1);
    expect(sweepReservedConcurrency(organisationPolicy({ sweepConcurrency: 80 }))).toBe(80);
  });
});
