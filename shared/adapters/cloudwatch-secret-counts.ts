/**
 * SecretCountsPort over CloudWatch's GetMetricData: the secret count Secrets Manager publishes for
 * its account and region (namespace `AWS/SecretsManager`, metric `ResourceCount`, dimensions
 * Service, Type, Resource, Class; about once an hour), read in the target's account and region
 * through its member read role (`cloudwatch:GetMetricData`, metric data only: no secret is read).
 * One call per account-region: the latest hourly maximum within the window. Loaded with `import()`
 * on the census's first call (aws-account.ts), so no function's cold start pays for CloudWatch.
 */
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import type { MemberTarget } from '../ports/member-access.js';
import type { CountWindow, SecretCountsPort } from '../ports/secret-counts.js';
import { callAws } from './aws-errors.js';
import type { MemberAccess } from './member-access.js';

/** The query's id: GetMetricData answers per id. */
const QUERY_ID = 'secrets';

/** The GetMetricData request for the secret count within `window`, latest point first. */
export const secretCountQuery = (window: CountWindow): GetMetricDataCommandInput => ({
  MetricDataQueries: [
    {
      Id: QUERY_ID,
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
        // One point an hour, as Secrets Manager publishes it; the maximum, should two land in one hour.
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

/** The secret count of the account and region `client` reaches: the latest point in `window`, undefined when none. */
export const readSecretCount = async (client: Pick<CloudWatchClient, 'send'>, window: CountWindow): Promise<number | undefined> => {
  const answer = await callAws('cloudwatch', 'GetMetricData', () => client.send(new GetMetricDataCommand(secretCountQuery(window))));
  const latest = answer.MetricDataResults?.find((r) => r.Id === QUERY_ID)?.Values?.[0];
  return latest === undefined ? undefined : Math.round(latest);
};

/**
 * The counts per target through `access`: the role is assumed first (a refusal fails the call as
 * the MemberAccessError that names it), then a CloudWatch client per account and region asks.
 */
export const memberSecretCounts = (access: MemberAccess): SecretCountsPort => ({
  secretCount: async (target: MemberTarget, window: CountWindow) => {
    await access.credentialsFor(target)?.();
    return readSecretCount(
      access.clientFor(target, 'cloudwatch-census', (config) => new CloudWatchClient(config)),
      window,
    );
  },
});
