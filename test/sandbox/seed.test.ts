import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { parseAccountSeed } from '../../shared/sandbox/seed.js';

const secret = (overrides: Record<string, unknown> = {}) => ({ name: 'prod/db', versions: { v1: ['AWSCURRENT'] }, ...overrides });

describe('Function: parseAccountSeed', () => {
  it('fills in defaults: account, region, no rotation, no tags, an empty CloudTrail history', () => {
    expect(parseAccountSeed({ secrets: [secret()] }, 'seed.json')).toEqual({
      account: '123456789012',
      region: 'us-east-1',
      secrets: [{ name: 'prod/db', rotationEnabled: false, tags: {}, versions: { v1: ['AWSCURRENT'] } }],
      cloudTrail: [],
    });
  });

  it.each([
    [
      'a label on two versions',
      [secret({ versions: { v1: ['AWSCURRENT'], v2: ['AWSCURRENT'] } })],
      /secrets\.0\.versions\.v2: label AWSCURRENT is also on version v1/,
    ],
    ['no AWSCURRENT', [secret({ versions: { v1: ['AWSPENDING'] } })], /secrets\.0\.versions: no version holds AWSCURRENT/],
    ['a version with no labels', [secret({ versions: { v1: ['AWSCURRENT'], v2: [] } })], /secrets\.0\.versions\.v2: /],
    ['the same secret twice', [secret(), secret()], /secrets\.1: secret prod\/db appears twice/],
    [
      'an ARN of another service',
      [secret({ arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/x' })],
      /secrets\.0\.arn: expected a Secrets Manager secret ARN/,
    ],
    ['a misspelt field', [secret({ rotationEnabeld: true })], /secrets\.0: Unrecognized key: "rotationEnabeld"/],
    ['a date that is not ISO 8601', [secret({ lastRotatedDate: 'last tuesday' })], /secrets\.0\.lastRotatedDate: /],
  ])('rejects %s, naming the file and the field', (_label, secrets, message) => {
    const act = () => parseAccountSeed({ secrets }, 'my-account.json');

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/^my-account\.json: invalid sandbox account: /);
    expect(act).toThrow(message);
  });
});
