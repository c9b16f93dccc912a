'use strict';
/**
 * `${file(./deploy/config-pattern.cjs)}` in serverless.yml: the Config compliance-change pattern
 * for the stage being packaged, built by shared/rules/config-pattern.ts (through tsx) so that
 * the deployed rule and the local replay match the same rule names.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async ({ options, resolveVariable }) => {
  const stage = options.stage ?? (await resolveVariable('self:provider.stage'));
  const root = join(__dirname, '..');
  const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['shared/cli/event-pattern.ts', '--stage', String(stage), 'policy.yml'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cannot build the Config event pattern:\n${run.stderr || run.error?.message || 'no output'}`);
  return JSON.parse(run.stdout);
};
