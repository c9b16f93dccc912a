/**
 * Is a secret encrypted with a customer managed key the policy allows? One judgement for the
 * event path (CreateSecret, UpdateSecret) and the sweep, so both read `kms.allowedKeys` alike.
 * Pure.
 */

/** The AWS managed key of Secrets Manager: what a secret gets when nobody names a key. */
export const AWS_MANAGED_KEY_ALIAS = 'alias/aws/secretsmanager';

const SECRET_ARN = /^arn:([\w-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:/;

/**
 * The secret's key reference as a full KMS ARN. A key id or alias name in `KmsKeyId` names a
 * key of the secret's own account and Region (that is where Secrets Manager resolved it), so the
 * secret's ARN completes it; undefined when that ARN does not say (redacted, odd account).
 */
export const kmsArnOf = (kmsKeyId: string, secretArn: string): string | undefined => {
  if (kmsKeyId.startsWith('arn:')) return kmsKeyId;
  const where = SECRET_ARN.exec(secretArn);
  if (!where) return undefined;
  const [, partition, region, account] = where;
  return `arn:${partition}:kms:${region}:${account}:${kmsKeyId.startsWith('alias/') ? kmsKeyId : `key/${kmsKeyId}`}`;
};

const isAlias = (keyRef: string): boolean => keyRef.startsWith('alias/') || /^arn:[\w-]+:kms:[^:]*:[^:]*:alias\//.test(keyRef);

export type KmsJudgement = { readonly allowed: true; readonly reason: string } | { readonly allowed: false; readonly reason: string };

/**
 * Is the secret encrypted with a customer managed key the policy allows?
 *
 * - No `KmsKeyId` (ListSecrets omits it for the AWS managed key), an empty one, or
 *   `alias/aws/secretsmanager` (name or ARN): the AWS managed key — not allowed.
 * - `kms.allowedKeys` empty: any other key is allowed.
 * - Otherwise the reference must be one of the allowed key or alias ARNs, after completing a
 *   bare key id (`1234abcd-…`, `mrk-…`) or alias name (`alias/x`) into an ARN with the secret's
 *   partition, Region and account (`kmsArnOf`). Key ARNs compare exactly.
 *
 * What cannot be told without KMS calls, which the service does not make (a DescribeKey per
 * secret would break the sweep's economy, and no role has KMS read access): which key an alias points to, and
 * which aliases a key has. A secret that names `alias/x` is allowed only if that alias's ARN is
 * listed, even when `alias/x` points to a listed key, and the other way round; the reason says
 * to list the other form too. Likewise the AWS managed key named by its key id or key ARN is
 * not recognised as such: with `allowedKeys` empty it passes as a customer managed key.
 */
export const judgeKmsKey = (kmsKeyId: string | undefined, secretArn: string, allowedKeys: readonly string[]): KmsJudgement => {
  if (kmsKeyId === undefined || kmsKeyId === '' || kmsKeyId === AWS_MANAGED_KEY_ALIAS || kmsKeyId.endsWith(`:${AWS_MANAGED_KEY_ALIAS}`)) {
    return { allowed: false, reason: `encrypted with the AWS managed key ${AWS_MANAGED_KEY_ALIAS}, not a customer managed key` };
  }
  if (allowedKeys.length === 0)
    return { allowed: true, reason: `encrypted with the customer managed key ${kmsKeyId}; kms.allowedKeys is empty, so any is allowed` };
  const arn = kmsArnOf(kmsKeyId, secretArn);
  if (allowedKeys.includes(kmsKeyId) || (arn !== undefined && allowedKeys.includes(arn))) {
    return { allowed: true, reason: `encrypted with ${kmsKeyId}, one of the policy's allowed keys` };
  }
  const named = arn ?? kmsKeyId;
  const hint = isAlias(kmsKeyId)
    ? `; aliases are not resolved to their keys (that needs KMS calls the service does not make): if ${named} points to an allowed key, add ${named} to kms.allowedKeys`
    : allowedKeys.some(isAlias)
      ? `; keys are not matched to allowed aliases (that needs KMS calls the service does not make): if an allowed alias points to ${named}, add ${named} to kms.allowedKeys`
      : '';
  return { allowed: false, reason: `encrypted with ${named}, which is not one of the policy's allowed keys (kms.allowedKeys)${hint}` };
};
