#!/usr/bin/env node
/**
 * `npx tsx shared/cli/check-policy.ts [--stage <stage>] [file]`: validates the policy file for a
 * stage, as packaging and the cold start will, and prints a one-line summary of the policy in
 * force (exit 0) or every problem, one per line, on stderr (exit 1).
 */
import { Command } from 'commander';
import { PolicyError, PolicyFileError } from '../policy/errors.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadPolicy, POLICY_FILE } from '../policy/load-policy.js';
import { readYaml } from '../policy/parse-policy.js';
import type { Policy } from '../policy/schema.js';

interface Options {
  stage: string;
  writeJson?: string;
}

const program = new Command()
  .name('check-policy')
  .description('Validate the policy file of secrets-remediator for a stage.')
  .argument('[file]', 'the policy file', POLICY_FILE)
  .option('--stage <stage>', 'the stage whose overrides (stages.<stage>) apply', 'dev')
  .option('--write-json <file>', 'once valid, write the document as JSON there (what packaging ships to the functions)')
  .addHelpText(
    'after',
    `
Examples:
  npx tsx shared/cli/check-policy.ts                      policy.yml, stage dev
  npx tsx shared/cli/check-policy.ts --stage prod         policy.yml with stages.prod applied
  npx tsx shared/cli/check-policy.ts --stage prod other.yml`,
  );

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** One line: the settings a reviewer checks before a deploy. */
const summarize = (policy: Policy, stage: string): string => {
  const { rotation, accounts, limits, alerts } = policy;
  const rotationFunctions = [
    rotation.functions.byTag ? `tag ${rotation.functions.byTag}` : undefined,
    Object.keys(rotation.functions.byNamePrefix).length > 0 ? plural(Object.keys(rotation.functions.byNamePrefix).length, 'name prefix') : undefined,
    rotation.functions.default ? 'a default' : undefined,
  ].filter(Boolean);
  return [
    `mode ${policy.mode}`,
    plural(policy.allowedAdmins.length, 'allowed admin'),
    `rotation ${rotation.schedule} (max age ${rotation.maxAgeDays} days; functions by ${rotationFunctions.join(', ') || 'nothing: enable-rotation will only alert'})`,
    `unused after ${policy.unusedDays} days`,
    policy.kms.allowedKeys.length > 0 ? plural(policy.kms.allowedKeys.length, 'allowed KMS key') : 'any customer managed KMS key',
    `accounts: ${accounts.organizationId ?? 'no organization'} + ${plural(accounts.allowed.length, 'allowed account')}`,
    plural(policy.vpcEndpoints.length, 'VPC endpoint rule'),
    `writes ≤ ${limits.writesPerSecretPerHour}/secret/hour, ≤ ${limits.writesPerInvocation}/invocation`,
    `alerts from ${alerts.minimumSeverity}`,
    Object.hasOwn(policy.stages, stage) ? `stages.${stage} applied` : `no stages.${stage} override`,
  ].join(', ');
};

const main = (): number => {
  program.parse();
  const { stage, writeJson } = program.opts<Options>();
  const file = program.processedArgs[0] as string;
  try {
    const policy = loadPolicy({ file, stage });
    console.log(`${file} (stage ${stage}): valid — ${summarize(policy, stage)}`);
    if (writeJson) {
      // The whole document, stages included: the function applies its stage at cold start as here.
      writeFileSync(writeJson, `${JSON.stringify(readYaml(readFileSync(file, 'utf8'), { source: file, stage }), null, 2)}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof PolicyFileError) console.error(error.message);
    else if (error instanceof PolicyError) {
      console.error(`${file} (stage ${stage}): invalid policy, ${plural(error.problems.length, 'problem')}:`);
      for (const problem of error.problems) console.error(`  ${problem}`);
    } else throw error;
    return 1;
  }
};

process.exitCode = main();
