'use strict';
/**
 * Facts serverless.yml takes from the policy, computed by shared/cli/deployment-facts.ts through
 * tsx, so packaging and the code share one implementation. Each fact is computed once per
 * stage and region in a packaging run, however many variables read it.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const computed = new Map();

const compute = (name, stage, region) => {
  const run = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['shared/cli/deployment-facts.ts', name, '--stage', stage, '--region', region, 'policy.yml'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cannot compute ${name} for stage ${stage} in ${region} from policy.yml:\n${run.stderr || run.error?.message || 'no output'}`);
  return JSON.parse(run.stdout);
};

const fact = async (name, { options, resolveVariable }) => {
  const stage = String(options.stage ?? (await resolveVariable('self:provider.stage')));
  const region = String(options.region ?? (await resolveVariable('self:provider.region')));
  const key = `${name} ${stage} ${region}`;
  if (!computed.has(key)) {
    try {
      computed.set(key, { value: compute(name, stage, region) });
    } catch (error) {
      computed.set(key, { error });
    }
  }
  const { value, error } = computed.get(key);
  if (error) throw error;
  return value;
};

module.exports = { fact };
