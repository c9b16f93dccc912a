/**
 * The composition root's ports that load their adapter when first called (organisation mode's
 * member roles and Organizations, AWS Config, CloudTrail's history), over mocked SDK clients:
 * each makes the call it made when it was built at cold start, and a single-account policy wires
 * no member port at all.
 */
import { StartConfigRulesEvaluationCommand, ConfigServiceClient } from '@aws-sdk/client-config-service';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ListAccountsCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribeSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  awsActionPorts,
  awsClassifyPorts,
  awsCloudTrailHistory,
  awsCompliance,
  awsMemberPorts,
  awsMemberSweepReads,
  awsOrganisationAccounts,
} from '../../shared/adapters/aws-account.js';
import { stsSessionName } from '../../shared/adapters/member-access.js';
import type { MemberTarget } from '../../shared/ports/member-access.js';
import { samplePolicy, singleAccountPolicy } from '../helpers/policy.js';
import '../helpers/aws-matchers.js';

const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-cls-euw1';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/orders/api-key-Ab12Cd';
const member: MemberTarget = { account: '444455556666', region: 'eu-west-1', roleArn: ROLE, session: 'secrets-remediator-classify' };

const sts = mockClient(STSClient);
const secretsManager = mockClient(SecretsManagerClient);
const organizations = mockClient(OrganizationsClient);
const config = mockClient(ConfigServiceClient);
const cloudTrail = mockClient(CloudTrailClient);

beforeEach(() => {
  for (const mock of [sts, secretsManager, organizations, config, cloudTrail]) mock.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAMEMBER1',
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
  secretsManager
    .on(DescribeSecretCommand)
    .resolves({ ARN: SECRET, Name: 'prod/orders/api-key', VersionIdsToStages: { v1: ['AWSCURRENT'] } });
  secretsManager.on(ListSecretsCommand).resolves({ SecretList: [{ ARN: SECRET, Name: 'prod/orders/api-key' }] });
});

afterAll(() => {
  for (const mock of [sts, secretsManager, organizations, config, cloudTrail]) mock.restore();
});

const withOus = {
  ...samplePolicy,
  organisation: {
    ...samplePolicy.organisation,
    members: { ...samplePolicy.organisation.members, organizationalUnits: ['ou-ab12-child111'] },
  },
};
const withoutOus = {
  ...samplePolicy,
  organisation: { ...samplePolicy.organisation, members: { ...samplePolicy.organisation.members, organizationalUnits: [] } },
};

describe('awsClassifyPorts and awsActionPorts', () => {
  const settings = { eventBusName: 'secrets-remediator-dev', ledgerTableName: 'secrets-remediator-dev-ledger' };

  it('wire the reads, the bus, the ledger and the clock, and no member port in single-account mode', () => {
    // Act
    const ports = awsClassifyPorts({ ...settings, policy: singleAccountPolicy });

    // Assess
    expect(Object.keys(ports).sort()).toStrictEqual(['bus', 'clock', 'ledger', 'secrets']);
  });

  it("wire the members' roles in organisation mode", () => {
    // Act
    const ports = awsActionPorts({ ...settings, policy: samplePolicy });

    // Assess
    expect(ports).toHaveProperty('members');
    expect(ports).not.toHaveProperty('compliance');
    expect(ports).not.toHaveProperty('history');
  });

  it('add AWS Config and CloudTrail history only for the action that asks for them', async () => {
    // Prepare
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [] });

    // Act
    const ports = awsActionPorts({ ...settings, policy: singleAccountPolicy }, { compliance: true, history: true });
    await ports.history?.lookupEvents({
      lookupAttribute: { key: 'EventName', value: 'DeleteSecret' },
      startTime: new Date(0),
      endTime: new Date(1),
    });

    // Assess
    expect(ports.compliance).toBeDefined();
    expect(cloudTrail).toHaveReceivedCommandTimes(LookupEventsCommand, 1);
  });
});

describe('awsMemberPorts', () => {
  it('wires no member port in single-account mode', () => {
    expect(awsMemberPorts(singleAccountPolicy)).toEqual({});
  });

  it("reads a member's secret through its role, assumed with STS in the member's region, on the first read", async () => {
    const { members } = awsMemberPorts(withoutOus);

    const state = await members?.secrets(member).describeSecret(SECRET);

    expect(state?.name).toBe('prod/orders/api-key');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE, RoleSessionName: stsSessionName(member.session) });
    const client = secretsManager.commandCalls(DescribeSecretCommand)[0]?.thisValue as SecretsManagerClient;
    await expect(client.config.region()).resolves.toBe('eu-west-1');
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAMEMBER1' });
  });

  it('asks STS once for every read of one member in one session', async () => {
    const { members } = awsMemberPorts(withoutOus);

    await members?.secrets(member).describeSecret(SECRET);
    await members?.secrets(member).describeSecret(SECRET);

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(secretsManager).toHaveReceivedCommandTimes(DescribeSecretCommand, 2);
  });

  it("reads where an account sits with Organizations' ListParents only when the scope names OUs", async () => {
    organizations.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });

    const { organisation } = awsMemberPorts(withOus);

    await expect(organisation?.parentsOf('444455556666')).resolves.toEqual(['r-ab12']);
    expect(organizations).toHaveReceivedCommandWith(ListParentsCommand, { ChildId: '444455556666' });
    expect(awsMemberPorts(withoutOus).organisation).toBeUndefined();
  });
});

describe('awsMemberSweepReads', () => {
  it("assumes the member's read role before anything is read, then lists its secrets without SDK retries", async () => {
    const reads = await awsMemberSweepReads()(member);

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    const page = await reads.listSecrets({});
    expect(page.secrets.map((s) => s.name)).toEqual(['prod/orders/api-key']);
    const client = secretsManager.commandCalls(ListSecretsCommand)[0]?.thisValue as SecretsManagerClient;
    await expect(client.config.maxAttempts()).resolves.toBe(1);
  });
});

describe('awsOrganisationAccounts', () => {
  it("lists the organization's accounts with Organizations", async () => {
    organizations.on(ListAccountsCommand).resolves({ Accounts: [{ Id: '444455556666', State: 'ACTIVE' }], NextToken: 'next' });

    const page = await awsOrganisationAccounts('us-east-1').listAccounts();

    expect(page).toEqual({ items: [{ id: '444455556666', active: true }], nextToken: 'next' });
  });
});

describe('awsCompliance', () => {
  it('asks AWS Config to evaluate each rule again, in the region given', async () => {
    config.on(StartConfigRulesEvaluationCommand).resolves({});

    const started = await awsCompliance('eu-west-1').reevaluate(['secretsmanager-rotation-enabled-check']);

    expect(started).toEqual(['secretsmanager-rotation-enabled-check']);
    const client = config.commandCalls(StartConfigRulesEvaluationCommand)[0]?.thisValue as ConfigServiceClient;
    await expect(client.config.region()).resolves.toBe('eu-west-1');
  });
});

describe('awsCloudTrailHistory', () => {
  it("reads a page of CloudTrail's event history", async () => {
    cloudTrail.on(LookupEventsCommand).resolves({ Events: [{ EventId: 'e1', CloudTrailEvent: '{}' }], NextToken: 'more' });

    const page = await awsCloudTrailHistory('eu-west-1').lookupEvents({
      lookupAttribute: { key: 'ResourceName', value: SECRET },
      startTime: new Date('2026-12-01T00:00:00Z'),
      endTime: new Date('2026-12-07T00:00:00Z'),
    });

    expect(page).toEqual({ events: [{ eventId: 'e1', cloudTrailEvent: '{}' }], nextToken: 'more' });
    expect(cloudTrail).toHaveReceivedCommandWith(LookupEventsCommand, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: SECRET }],
    });
  });
});
