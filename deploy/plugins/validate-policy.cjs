// @ts-check
'use strict';
/**
 * Validates policy.yml for the stage being packaged, before anything is built: a bad policy
 * fails `serverless package` / `deploy` with the field named, instead of every cold start.
 * Runs the policy's full validation (`secrets-remediator validate`) through tsx, and
 * writes policy.json, the policy resolved for the stage with its digest, that every function
 * package ships and reads at cold start (checking only the digest).
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

class ValidatePolicy {
  /**
   * @param {import('../serverless').Serverless} serverless
   * @param {import('../serverless').CliOptions} options
   */
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = { 'before:package:initialize': () => this.validate() };
  }

  validate() {
    const root = this.serverless.serviceDir;
    const stage = this.options.stage ?? this.serverless.service.provider.stage ?? 'dev';
    const packaged = this.serverless.service.provider.environment?.POLICY_FILE ?? 'policy.json';
    const run = spawnSync(
      join(root, 'node_modules', '.bin', 'tsx'),
      ['shared/cli/main.ts', 'validate', '--stage', String(stage), '--write-json', packaged, '--policy', 'policy.yml'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) {
      throw new Error(`policy check failed:\n${run.stderr || run.stdout || run.error?.message || 'no output'}`);
    }
    this.serverless.cli.log(run.stdout.trim());
  }
}

module.exports = ValidatePolicy;
