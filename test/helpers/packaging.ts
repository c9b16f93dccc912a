/**
 * Packages the service (`osls package`, offline, no credentials) with the shipped policy.yml
 * changed by the test: a copy of the project's files (node_modules and sources linked, deploy/
 * copied because its plugins find the policy next to themselves), packaged there.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Document, parseDocument } from 'yaml';
import { repoRoot } from './events.js';

/** Packaging takes 15-60 s on a quiet machine; more when the machine is busy. */
export const PACKAGE_TIMEOUT_MS = 240_000;

export interface PackagedService {
  /** The package folder: the CloudFormation templates, the function zips, the member template. */
  readonly dir: string;
  /** The hub's template, as AWS would get it. */
  readonly template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }> };
  /** The policy file packaged. */
  readonly policyFile: string;
}

/** The service packaged for `stage` with policy.yml as `edit` leaves it. */
export const packageWithPolicy = async (edit: (policy: Document) => void, stage = 'test'): Promise<PackagedService> => {
  const copy = mkdtempSync(join(tmpdir(), 'secrets-remediator-package-'));
  for (const linked of ['node_modules', 'functions', 'shared']) symlinkSync(join(repoRoot, linked), join(copy, linked));
  for (const copied of ['serverless.yml', 'esbuild.options.json', 'package.json', 'tsconfig.json', 'deploy'])
    cpSync(join(repoRoot, copied), join(copy, copied), { recursive: true });
  const policy = parseDocument(readFileSync(join(repoRoot, 'policy.yml'), 'utf8'));
  edit(policy);
  const policyFile = join(copy, 'policy.yml');
  writeFileSync(policyFile, policy.toString());
  const dir = join(copy, 'out');
  await promisify(execFile)(join(copy, 'node_modules', '.bin', 'osls'), ['package', '--stage', stage, '--package', dir], {
    cwd: copy,
    timeout: PACKAGE_TIMEOUT_MS,
    env: process.env,
  });
  return {
    dir,
    template: JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as PackagedService['template'],
    policyFile,
  };
};
