/**
 * `secrets-remediator validate`: validates the policy file for a stage, as packaging does, and prints what it checked: a one-line summary of the policy in force
 * (exit 0), or every problem, one per line, each naming its field (exit 2).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { packagedPolicy } from '../policy/load-packaged-policy.js';
import { loadPolicy, POLICY_FILE } from '../policy/load-policy.js';
import type { Policy } from '../policy/schema.js';
import { plural } from '../plural.js';
import { EXIT } from './errors.js';

interface Options {
  policy: string;
  stage: string;
  writeJson?: string;
}

export const validateCommand = (): Command =>
  new Command('validate')
    .description(
      'Validate the policy file of secrets-remediator for a stage, as packaging does (the functions then check only that their policy.json is what it wrote).',
    )
    .option('--policy <file>', 'the policy file', POLICY_FILE)
    .option('--stage <stage>', 'the stage whose overrides (stages.<stage>) apply', 'dev')
    .option(
      '--write-json <file>',
      'once valid, write the policy resolved for the stage, with its digest, as JSON there (what packaging ships to the functions)',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 valid, 2 invalid (every problem printed with its field) or the file is missing.

Examples:
  secrets-remediator validate                               policy.yml, stage dev
  secrets-remediator validate --stage prod                  policy.yml with stages.prod applied
  secrets-remediator validate --policy events/policy.yml    the sample world's policy`,
    )
    .action((options: Options) => {
      process.exitCode = runValidate(options);
    });

/** One line: the settings a reviewer checks before a deploy. */
const summarizePolicy = (policy: Policy, stage: string): string => {
  const { rotation, accounts, limits, alerts } = policy;
  const rotationFunctions = [
    rotation.functions.byTag ? `tag ${rotation.functions.byTag}` : undefined,
    Object.keys(rotation.functions.byNamePrefix).length > 0
      ? plural(Object.keys(rotation.functions.byNamePrefix).length, 'name prefix', 'name prefixes')
      : undefined,
    rotation.functions.default ? 'a default' : undefined,
  ].filter(Boolean);
  return [
    `mode ${policy.mode}`,
    plural(policy.allowedAdmins.length, 'allowed admin'),
    `rotation ${rotation.schedule} (max age ${plural(rotation.maxAgeDays, 'day')}; functions by ${rotationFunctions.join(', ') || 'nothing: enable-rotation will only alert'})`,
    `unused after ${plural(policy.unusedDays, 'day')}`,
    policy.kms.allowedKeys.length > 0 ? plural(policy.kms.allowedKeys.length, 'allowed KMS key') : 'any customer managed KMS key',
    `accounts: ${accounts.organizationId ?? 'no organization'} + ${plural(accounts.allowed.length, 'allowed account')}`,
    plural(policy.vpcEndpoints.length, 'VPC endpoint rule'),
    `writes ≤ ${limits.writesPerSecretPerHour}/secret/hour, ≤ ${limits.writesPerInvocation}/invocation`,
    `alerts from ${alerts.minimumSeverity}`,
    Object.hasOwn(policy.stages, stage) ? `stages.${stage} applied` : `no stages.${stage} override`,
  ].join(', ');
};

/**
 * Validates, prints the summary, writes the JSON copy when asked. An invalid or missing policy
 * throws its PolicyError: the CLI's one error handler prints each problem and exits 2.
 */
export const runValidate = ({ policy: file, stage, writeJson }: Options): number => {
  const policy = loadPolicy({ file, stage });
  console.log(`${file} (stage ${stage}): valid — ${summarizePolicy(policy, stage)}`);
  if (writeJson) {
    // Resolved here, where the full validation ran: the function only checks the digest.
    writeFileSync(writeJson, `${JSON.stringify(packagedPolicy(policy, stage), null, 2)}\n`);
  }
  return EXIT.ok;
};
