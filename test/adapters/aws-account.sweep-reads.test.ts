/**
 * The sweep's Secrets Manager client makes one attempt per call: its listing engine paces every
 * ListSecrets call under the quota and retries throttling itself, and SDK retries would go around
 * that pacing. The remediation functions' client keeps the SDK's retries. Real SDK clients against
 * a fake AWS endpoint on loopback.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsSecrets, awsSweepReads } from '../../shared/adapters/aws-account.js';
import { TransientAwsError } from '../../shared/errors.js';
import { type FakeAwsEndpoint, startFakeAwsEndpoint } from '../helpers/fake-aws-endpoint.js';

let endpoint: FakeAwsEndpoint | undefined;

const throttlingEndpoint = async () => {
  endpoint = await startFakeAwsEndpoint({
    failures: { ListSecrets: { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' } },
  });
  vi.stubEnv('AWS_ENDPOINT_URL', endpoint.url);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  return endpoint;
};

afterEach(async () => {
  vi.unstubAllEnvs();
  await endpoint?.close();
  endpoint = undefined;
});

const listCalls = (fake: FakeAwsEndpoint) => fake.requests.filter((r) => r.operation === 'ListSecrets').length;

describe("Adapter: the sweep's Secrets Manager reads", () => {
  it('makes one attempt at a throttled ListSecrets and answers TransientAwsError, for the engine to pace its retry', async () => {
    // Prepare
    const fake = await throttlingEndpoint();

    // Act
    const listing = awsSweepReads('us-east-1').listSecrets({});

    // Assess
    await expect(listing).rejects.toThrow(TransientAwsError);
    expect(listCalls(fake)).toBe(1);
  });

  it('differs from the remediation client, which retries throttling in the SDK', { timeout: 30_000 }, async () => {
    // Prepare
    const fake = await throttlingEndpoint();

    // Act
    const listing = awsSecrets('us-east-1').listSecrets({});

    // Assess
    await expect(listing).rejects.toThrow(TransientAwsError);
    expect(listCalls(fake)).toBeGreaterThan(1);
  });
});
