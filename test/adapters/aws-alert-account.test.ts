/**
 * The alert functions' composition root over mocked SDK clients: Security Hub, loaded when first
 * called, imports into the place the finding names (a member's through its read role in
 * organisation mode), and Slack is wired only when the policy names its webhook secret.
 */
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { alertAccount, awsAlertSecurityHub, awsMemberSecurityHubFor, awsSecurityHubFor } from '../../shared/adapters/aws-alert-account.js';
import type { AsffDocument } from '../../shared/ports/security-hub.js';
import { samplePolicy } from '../helpers/policy.js';
import '../helpers/aws-matchers.js';

const HUB = { account: '111122223333', region: 'us-east-1' };
const MEMBER = { account: '444455556666', region: 'eu-west-1' };
const READ_ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-euw1';
const finding: AsffDocument = { Id: 'secrets-remediator/finding-1', AwsAccountId: MEMBER.account };

const securityHub = mockClient(SecurityHubClient);
const sts = mockClient(STSClient);

beforeEach(() => {
  securityHub.reset();
  sts.reset();
  securityHub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAREAD1',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
});

afterAll(() => {
  securityHub.restore();
  sts.restore();
});

/** The client that made the first import. */
const importer = (): SecurityHubClient => securityHub.commandCalls(BatchImportFindingsCommand)[0]?.thisValue as SecurityHubClient;

describe('awsSecurityHubFor', () => {
  it("imports into the Security Hub of the finding's Region with the function's own credentials", async () => {
    const answer = await awsSecurityHubFor()(MEMBER)?.importFindings([finding]);

    expect(answer).toEqual({ imported: 1, refused: [] });
    await expect(importer().config.region()).resolves.toBe('eu-west-1');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });
});

describe('awsMemberSecurityHubFor', () => {
  const readRole = (place: { account: string; region: string }) => ({
    ...place,
    roleArn: READ_ROLE,
    session: 'secrets-remediator-alert-securityhub',
  });

  it("imports a member's finding into the member's own Security Hub through its read role", async () => {
    await awsMemberSecurityHubFor(readRole)(MEMBER, HUB)?.importFindings([finding]);

    // The client signs with the read role's session (the mocked send never signs: ask for its credentials).
    await expect(importer().config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAREAD1' });
    await expect(importer().config.region()).resolves.toBe('eu-west-1');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: READ_ROLE });
  });

  it("imports the hub's own finding with the function's own credentials, assuming nothing", async () => {
    await awsMemberSecurityHubFor(readRole)(HUB, HUB)?.importFindings([{ ...finding, AwsAccountId: HUB.account }]);

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    await expect(importer().config.region()).resolves.toBe('us-east-1');
  });
});

describe('awsAlertSecurityHub', () => {
  const readRole = (place: { account: string; region: string }) => ({ ...place, roleArn: READ_ROLE, session: 'alert' });
  const withSecurityHub = (enabled: boolean, organisation: boolean) => ({
    securityHub: { ...samplePolicy.securityHub, enabled },
    organisation: { ...samplePolicy.organisation, enabled: organisation },
  });

  it('gives no Security Hub when the policy leaves it off', () => {
    expect(awsAlertSecurityHub(withSecurityHub(false, true), readRole)).toBeUndefined();
  });

  it("imports a member's finding through its read role in organisation mode", async () => {
    await awsAlertSecurityHub(withSecurityHub(true, true), readRole)?.(MEMBER, HUB)?.importFindings([finding]);

    // The mocked send never signs: ask the importing client for its credentials.
    await expect(importer().config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAREAD1' });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: READ_ROLE });
  });

  it("imports with the function's own credentials in one account", async () => {
    await awsAlertSecurityHub(withSecurityHub(true, false), readRole)?.(MEMBER, HUB)?.importFindings([finding]);

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    expect(securityHub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 1);
  });
});

describe('alertAccount', () => {
  const place = { alertTopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts', ledgerTableName: 'ledger', digestTableName: 'digest' };

  it('wires no Slack while the policy names no webhook secret', () => {
    const alerts = { ...samplePolicy.alerts, channels: { ...samplePolicy.alerts.channels, slackWebhookSecretArn: null } };

    const ports = alertAccount({ ...place, alerts }, 'us-east-1');

    expect(ports.chat).toBeUndefined();
    expect(ports.digest).toBeDefined();
  });

  it('wires Slack when the policy names a webhook secret', () => {
    const slackWebhookSecretArn = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbCdEf';
    const alerts = { ...samplePolicy.alerts, channels: { ...samplePolicy.alerts.channels, slackWebhookSecretArn } };

    expect(alertAccount({ ...place, alerts }, 'us-east-1').chat).toBeDefined();
  });
});
