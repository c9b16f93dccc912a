// @ts-check
'use strict';
/**
 * Facts serverless.yml takes from the policy, computed by shared/cli/deployment-facts.ts through
 * tsx, so packaging and the code share one implementation. Every fact is computed in one tsx run
 * per stage and region in a packaging run (starting tsx costs more than all the facts together),
 * however many variables and plugins read them.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** @typedef {{ value: unknown } | { error: string }} FactResult */
/** @typedef {{ options: { stage?: unknown, region?: unknown }, resolveVariable: (name: string) => Promise<unknown> }} VariableContext */

/** @type {Map<string, Record<string, FactResult> | Error>} every fact (or why the run failed), by `stage region`: a failed run is not tried again */
const computed = new Map();

/**
 * @param {string} stage
 * @param {string} region
 * @returns {Record<string, FactResult>}
 */
const computeAll = (stage, region) => {
  const run = spawnSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['shared/cli/deployment-facts.ts', 'all', '--stage', stage, '--region', region, 'policy.yml'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (run.status !== 0)
    throw new Error(
      `cannot compute the deployment facts for stage ${stage} in ${region} from policy.yml:\n${run.stderr || run.error?.message || 'no output'}`,
    );
  return JSON.parse(run.stdout);
};

/**
 * One fact for the stage and region being packaged (from the CLI options, else the provider's).
 * @param {string} name
 * @param {VariableContext} context
 * @returns {Promise<unknown>}
 */
const fact = async (name, { options, resolveVariable }) => {
  const stage = String(options.stage ?? (await resolveVariable('self:provider.stage')));
  const region = String(options.region ?? (await resolveVariable('self:provider.region')));
  const key = `${stage} ${region}`;
  if (!computed.has(key)) {
    try {
      computed.set(key, computeAll(stage, region));
    } catch (error) {
      computed.set(key, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const all = computed.get(key);
  if (all instanceof Error || all === undefined) throw all;
  const result = all[name];
  if (!result) throw new Error(`deployment facts: no fact named ${name}`);
  if ('error' in result) throw new Error(`cannot compute ${name} for stage ${stage} in ${region} from policy.yml:\n${result.error}`);
  return result.value;
};

module.exports = { fact };
