/**
 * SecretsPort over the AWS SDK v3 Secrets Manager client. Metadata calls only: nothing here
 * can read a secret's value, and the IAM of the functions that use it does not allow it.
 */
import {
  DeleteResourcePolicyCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetResourcePolicyCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutResourcePolicyCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  type SecretListEntry,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretState, SecretsPort, SecretVersion } from '../ports/secrets.js';
import { callAws } from './aws-errors.js';

export const secretsManagerAdapter = (client: SecretsManagerClient): SecretsPort => ({
  describeSecret: async (secretId) => {
    const output = await callAws('secretsmanager', 'DescribeSecret', () => client.send(new DescribeSecretCommand({ SecretId: secretId })));
    return toSecretState(output, secretId);
  },
  removeStagingLabel: async ({ secretId, label, versionId }) => {
    await callAws('secretsmanager', 'UpdateSecretVersionStage', () =>
      client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: label, RemoveFromVersionId: versionId })),
    );
  },
  listVersions: async (secretId) => {
    const versions: SecretVersion[] = [];
    let nextToken: string | undefined;
    // Labelled versions only (IncludeDeprecated off): a handful per secret, paged all the same.
    do {
      const page = await callAws('secretsmanager', 'ListSecretVersionIds', () =>
        client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, ...(nextToken ? { NextToken: nextToken } : {}) })),
      );
      for (const version of page.Versions ?? []) {
        if (!version.VersionId) continue;
        versions.push({
          versionId: version.VersionId,
          stages: [...(version.VersionStages ?? [])],
          ...(version.CreatedDate ? { createdDate: version.CreatedDate } : {}),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return versions;
  },
  enableRotation: async ({ secretId, rotationLambdaArn, scheduleExpression, rotateImmediately }) => {
    await callAws('secretsmanager', 'RotateSecret', () =>
      client.send(
        new RotateSecretCommand({
          SecretId: secretId,
          ...(rotationLambdaArn ? { RotationLambdaARN: rotationLambdaArn } : {}),
          RotationRules: { ScheduleExpression: scheduleExpression },
          RotateImmediately: rotateImmediately,
        }),
      ),
    );
  },
  restoreSecret: async (secretId) => {
    await callAws('secretsmanager', 'RestoreSecret', () => client.send(new RestoreSecretCommand({ SecretId: secretId })));
  },
  getResourcePolicy: async (secretId) => {
    const output = await callAws('secretsmanager', 'GetResourcePolicy', () =>
      client.send(new GetResourcePolicyCommand({ SecretId: secretId })),
    );
    return output.ResourcePolicy ?? undefined;
  },
  putResourcePolicy: async ({ secretId, policy }) => {
    await callAws('secretsmanager', 'PutResourcePolicy', () =>
      client.send(new PutResourcePolicyCommand({ SecretId: secretId, ResourcePolicy: policy, BlockPublicPolicy: true })),
    );
  },
  deleteResourcePolicy: async (secretId) => {
    await callAws('secretsmanager', 'DeleteResourcePolicy', () => client.send(new DeleteResourcePolicyCommand({ SecretId: secretId })));
  },
  listSecrets: async ({ namePrefixes, nextToken }) => {
    const output = await callAws('secretsmanager', 'ListSecrets', () =>
      client.send(
        new ListSecretsCommand({
          MaxResults: LIST_PAGE_SIZE,
          // The sweep must see a secret scheduled for deletion: restoring it may be the fix.
          IncludePlannedDeletion: true,
          // Oldest first, said rather than assumed: the listing engine's restarts and size
          // estimates rely on ascending CreatedDate (list-account.ts), and AWS documents the
          // sort key (CreatedDate) but not the default direction.
          SortOrder: 'asc',
          ...(namePrefixes ? { Filters: [{ Key: 'name', Values: [...namePrefixes] }] } : {}),
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    return {
      secrets: (output.SecretList ?? []).map(fromListEntry),
      ...(output.NextToken ? { nextToken: output.NextToken } : {}),
    };
  },
});

/** ListSecrets' maximum page size. */
const LIST_PAGE_SIZE = 100;

/** A ListSecrets entry carries what DescribeSecret does, its versions under another key. */
const fromListEntry = ({ SecretVersionsToStages, ...entry }: SecretListEntry): SecretState =>
  toSecretState(
    { ...entry, ...(SecretVersionsToStages ? { VersionIdsToStages: SecretVersionsToStages } : {}) },
    entry.ARN ?? entry.Name ?? '',
  );

/** DescribeSecret's answer as the domain sees it. Absent lists become empty, absent flags false. */
export const toSecretState = (
  output: DescribeSecretCommandOutput | Omit<DescribeSecretCommandOutput, '$metadata'>,
  secretId: string,
): SecretState => ({
  arn: output.ARN ?? secretId,
  name: output.Name ?? secretId,
  rotationEnabled: output.RotationEnabled ?? false,
  tags: Object.fromEntries((output.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  versions: Object.fromEntries(Object.entries(output.VersionIdsToStages ?? {}).map(([id, stages]) => [id, [...stages]])),
  ...(output.DeletedDate ? { deletedDate: output.DeletedDate } : {}),
  ...(output.RotationLambdaARN ? { rotationLambdaArn: output.RotationLambdaARN } : {}),
  ...(output.LastRotatedDate ? { lastRotatedDate: output.LastRotatedDate } : {}),
  ...(output.LastChangedDate ? { lastChangedDate: output.LastChangedDate } : {}),
  ...(output.OwningService ? { owningService: output.OwningService } : {}),
  ...(output.KmsKeyId ? { kmsKeyId: output.KmsKeyId } : {}),
  ...(output.CreatedDate ? { createdDate: output.CreatedDate } : {}),
  ...(output.LastAccessedDate ? { lastAccessedDate: output.LastAccessedDate } : {}),
  ...(output.NextRotationDate ? { nextRotationDate: output.NextRotationDate } : {}),
  ...(output.PrimaryRegion ? { primaryRegion: output.PrimaryRegion } : {}),
  ...(output.RotationRules?.ScheduleExpression
    ? { rotationSchedule: output.RotationRules.ScheduleExpression }
    : output.RotationRules?.AutomaticallyAfterDays
      ? { rotationSchedule: `rate(${output.RotationRules.AutomaticallyAfterDays} days)` }
      : {}),
});
