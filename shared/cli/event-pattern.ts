/**
 * Prints the Config compliance-change pattern of a deployment as JSON, for serverless.yml
 * (deploy/config-pattern.cjs): the pattern is built by the same code the replay uses.
 *
 *   tsx shared/cli/event-pattern.ts --stage prod [policy.yml]
 */
import { Command } from 'commander';
import { loadPolicy } from '../policy/load-policy.js';
import { configCompliancePattern } from '../rules/config-pattern.js';

const program = new Command()
  .name('event-pattern')
  .description("Print the Config compliance-change event pattern for a stage's policy.")
  .argument('[file]', 'the policy file', 'policy.yml')
  .option('--stage <stage>', 'the stage whose overrides apply', 'dev')
  .parse();

const [file] = program.processedArgs as [string];
const { stage } = program.opts<{ stage: string }>();
process.stdout.write(`${JSON.stringify(configCompliancePattern(loadPolicy({ file, stage })))}\n`);
