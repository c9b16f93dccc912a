/**
 * SecretCountsPort over CloudWatch: one GetMetricData call per account-region for Secrets
 * Manager's own secret count, the latest point, through the member read role; errors mapped.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { memberSecretCounts, readSecretCount } from '../../shared/adapters/cloudwatch-secret-counts.js';
import { memberAccess } from '../../shared/adapters/member-access.js';
import { MemberAccessError, PermissionDeniedError } from '../../shared/errors.js';
import '../helpers/aws-matchers.js';

const cloudWatch = mockClient(CloudWatchClient);
const sts = mockClient(STSClient);
const window = { start: new Date('2026-11-25T06:00:00Z'), end: new Date('2026-11-25T12:00:00Z') };
const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-euw1';
const member = { account: '444455556666', region: 'eu-west-1', roleArn: ROLE, session: 'sweep-20261125T1200Z-5a1f3c2e' };

beforeEach(() => {
  cloudWatch.reset();
  sts.reset();
});

afterAll(() => {
  cloudWatch.restore();
  sts.restore();
});

describe('Function: readSecretCount', () => {
  it('asks GetMetricData for AWS/SecretsManager ResourceCount (SecretCount), hourly maximum, latest first, and answers the latest point', async () => {
    // Prepare
    cloudWatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ Id: 'secrets', Values: [1_204, 1_190], StatusCode: 'Complete' }] });

    // Act
    const count = await readSecretCount(new CloudWatchClient({ region: 'eu-west-1' }), window);

    // Assess
    expect(count).toBe(1_204);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input).toStrictEqual({
      MetricDataQueries: [
        {
          Id: 'secrets',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SecretsManager',
              MetricName: 'ResourceCount',
              Dimensions: [
                { Name: 'Service', Value: 'Secrets Manager' },
                { Name: 'Type', Value: 'Resource' },
                { Name: 'Resource', Value: 'SecretCount' },
                { Name: 'Class', Value: 'None' },
              ],
            },
            Period: 3600,
            Stat: 'Maximum',
          },
          ReturnData: true,
        },
      ],
      StartTime: window.start,
      EndTime: window.end,
      ScanBy: 'TimestampDescending',
    });
  });

  it('answers undefined when no point was published in the window', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'secrets', Values: [] }] });

    // Act
    const count = await readSecretCount(new CloudWatchClient({ region: 'eu-west-1' }), window);

    // Assess
    expect(count).toBeUndefined();
  });

  it('maps a refusal to PermissionDeniedError', async () => {
    // Prepare
    cloudWatch.on(GetMetricDataCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    // Act
    const count = readSecretCount(new CloudWatchClient({ region: 'eu-west-1' }), window);

    // Assess
    await expect(count).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});

describe('Function: memberSecretCounts', () => {
  it("assumes the member's read role in its region, then asks CloudWatch there with that session", async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date('2099-01-01T00:00:00Z'),
      },
    });
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'secrets', Values: [7] }] });

    // Act
    const count = await memberSecretCounts(memberAccess()).secretCount(member, window);

    // Assess
    expect(count).toBe(7);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE, RoleSessionName: member.session });
    const client = cloudWatch.commandCalls(GetMetricDataCommand)[0]?.thisValue as CloudWatchClient;
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'ASIAMEMBER' });
  });

  it('fails with the MemberAccessError naming the role when it cannot be assumed, before CloudWatch is asked', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));

    // Act
    const count = memberSecretCounts(memberAccess()).secretCount(member, window);

    // Assess
    await expect(count).rejects.toBeInstanceOf(MemberAccessError);
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });
});
