/**
 * The policy as a function reads it at cold start: policy.json, which packaging writes once
 * policy.yml has passed the full validation (`secrets-remediator validate --write-json`, run by
 * deploy/plugins/validate-policy.cjs) and ships in every function package. It holds the policy
 * already resolved for the stage being packaged (the stage's overrides applied, every default
 * filled in) and a SHA-256 digest of it, so the function only checks the digest: no schema, no
 * zod, no YAML in the bundles. Building and running the policy's zod schema at every cold start
 * measured ~40 % of classify's module load; the full check, with its messages, runs at packaging.
 * A file packaging did not write, or that was edited after, fails the cold start and says how to
 * package again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PolicyError, PolicyFileError, type PolicySource } from './errors.js';
import type { Policy } from './schema.js';

/** The JSON copy's name, at the root of every function package. */
export const PACKAGED_POLICY_FILE = 'policy.json';

/** Changes when the shape of policy.json does: a function never reads a file of another shape. */
const FORMAT = 'secrets-remediator packaged policy 1';

/** What packaging writes to policy.json. */
export interface PackagedPolicy {
  readonly format: typeof FORMAT;
  /** The stage the policy was resolved for; a function of another stage refuses it. */
  readonly stage: string;
  /** SHA-256 (hex) of {@link digestInput} of stage and policy: what the function checks. */
  readonly sha256: string;
  /** The validated policy of that stage: overrides applied, defaults filled in (`stages` as written). */
  readonly policy: Policy;
}

const digestOf = (stage: string, policy: Policy): string => createHash('sha256').update(JSON.stringify({ stage, policy })).digest('hex');

/** policy.json for `stage`, from a policy the full validation returned (`loadPolicy`). */
export const packagedPolicy = (policy: Policy, stage: string): PackagedPolicy => ({
  format: FORMAT,
  stage,
  sha256: digestOf(stage, policy),
  policy,
});

/**
 * Where the policy is: `POLICY_FILE` (default `policy.json`) resolved against the Lambda package
 * root (`LAMBDA_TASK_ROOT`) or, locally, the working directory; an absolute path as it is.
 */
export const resolvePackagedPolicyFile = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  resolve(env.LAMBDA_TASK_ROOT || process.cwd(), env.POLICY_FILE || PACKAGED_POLICY_FILE);

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const REPACKAGE =
  'package again (`npm run package`, which validates policy.yml and writes policy.json; or `secrets-remediator validate --stage <stage> --write-json policy.json`)';

/**
 * The text of a policy file, YAML or its packaged JSON copy: the one read both loaders share.
 * @throws PolicyFileError naming the file and the stage when it is missing or unreadable.
 */
export const readPolicyFile = (file: string, stage: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'policy file not found' : `cannot read the policy file (${code ?? String(error)})`;
    throw new PolicyFileError({ source: file, stage }, problem, { cause: error });
  }
};

/** The policy in policy.json, once its digest shows it is what packaging validated for `stage`. */
export const loadPackagedPolicy = ({ file, stage }: { file: string; stage: string }): Policy => {
  const source: PolicySource = { source: file, stage };
  const text = readPolicyFile(file, stage);
  let packaged: unknown;
  try {
    packaged = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(
      source,
      [`not valid JSON (${(error as Error).message}): the packaged policy is made from policy.yml by packaging`],
      { cause: error },
    );
  }
  if (!isMapping(packaged) || packaged.format !== FORMAT || typeof packaged.stage !== 'string' || !isMapping(packaged.policy)) {
    throw new PolicyError(source, [
      `not a policy packaging wrote (expected "format": "${FORMAT}" with the validated policy): ${REPACKAGE}`,
    ]);
  }
  if (packaged.stage !== stage) {
    throw new PolicyError(source, [`packaged for stage ${packaged.stage}, not ${stage}: ${REPACKAGE} for this stage`]);
  }
  const policy = packaged.policy as Policy;
  if (packaged.sha256 !== digestOf(stage, policy)) {
    throw new PolicyError(source, [
      `changed since packaging validated it (its sha256 does not match): edit policy.yml, not policy.json, and ${REPACKAGE}`,
    ]);
  }
  return policy;
};
