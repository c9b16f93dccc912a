/**
 * The policy file's I/O: where it is and reading it. Validation is `parsePolicy`'s, so a file
 * fails the same way in `secrets-remediator validate`, at packaging and at a cold start.
 */
import { readPolicyFile, resolvePackagedPolicyFile } from './load-packaged-policy.js';
import { parsePolicy } from './parse-policy.js';
import type { Policy } from './schema.js';

/** The policy file's name, at the repository root and at the root of the deployment package. */
export const POLICY_FILE = 'policy.yml';

/** Where `POLICY_FILE` (default `policy.yml`) is: against the package root in Lambda, else the working directory. */
export const resolvePolicyFile = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  resolvePackagedPolicyFile({ ...env, POLICY_FILE: env.POLICY_FILE || POLICY_FILE });

export interface LoadPolicyOptions {
  /** The policy file; default `resolvePolicyFile()`. */
  readonly file?: string;
  /** The stage whose overrides (`stages.<stage>`) apply. */
  readonly stage: string;
}

/**
 * Reads and validates the policy file for a stage.
 *
 * @throws PolicyFileError when the file is missing or unreadable; PolicyError when it is invalid.
 *
 * @example
 * const policy = loadPolicy({ stage: process.env.STAGE ?? 'dev' }); // once, at cold start
 */
export const loadPolicy = ({ file = resolvePolicyFile(), stage }: LoadPolicyOptions): Policy => {
  return parsePolicy(readPolicyFile(file, stage), { source: file, stage });
};
