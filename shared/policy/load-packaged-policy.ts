/**
 * The policy as a function reads it at cold start: the JSON copy of policy.yml that packaging
 * validated and shipped (deploy/plugins/validate-policy.cjs), validated again here the same way. JSON
 * rather than YAML keeps the YAML parser out of the bundles: ~117 KB and ~60 ms of module load.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PolicyError, PolicyFileError } from './errors.js';
import { policyFromDocument } from './policy-document.js';
import type { Policy } from './schema.js';

/** The JSON copy's name, at the root of every function package. */
export const PACKAGED_POLICY_FILE = 'policy.json';

/**
 * Where the policy is: `POLICY_FILE` (default `policy.json`) resolved against the Lambda package
 * root (`LAMBDA_TASK_ROOT`) or, locally, the working directory; an absolute path as it is.
 */
export const resolvePackagedPolicyFile = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  resolve(env.LAMBDA_TASK_ROOT || process.cwd(), env.POLICY_FILE || PACKAGED_POLICY_FILE);

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

export const loadPackagedPolicy = ({ file, stage }: { file: string; stage: string }): Policy => {
  const text = readPolicyFile(file, stage);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new PolicyError({ source: file, stage }, [`not valid JSON (${(error as Error).message}): the packaged policy is made from policy.yml by packaging`], { cause: error });
  }
  return policyFromDocument(document, { source: file, stage });
};
