/**
 * IAM statements serverless.yml takes from the policy and the action table at packaging time
 * (deploy/*.cjs, through shared/cli/deployment-facts.ts), so that each role states the limits
 * the code keeps: the rotation functions RotateSecret may name, no write at all on a secret
 * that carries the exemption tag, and the Slack webhook secret as the only value any role reads. Pure.
 */
import type { ActionType } from '../contracts/finding.js';
import type { FunctionName } from '../contracts/functions.js';
import type { Policy } from '../policy/schema.js';
import { actionDefinitions } from './registry.js';
import { mappedRotationFunctions } from './rotation-functions.js';

/** An IAM policy statement, as CloudFormation takes it. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Every secret of the stack's account and region. */
const SECRETS = { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*' };

/** Reads an action needs before it writes (they change nothing, so the exemption does not deny them). */
const READ = /^secretsmanager:(Describe|Get|List)/;

/** The Secrets Manager writes of an action, from its definition's permissions. */
export const secretWritesOf = (type: ActionType): string[] =>
  actionDefinitions[type].permissions.filter((permission) => permission.startsWith('secretsmanager:') && !READ.test(permission));

/**
 * Per action: a Deny of its writes on any secret that carries the policy's exemption tag, with
 * any value — the same test the code makes before acting — so that no bug and no forged finding
 * can make the role change an exempt secret.
 */
export const exemptionDenials = (policy: Pick<Policy, 'exemptionTag'>): Partial<Record<ActionType, IamStatement>> =>
  Object.fromEntries(
    (Object.keys(actionDefinitions) as ActionType[]).map((type): [ActionType, IamStatement] => [
      type,
      {
        Sid: 'NoWriteOnExemptSecrets',
        Effect: 'Deny',
        Action: secretWritesOf(type),
        Resource: SECRETS,
        Condition: { Null: { [`aws:ResourceTag/${policy.exemptionTag}`]: 'false' } },
      },
    ]),
  );

/**
 * enable-rotation's statements: RotateSecret naming only a rotation function the policy maps,
 * or none (managed rotation, or the function the secret already has); lambda:InvokeFunction on
 * exactly those functions, and with none mapped an explicit Deny that says so.
 */
export const rotationStatements = (policy: Pick<Policy, 'rotation'>): { rotate: IamStatement; invoke: IamStatement } => {
  const functions = mappedRotationFunctions(policy);
  return functions.length === 0
    ? {
        rotate: {
          Sid: 'RotateWithoutRotationFunction',
          Effect: 'Allow',
          Action: 'secretsmanager:RotateSecret',
          Resource: SECRETS,
          Condition: { Null: { 'secretsmanager:RotationLambdaARN': 'true' } },
        },
        invoke: { Sid: 'NoRotationFunctionMapped', Effect: 'Deny', Action: 'lambda:InvokeFunction', Resource: '*' },
      }
    : {
        rotate: {
          Sid: 'RotateWithMappedRotationFunctions',
          Effect: 'Allow',
          Action: 'secretsmanager:RotateSecret',
          Resource: SECRETS,
          // IfExists: a request that names no function (managed rotation) passes; one that names a function must name a mapped one.
          Condition: { ArnEqualsIfExists: { 'secretsmanager:RotationLambdaARN': functions } },
        },
        invoke: { Sid: 'MappedRotationFunctions', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functions },
      };
};

/** The functions that post to Slack, and so the only ones that may read its webhook secret. */
const SLACK_WEBHOOK_READERS = ['alert', 'alert-digest'] as const satisfies readonly FunctionName[];

/**
 * The one read of a secret's value the service may make: GetSecretValue on exactly the policy's
 * Slack webhook secret, for the functions that post to Slack. With no secret in the policy, no
 * statement at all (rather than an "off" statement that still names GetSecretValue).
 * @example
 * slackWebhookGrants(policy); // with slackWebhookSecretArn null: { alert: [], 'alert-digest': [] }
 */
export const slackWebhookGrants = (policy: Pick<Policy, 'alerts'>): Record<(typeof SLACK_WEBHOOK_READERS)[number], IamStatement[]> => {
  const secretArn = policy.alerts.channels.slackWebhookSecretArn;
  const grants: IamStatement[] = secretArn ? [{ Sid: 'ReadSlackWebhookSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn }] : [];
  return Object.fromEntries(SLACK_WEBHOOK_READERS.map((name) => [name, grants])) as Record<(typeof SLACK_WEBHOOK_READERS)[number], IamStatement[]>;
};
