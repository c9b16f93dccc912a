/**
 * SecretsPort over the AWS SDK v3 Secrets Manager client. Metadata calls only: nothing here
 * can read a secret's value, and the IAM of the functions that use it does not allow it.
 */
import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretState, SecretsPort } from '../ports/secrets.js';
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
});

/** DescribeSecret's answer as the domain sees it. Absent lists become empty, absent flags false. */
export const toSecretState = (output: DescribeSecretCommandOutput | Omit<DescribeSecretCommandOutput, '$metadata'>, secretId: string): SecretState => ({
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
});
