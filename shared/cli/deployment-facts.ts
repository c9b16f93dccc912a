/**
 * Prints, as JSON, what serverless.yml needs from the policy at packaging time, computed by the
 * same code the functions and the replay run (deploy/*.cjs call this through tsx):
 *
 *   tsx shared/cli/deployment-facts.ts config-pattern --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts rotation-functions --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts slack-webhook-secret --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts sweep-schedule --stage prod [policy.yml]
 */
import { Argument, Command } from 'commander';
import { mappedRotationFunctions } from '../actions/rotation-functions.js';
import { loadPolicy } from '../policy/load-policy.js';
import type { Policy } from '../policy/schema.js';
import { configCompliancePattern } from '../rules/config-pattern.js';

const facts: Readonly<Record<string, (policy: Policy) => unknown>> = {
  /** The Config compliance-change event pattern, with the policy's own rule names. */
  'config-pattern': (policy) => configCompliancePattern(policy),
  /** The rotation functions enable-rotation may invoke: the only Lambda ARNs its role gets. */
  'rotation-functions': (policy) => mappedRotationFunctions(policy),
  /**
   * The Slack webhook secret's ARN, or null: the only secret whose value the service may read,
   * and only the alert functions may (deploy/slack-webhook-access.cjs grants exactly this ARN).
   */
  'slack-webhook-secret': (policy) => policy.alerts.channels.slackWebhookSecretArn,
  /** The sweep function's EventBridge schedule expression. */
  'sweep-schedule': (policy) => policy.sweep.schedule,
};

const program = new Command()
  .name('deployment-facts')
  .description('Print what serverless.yml takes from the policy, as JSON.')
  .addArgument(new Argument('<fact>', 'what to print').choices(Object.keys(facts)))
  .argument('[file]', 'the policy file', 'policy.yml')
  .option('--stage <stage>', 'the stage whose overrides apply', 'dev')
  .parse();

const [fact, file] = program.processedArgs as [string, string];
const { stage } = program.opts<{ stage: string }>();
const compute = facts[fact];
if (!compute) throw new Error(`unknown fact ${fact}`);
process.stdout.write(`${JSON.stringify(compute(loadPolicy({ file, stage })))}\n`);
