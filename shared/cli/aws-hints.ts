/**
 * The AWS SDK's errors in words a user can act on. The SDK says "Region is missing", "Could not
 * load credentials from any providers" or "connect ECONNREFUSED"; a person at a terminal needs to
 * be told which variable or flag to set. Pure: reads the error (and its `cause` chain) and the
 * settings the command ran with, returns the advice or `undefined` when it has none.
 */

export interface AwsSettings {
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  /** `AWS_ENDPOINT_URL`, when set: LocalStack, moto or another AWS-compatible endpoint. */
  readonly endpoint?: string | undefined;
}

const chain = (error: unknown): Array<Record<string, unknown>> => {
  const seen: Array<Record<string, unknown>> = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && seen.length < 8 && !seen.includes(current as Record<string, unknown>)) {
    seen.push(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
  return seen;
};

const field = (error: Record<string, unknown>, key: string): string => (typeof error[key] === 'string' ? error[key] : '');

/** Advice for an AWS error the CLI met, or `undefined` when the error says enough itself. */
export const explainAwsError = (error: unknown, settings: AwsSettings): string | undefined => {
  for (const link of chain(error)) {
    const name = field(link, 'name');
    const message = field(link, 'message');
    const code = field(link, 'code');

    if (/region is missing/i.test(message) || name === 'RegionMissingError') {
      return 'no AWS region is set: set AWS_REGION or pass --region (e.g. --region us-east-1)';
    }
    // An empty or misspelt AWS_REGION: the SDK refuses to build a host name from it.
    if (/region not accepted|not a valid hostname component/i.test(message)) {
      return 'the AWS region is not a valid region name (is AWS_REGION set but empty?): set AWS_REGION or pass --region (e.g. --region us-east-1)';
    }
    if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
      if (settings.endpoint) {
        return (
          `no AWS credentials found; an AWS-compatible endpoint (${settings.endpoint}) still needs some: ` +
          'LocalStack and moto accept any AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (e.g. both "test")'
        );
      }
      return settings.profile
        ? `no credentials found for profile ${settings.profile}: check ~/.aws/config, or run "aws sso login --profile ${settings.profile}"`
        : 'no AWS credentials found: set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
    }
    if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
      return settings.endpoint
        ? `nothing is listening at AWS_ENDPOINT_URL=${settings.endpoint}: start the endpoint (LocalStack, moto) or unset AWS_ENDPOINT_URL to use AWS`
        : 'the connection to AWS was refused: check your network and proxy settings';
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /getaddrinfo/.test(message)) {
      return settings.endpoint
        ? `the host of AWS_ENDPOINT_URL=${settings.endpoint} cannot be resolved: check the URL`
        : `the AWS endpoint cannot be resolved${settings.region ? ` for region ${settings.region}` : ''}: check the region name and your network`;
    }
    if (name === 'ExpiredTokenException' || name === 'ExpiredToken' || /security token included in the request is expired/i.test(message)) {
      return settings.profile
        ? `the credentials of profile ${settings.profile} have expired: run "aws sso login --profile ${settings.profile}" or refresh them`
        : 'the AWS credentials have expired: refresh them (aws sso login, or new temporary keys)';
    }
    if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId' || name === 'InvalidSignatureException') {
      return 'AWS does not recognise these credentials: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile';
    }
  }
  return undefined;
};
