/**
 * The statements the policy decides at packaging time: here, the one read of a secret value the
 * service may make (the packaged template is checked in test/deploy/template.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { slackWebhookGrants } from '../../shared/actions/iam-statements.js';
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
