/**
 * Is a secret encrypted with a customer managed key the policy allows: the one judgement the
 * event path and the sweep share (its use as the default-kms-key check: test/domain/sweep-checks.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { judgeKmsKey, kmsArnOf } from '../../shared/domain/kms-key.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/db-AbCdEf';
const ALLOWED_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const ALIAS_ARN = 'arn:aws:kms:us-east-1:123456789012:alias/app-secrets';

describe('Function: judgeKmsKey', () => {
  it.each([
    ['no KmsKeyId (the AWS managed key)', false, undefined, [ALLOWED_KEY]],
    ['an empty KmsKeyId', false, '', [ALLOWED_KEY]],
    ['alias/aws/secretsmanager', false, 'alias/aws/secretsmanager', []],
    ['the AWS managed alias as an ARN', false, 'arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager', []],
    ['any customer managed key when allowedKeys is empty', true, OTHER_KEY, []],
    ['an allowed key ARN', true, ALLOWED_KEY, [ALLOWED_KEY]],
    ['the bare id of an allowed key in the secret’s account and Region', true, '1234abcd-12ab-34cd-56ef-1234567890ab', [ALLOWED_KEY]],
    ['an alias name whose ARN is allowed', true, 'alias/app-secrets', [ALIAS_ARN]],
    ['an allowed alias ARN', true, ALIAS_ARN, [ALIAS_ARN]],
    ['a key not in allowedKeys', false, OTHER_KEY, [ALLOWED_KEY]],
    [
      'the bare id of an allowed key, on a secret in another Region',
      false,
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      ['arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ],
    ['an alias when only its key is allowed (not resolved)', false, 'alias/app-secrets', [ALLOWED_KEY]],
  ] as const)('%s: allowed %s', (_label, allowed, kmsKeyId, allowedKeys) => {
    expect(judgeKmsKey(kmsKeyId, ARN, allowedKeys).allowed).toBe(allowed);
  });

  it('says a key is not matched to allowed aliases', () => {
    // Act
    const result = judgeKmsKey(OTHER_KEY, ARN, [ALIAS_ARN]);

    // Assess
    expect(result.reason).toContain(
      `keys are not matched to allowed aliases (that needs KMS calls the service does not make): if an allowed alias points to ${OTHER_KEY}, add ${OTHER_KEY} to kms.allowedKeys`,
    );
  });

  it('compares a bare key id as it is when the secret ARN names no account', () => {
    expect(
      judgeKmsKey('1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:secretsmanager:us-west-2:accountid:secret:Appuser-pyodbc-WoDpmU', [
        ALLOWED_KEY,
      ]),
    ).toMatchObject({
      allowed: false,
      reason: "encrypted with 1234abcd-12ab-34cd-56ef-1234567890ab, which is not one of the policy's allowed keys (kms.allowedKeys)",
    });
  });
});

describe('Function: kmsArnOf', () => {
  it('keeps a full ARN as it is', () => {
    expect(kmsArnOf(OTHER_KEY, ARN)).toBe(OTHER_KEY);
  });

  it("completes a bare key id or alias name with the secret's partition, Region and account", () => {
    // Act
    const key = kmsArnOf(
      'mrk-1234abcd12ab34cd56ef1234567890ab',
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbCdEf',
    );
    const alias = kmsArnOf('alias/app-secrets', ARN);

    // Assess
    expect(key).toBe('arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab');
    expect(alias).toBe(ALIAS_ARN);
  });

  it('answers undefined when the secret ARN does not say where the key is', () => {
    expect(
      kmsArnOf('1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:secretsmanager:us-west-2:accountid:secret:Appuser-pyodbc-WoDpmU'),
    ).toBeUndefined();
  });
});
