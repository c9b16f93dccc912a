/**
 * The statements the policy decides at packaging time: here, the one read of a secret value the
 * service may make (the packaged template is checked in test/deploy/template.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { alertGrants, securityHubImportStatement, slackWebhookGrants } from '../../shared/actions/iam-statements.js';
import { samplePolicy } from '../helpers/policy.js';

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
