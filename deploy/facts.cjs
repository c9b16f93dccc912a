'use strict';
/**
 * Facts serverless.yml takes from the policy, computed by shared/cli/deployment-facts.ts through
 * tsx, so packaging and the code share one implementation.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');

const fact = async (name, { options, resolveVariable }) => {
  const stage = options.stage ?? (await resolveVariable('self:provider.stage'));
  const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['shared/cli/deployment-facts.ts', name, '--stage', String(stage), 'policy.yml'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cannot compute ${name} from policy.yml:\n${run.stderr || run.error?.message || 'no output'}`);
  return JSON.parse(run.stdout);
};

module.exports = { fact };
