/**
 * SecretsPort over the SDK's Secrets Manager client, beyond the SecretsPort contract it keeps with
 * the sandbox (test/contract/secrets-port.contract.test.ts): what AWS can answer that the sandbox
 * never does unless told (failNext), and the exact requests sent.
 */
import {
  DecryptionFailure,
  DescribeSecretCommand,
  InternalServiceError,
  ListSecretsCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { secretsManagerAdapter } from '../../shared/adapters/secrets-manager.js';
import { PermissionDeniedError, ThrottlingError, TransientAwsError } from '../../shared/errors.js';
import '../helpers/aws-matchers.js';
import { ARN, listed, NAME, paymentsDbDescribed, paymentsDbState, PENDING } from '../helpers/payments-db.js';
import { settle } from '../helpers/settle.js';

const secretsManager = mockClient(SecretsManagerClient);

afterAll(() => {
  secretsManager.restore();
});

describe('Function: secretsManagerAdapter', () => {
  const port = secretsManagerAdapter(new SecretsManagerClient({ region: 'us-east-1', maxAttempts: 1 }));

  beforeEach(() => {
    secretsManager.reset();
  });

  const calls = [
    { operation: 'describeSecret', call: () => port.describeSecret(ARN) },
    { operation: 'removeStagingLabel', call: () => port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING }) },
    { operation: 'listSecrets', call: () => port.listSecrets({ namePrefixes: ['prod/'] }) },
  ] as const;

  const sdkErrors = [
    {
      name: 'ThrottlingException',
      error: () =>
        new SecretsManagerServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
      mappedTo: ThrottlingError,
      retryable: true,
    },
    {
      name: 'any error answered with HTTP 429',
      error: () =>
        new SecretsManagerServiceException({
          name: 'SlowDownPlease',
          $fault: 'client',
          message: 'Too many requests',
          $metadata: { httpStatusCode: 429 },
        }),
      mappedTo: ThrottlingError,
      retryable: true,
    },
    {
      name: 'AccessDeniedException',
      error: () =>
        new SecretsManagerServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'User: arn:aws:sts::123456789012:assumed-role/remediator/fn is not authorized to perform: secretsmanager:DescribeSecret',
          $metadata: { httpStatusCode: 400 },
        }),
      mappedTo: PermissionDeniedError,
      retryable: false,
    },
    {
      name: 'InternalServiceError (5xx)',
      error: () => new InternalServiceError({ message: 'An error occurred on the server side.', $metadata: { httpStatusCode: 500 } }),
      mappedTo: TransientAwsError,
      retryable: true,
    },
    {
      name: 'an unnamed server fault (5xx)',
      error: () =>
        new SecretsManagerServiceException({ name: 'BadGateway', $fault: 'server', message: '', $metadata: { httpStatusCode: 502 } }),
      mappedTo: TransientAwsError,
      retryable: true,
    },
  ];

  describe.each(calls)('$operation', ({ call }) => {
    it.each(sdkErrors)('maps $name to $mappedTo.name, keeping the SDK error as cause', async ({ error, mappedTo, retryable }) => {
      // Prepare
      const sdkError = error();
      secretsManager.onAnyCommand().rejects(sdkError);

      // Act
      const outcome = await settle(call());

      // Assess
      expect(outcome.error).toBeInstanceOf(mappedTo);
      expect(outcome.error).toMatchObject({ name: mappedTo.name, retryable, cause: sdkError });
      expect(secretsManager.calls()).toHaveLength(1);
    });

    it('passes an unknown client error through unchanged', async () => {
      // Prepare
      const sdkError = new DecryptionFailure({
        message: 'Secrets Manager can’t decrypt the protected secret text.',
        $metadata: { httpStatusCode: 400 },
      });
      secretsManager.onAnyCommand().rejects(sdkError);

      // Act
      const outcome = await settle(call());

      // Assess
      expect(outcome.error).toBe(sdkError);
    });
  });

  it('names the operation and the AWS error in the mapped message', async () => {
    // Prepare
    secretsManager
      .on(DescribeSecretCommand)
      .rejects(
        new SecretsManagerServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} }),
      );

    // Act
    const outcome = await settle(port.describeSecret(ARN));

    // Assess
    expect(outcome.error).toMatchObject({ message: 'DescribeSecret: ThrottlingException: Rate exceeded' });
  });

  it('asks for the oldest first on every ListSecrets call, the first page and those after', async () => {
    // Prepare
    secretsManager
      .on(ListSecretsCommand)
      .resolvesOnce({ SecretList: [listed(paymentsDbDescribed)], NextToken: 'opaque-token-1' })
      .resolvesOnce({ SecretList: [] });

    // Act
    const first = await port.listSecrets({ namePrefixes: ['prod/'] });
    await port.listSecrets({ namePrefixes: ['prod/'], ...(first.nextToken ? { nextToken: first.nextToken } : {}) });

    // Assess
    const sent = secretsManager.commandCalls(ListSecretsCommand).map((call) => call.args[0].input);
    expect(sent).toHaveLength(2);
    expect(sent.map((input) => input.SortOrder)).toStrictEqual(['asc', 'asc']);
    expect(sent[1]?.NextToken).toBe('opaque-token-1');
  });

  it('reports the primary Region AWS gives, from ListSecrets and from DescribeSecret', async () => {
    // Prepare: a replica read in us-west-2, whose primary is in us-east-1.
    const replica = {
      ...paymentsDbDescribed,
      ARN: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:prod/payments/db-a1B2c3',
      PrimaryRegion: 'us-east-1',
    };
    secretsManager.on(ListSecretsCommand).resolves({ SecretList: [listed(replica)] });
    secretsManager.on(DescribeSecretCommand).resolves(replica);

    // Act
    const page = await port.listSecrets({});
    const described = await port.describeSecret(replica.ARN);

    // Assess
    expect(page.secrets[0]).toStrictEqual({ ...paymentsDbState, arn: replica.ARN, primaryRegion: 'us-east-1' });
    expect(described).toStrictEqual(page.secrets[0]);
  });

  it('leaves primaryRegion out when AWS does not say', async () => {
    // Prepare
    secretsManager.on(DescribeSecretCommand).resolves(paymentsDbDescribed);

    // Act
    const described = await port.describeSecret(ARN);

    // Assess
    expect(described).not.toHaveProperty('primaryRegion');
  });

  it('removes a label with RemoveFromVersionId only, never moving it anywhere', async () => {
    // Prepare
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({ ARN, Name: NAME });

    // Act
    await port.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING });

    // Assess
    expect(secretsManager).toHaveReceivedCommandOnce(UpdateSecretVersionStageCommand);
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toStrictEqual({
      SecretId: ARN,
      VersionStage: 'AWSPENDING',
      RemoveFromVersionId: PENDING,
    });
  });
});
