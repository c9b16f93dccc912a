import { describe, expect, it } from 'vitest';
import { explainAwsError } from '../../shared/cli/aws-hints.js';

const named = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });

describe('explainAwsError', () => {
  it('asks for a region when the SDK has none', () => {
    expect(explainAwsError(new Error('Region is missing'), {})).toMatch(/set AWS_REGION or pass --region/);
  });

  it('asks for a valid region when the one set is empty or not a host name', () => {
    const wrapped = new Error('ListSecrets of the whole account', {
      cause: new Error('Region not accepted: region="" is not a valid hostname component.'),
    });

    expect(explainAwsError(wrapped, {})).toMatch(/not a valid region name .*set AWS_REGION or pass --region/);
  });

  it('names the profile whose credentials are missing', () => {
    const error = named('CredentialsProviderError', 'Could not load credentials from any providers');

    expect(explainAwsError(error, { profile: 'audit' })).toMatch(/no credentials found for profile audit/);
    expect(explainAwsError(error, {})).toMatch(/set AWS_PROFILE or pass --profile/);
  });

  it('tells LocalStack and moto users that any key will do', () => {
    const error = named('CredentialsProviderError', 'Could not load credentials from any providers');

    expect(explainAwsError(error, { endpoint: 'http://localhost:4566' })).toMatch(/accept any AWS_ACCESS_KEY_ID/);
  });

  it('says nothing is listening at the endpoint, also when the refusal is a cause of a mapped error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    const mapped = new Error('Secrets Manager is unavailable', { cause: refused });

    expect(explainAwsError(mapped, { endpoint: 'http://localhost:4566' })).toBe(
      'nothing is listening at AWS_ENDPOINT_URL=http://localhost:4566: start the endpoint (LocalStack, moto) or unset AWS_ENDPOINT_URL to use AWS',
    );
  });

  it('has no advice for an error that already says what is wrong', () => {
    expect(explainAwsError(named('AccessDeniedException', 'User is not authorized'), {})).toBeUndefined();
  });

  it('survives a cause chain that loops', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;

    expect(explainAwsError(a, {})).toBeUndefined();
  });
});
