/**
 * Prints, as JSON, what serverless.yml needs from the policy at packaging time, computed by the
 * same code the functions and the replay run (deploy/facts.cjs calls this through tsx):
 *
 *   tsx shared/cli/deployment-facts.ts config-pattern --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts read-calls-pattern --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts rotation-functions --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts alert-grants --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts sweep-schedule --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts rotation-statements --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts exemption-denials --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts member-roles --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts role-names --stage prod --region eu-west-1 [policy.yml]
 *   tsx shared/cli/deployment-facts.ts organisation --stage prod --region eu-west-1 [policy.yml]
 *   tsx shared/cli/deployment-facts.ts security-hub --stage prod [policy.yml]
 *   tsx shared/cli/deployment-facts.ts sweep-organisation --stage prod --region eu-west-1 [policy.yml]
 *   tsx shared/cli/deployment-facts.ts all --stage prod --region eu-west-1 [policy.yml]
 *
 * `all` prints every fact at once, `{ "<fact>": { "value": ... } | { "error": "..." } }`: packaging
 * runs it once (deploy/facts.cjs), and a fact that cannot be computed fails only the variables
 * that read it, with its own message.
 */
import { Argument, Command } from 'commander';
import {
  exemptionDenials,
  memberRoleStatements,
  rotationStatements,
  alertGrants,
  sweepOrganisationStatements,
  sweepReservedConcurrency,
} from '../actions/iam-statements.js';
import { mappedRotationFunctions } from '../actions/rotation-functions.js';
import { serviceRoleNames } from '../domain/service-roles.js';
import { loadPolicy } from '../policy/load-policy.js';
import { organisationDeployment } from './organisation-deployment.js';
import type { Policy } from '../policy/schema.js';
import { configCompliancePattern } from '../rules/config-pattern.js';
import { readCallsPattern } from '../rules/read-calls-pattern.js';
import { securityHubRoute } from '../rules/routes.js';

/** Where the stack goes: the stage and the region being packaged. */
interface Target {
  readonly stage: string;
  readonly region: string;
}

const facts: Readonly<Record<string, (policy: Policy, target: Target) => unknown>> = {
  /** The Config compliance-change event pattern, with the policy's own rule names. */
  'config-pattern': (policy) => configCompliancePattern(policy),
  /** The read-calls event pattern: refused calls, reads of deleted secrets, reads outside the policy's VPC endpoints. */
  'read-calls-pattern': (policy) => readCallsPattern(policy),
  /** The rotation functions enable-rotation may invoke: the only Lambda ARNs its role gets. */
  'rotation-functions': (policy) => mappedRotationFunctions(policy),
  /**
   * Per alert function, GetSecretValue on the policy's Slack webhook secret, or nothing: the only
   * secret value the service may read (deploy/variables/alert-role-statements.cjs adds it).
   */
  'alert-grants': (policy, { stage }) => alertGrants(policy, stage),
  /** The sweep function's EventBridge schedule expression. */
  'sweep-schedule': (policy) => policy.sweep.schedule,
  /** enable-rotation's RotateSecret and lambda:InvokeFunction statements, for the functions the policy maps. */
  'rotation-statements': (policy) => rotationStatements(policy),
  /** Per action, the Deny of its writes on secrets that carry the exemption tag. */
  'exemption-denials': (policy) => exemptionDenials(policy),
  /**
   * Security Hub both ways, or null when the policy leaves it off: the rule that takes its control
   * findings to classify, and the alert function's BatchImportFindings grant
   * (deploy/plugins/security-hub.cjs adds both only then).
   */
  'security-hub': (policy) => (policy.securityHub.enabled ? { pattern: securityHubRoute.pattern, target: securityHubRoute.target } : null),
  /**
   * The sweep in organisation mode: its reserved concurrency (the shards run at once) and its
   * statements for Organizations, the member read roles and the census's secret counts (Denies
   * when the mode is off).
   */
  'sweep-organisation': (policy, target) => ({
    reservedConcurrency: sweepReservedConcurrency(policy),
    ...sweepOrganisationStatements(policy, target),
  }),
  /** Organisation mode: each reaching function's sts:AssumeRole on its member role, and ListParents for OU scopes. */
  'member-roles': (policy, { stage }) => memberRoleStatements(policy, stage),
  /** Each function's role name for the stage and region: the names shared/domain/actor.ts recognises. */
  'role-names': (_policy, { stage, region }) => serviceRoleNames(stage, region),
  /**
   * Organisation mode (deploy/plugins/organisation.cjs): the member roles, the forwarded events and
   * the StackSet's targets; null while the policy leaves it off.
   */
  organisation: (policy, target) => organisationDeployment(policy, target),
  /**
   * The policy's operations settings, and the ARN (a CloudFormation Fn::Sub) of each function's
   * role, which the service key's policy names.
   */
  operations: (policy, { stage, region }) => ({
    ...policy.operations,
    roleArns: Object.values(serviceRoleNames(stage, region)).map((name) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`,
    })),
  }),
};

const program = new Command()
  .name('deployment-facts')
  .description('Print what serverless.yml takes from the policy, as JSON.')
  .addArgument(new Argument('<fact>', 'what to print (all: every fact)').choices([...Object.keys(facts), 'all']))
  .argument('[file]', 'the policy file', 'policy.yml')
  .option('--stage <stage>', 'the stage whose overrides apply', 'dev')
  .option('--region <region>', 'the region the stack is packaged for', 'us-east-1')
  .parse();

const [fact, file] = program.processedArgs as [string, string];
const { stage, region } = program.opts<{ stage: string; region: string }>();
type FactResult = { readonly value: unknown } | { readonly error: string };

/** Every fact, each with its value or the reason it cannot be computed. */
const allFacts = (policy: Policy, target: Target): Record<string, FactResult> =>
  Object.fromEntries(
    Object.entries(facts).map(([name, compute]): [string, FactResult] => {
      try {
        return [name, { value: compute(policy, target) }];
      } catch (error) {
        return [name, { error: (error as Error).message }];
      }
    }),
  );

try {
  const policy = loadPolicy({ file, stage });
  const compute = fact === 'all' ? allFacts : facts[fact];
  if (!compute) throw new Error(`unknown fact ${fact}`);
  process.stdout.write(`${JSON.stringify(compute(policy, { stage, region }))}\n`);
} catch (error) {
  // Packaging shows this to the person deploying: the reason, not a stack trace.
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
}
