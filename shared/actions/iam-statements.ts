/**
 * IAM statements serverless.yml takes from the policy and the action table at packaging time
 * (deploy/*.cjs, through shared/cli/deployment-facts.ts), so that each role states the limits
 * the code keeps: the rotation functions RotateSecret may name, no write at all on a secret
 * that carries the exemption tag, and the Slack webhook secret as the only value any role reads. Pure.
 */
import type { ActionType } from '../contracts/finding.js';
import type { FunctionName } from '../contracts/functions.js';
import type { Policy } from '../policy/schema.js';
import { MEMBER_ROLE_CODES, type MemberRole } from '../domain/service-roles.js';
import { actionDefinitions } from './registry.js';
import { mappedRotationFunctions } from './rotation-functions.js';
import { memberRoleName } from '../domain/service-roles.js';

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

/**
 * The alert function's grant when `securityHub.enabled`: BatchImportFindings on the default
 * product of the stack's own account and Region only, and only for findings of that account
 * (`securityhub:TargetAccount` is the finding's AwsAccountId). In organisation mode a member's
 * findings go through the member's read role instead, which holds the same grant in its account.
 */
export const securityHubImportStatement = (): IamStatement => ({
  Sid: 'ImportFindingsIntoOwnSecurityHub',
  Effect: 'Allow',
  Action: 'securityhub:BatchImportFindings',
  Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default' },
  Condition: { StringEquals: { 'securityhub:TargetAccount': { Ref: 'AWS::AccountId' } } },
});
/** What the organisation sweep's coordinator asks of Organizations: the accounts in scope, page by page. */
const ORGANISATION_LISTING = [
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
];

/**
 * The sweep's statements for organisation mode: Organizations' listings (they have no resource
 * level: `*`), sts:AssumeRole on exactly the member read roles of the stage (one name per
 * region guarded, in any account of the organisation — `aws:ResourceOrgID` — and no other role),
 * and cloudwatch:GetMetricData for the census of secret counts (shared/sweep/census.ts).
 * With organisation mode off, explicit Denies say so: the single-account sweep assumes nothing.
 */
export const sweepOrganisationStatements = (
  policy: Pick<Policy, 'organisation'>,
  target: { readonly stage: string; readonly region: string },
): { listAccounts: IamStatement; assumeReadRoles: IamStatement; readSecretCounts: IamStatement } => {
  const { organisation } = policy;
  if (!organisation.enabled || organisation.organizationId === null) {
    return {
      listAccounts: { Sid: 'NoOrganisationListing', Effect: 'Deny', Action: ORGANISATION_LISTING, Resource: '*' },
      assumeReadRoles: { Sid: 'NoMemberRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' },
      readSecretCounts: { Sid: 'NoSecretCounts', Effect: 'Deny', Action: 'cloudwatch:GetMetricData', Resource: '*' },
    };
  }
  const regions = organisation.regions.length > 0 ? organisation.regions : [target.region];
  const roles = [...new Set(regions.map((region) => memberRoleName(organisation.roleNamePrefix, target.stage, 'read', region)))];
  return {
    listAccounts: { Sid: 'ListOrganisationAccounts', Effect: 'Allow', Action: ORGANISATION_LISTING, Resource: '*' },
    assumeReadRoles: {
      Sid: 'AssumeMemberReadRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: roles.map((name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${name}` })),
      Condition: { StringEquals: { 'aws:ResourceOrgID': organisation.organizationId } },
    },
    // The census of the first run (shared/sweep/census.ts): the secret count Secrets Manager
    // publishes to CloudWatch, in the hub's own account and region. GetMetricData has no resource
    // level (`*` is the only resource IAM takes for it) and answers metric data only, never a
    // secret or its value. The member read role gets the same statement (it is one of the sweep's
    // grants without a reference: deploy/plugins/organisation.cjs), for the census elsewhere.
    readSecretCounts: { Sid: 'ReadSecretCounts', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
  };
};

/** The sweep's reserved concurrency: one run at a time alone, `organisation.sweepConcurrency` shards at once in organisation mode. */
export const sweepReservedConcurrency = (policy: Pick<Policy, 'organisation'>): number =>
  policy.organisation.enabled ? policy.organisation.sweepConcurrency : 1;
/** The functions that reach into member accounts (organisation mode), with the member role each assumes. */
export const MEMBER_ROLE_OF: Readonly<Record<'classify' | ActionType, MemberRole>> = {
  classify: 'read',
  'clear-stale-pending': 'clear-stale-pending',
  'enable-rotation': 'enable-rotation',
  'restore-secret': 'restore-secret',
  'remove-public-statements': 'remove-public-statements',
};

/**
 * Per function that reaches members: `assume`, sts:AssumeRole on exactly its member role in
 * every account and region (`<prefix>-<stage>-<code>-*`: the region code is the last part), and
 * only in the organization (`aws:ResourceOrgID`), so restore-secret can only ever restore; and
 * `organizations`, ListParents when the scope names OUs (the account's place decides whether it is
 * guarded). With organisation mode off, or no OU listed, an explicit Deny says there is nothing to
 * assume or read.
 */
export const memberRoleStatements = (
  policy: Pick<Policy, 'organisation'>,
  stage: string,
): Readonly<Record<'classify' | ActionType, { assume: IamStatement; organizations: IamStatement }>> => {
  const { enabled, organizationId, roleNamePrefix, members } = policy.organisation;
  const readsOus = enabled && members.organizationalUnits.length > 0;
  const organizations: IamStatement = readsOus
    ? { Sid: 'ReadAccountPlaceInOrganization', Effect: 'Allow', Action: 'organizations:ListParents', Resource: '*' }
    : { Sid: 'NoOrganizationsReads', Effect: 'Deny', Action: 'organizations:ListParents', Resource: '*' };
  return Object.fromEntries(
    Object.entries(MEMBER_ROLE_OF).map(([fn, role]) => [
      fn,
      {
        assume:
          enabled && organizationId
            ? {
                Sid: 'AssumeMemberRole',
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${roleNamePrefix}-${stage}-${MEMBER_ROLE_CODES[role]}-*` },
                Condition: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
              }
            : { Sid: 'NoMemberRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' },
        organizations,
      },
    ]),
  ) as unknown as Record<'classify' | ActionType, { assume: IamStatement; organizations: IamStatement }>;
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
  const grants: IamStatement[] = secretArn
    ? [{ Sid: 'ReadSlackWebhookSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn }]
    : [];
  return Object.fromEntries(SLACK_WEBHOOK_READERS.map((name) => [name, grants])) as Record<
    (typeof SLACK_WEBHOOK_READERS)[number],
    IamStatement[]
  >;
};

/**
 * Every statement the policy adds to the alert functions' roles, through the one path the other
 * policy-decided statements take (deploy/variables/alert-role-statements.cjs): the Slack webhook
 * read for both, and, with `securityHub.enabled`, BatchImportFindings on the account's own
 * Security Hub for alert alone — in organisation mode with sts:AssumeRole on exactly the members'
 * read roles of the stage (in the organization only), through which a member's findings go into
 * that member's own Security Hub.
 * @example
 * alertGrants(policy, 'prod'); // Slack and Security Hub off: { alert: [], 'alert-digest': [] }
 */
export const alertGrants = (
  policy: Pick<Policy, 'alerts' | 'securityHub' | 'organisation'>,
  stage: string,
): Record<(typeof SLACK_WEBHOOK_READERS)[number], IamStatement[]> => {
  const slack = slackWebhookGrants(policy);
  if (!policy.securityHub.enabled) return slack;
  const { enabled, organizationId, roleNamePrefix } = policy.organisation;
  const memberImports: IamStatement[] =
    enabled && organizationId
      ? [
          {
            Sid: 'AssumeMemberReadRolesForSecurityHub',
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${roleNamePrefix}-${stage}-${MEMBER_ROLE_CODES.read}-*` },
            Condition: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
          },
        ]
      : [];
  return { ...slack, alert: [...slack.alert, securityHubImportStatement(), ...memberImports] };
};
