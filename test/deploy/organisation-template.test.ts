/**
 * Organisation mode, packaged: the policy turns the organisation on, and packaging writes the
 * member template and adds the StackSet, the bus policy and the forwarded rules to the hub. The
 * member stack is what every account of the organisation trusts the hub with, so each of its
 * grants is checked here against the hub's own template. Packaged once for the file (slow).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionTypeSchema } from '../../shared/contracts/finding.js';
import type { FunctionName } from '../../shared/contracts/functions.js';
import { forwardedRoutes } from '../../shared/cli/organisation-deployment.js';
import { forwardQueueAlarmNames, forwardQueueAlarmPattern, forwardQueueName } from '../../shared/domain/member-forwarding.js';
import { MEMBER_ROLE_CODES, type MemberRole, memberRoleName, serviceRoleName } from '../../shared/domain/service-roles.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import type { Policy } from '../../shared/policy/schema.js';
import { matchesPattern } from '../../shared/rules/match-pattern.js';
import securityHubFindings from '../../shared/rules/securityhub-findings.pattern.json' with { type: 'json' };
import { repoRoot } from '../helpers/events.js';
import { PACKAGE_TIMEOUT_MS, type PackagedService, packageWithPolicy } from '../helpers/packaging.js';

interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string[];
  Properties: Record<string, unknown>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Template {
  Parameters: Record<string, unknown>;
  Mappings: { MemberRoleNames: Record<string, Record<string, string>> };
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
}

const STAGE = 'test';
const HUB_REGION = 'us-east-1';
const ORGANIZATION = 'o-a1b2c3d4e5';
const ROOT = 'r-ab12';
const UNIT = 'ou-ab12-cd34ef56';
const MEMBER = '444455556666';
const EXCLUDED = '999999999999';
/** Many regions, so that the inline-size check means something. */
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'me-south-1',
  'af-south-1',
];
const ROTATION_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:SecretsManagerRDSPostgreSQLRotationSingleUser';
const SLACK_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:secrets-remediator/slack-webhook-AbCdEf';
/** CloudFormation's limit on a template given inline. */
const TEMPLATE_BODY_MAX_BYTES = 51_200;

let packaged: PackagedService;
let hub: Record<string, Resource>;
let member: Template;
let policy: Policy;

const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const policyOf = (role: Resource | undefined): Statement[] =>
  (role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
const trustOf = (role: Resource | undefined): Statement[] =>
  (role?.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

/** The hub role of a function, by its name (the role the function runs as). */
const hubRoleOf = (fn: FunctionName): Resource => {
  const found = ofType(hub, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === serviceRoleName(fn, STAGE, HUB_REGION));
  if (!found) throw new Error(`no hub role for ${fn}`);
  return found[1];
};
const hubRoleArnInMember = (fn: FunctionName) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/${serviceRoleName(fn, STAGE, HUB_REGION)}`,
});
const memberRoleCode = (role: MemberRole) => MEMBER_ROLE_CODES[role];
const memberRoleOf = (role: MemberRole): Resource => {
  const found = ofType(member.Resources, 'AWS::IAM::Role').find(
    ([, r]) =>
      JSON.stringify(r.Properties.RoleName) ===
      JSON.stringify({ 'Fn::FindInMap': ['MemberRoleNames', { Ref: 'AWS::Region' }, memberRoleCode(role)] }),
  );
  if (!found) throw new Error(`no member role ${role}`);
  return found[1];
};

/** The member rule that forwards the forward queue's alarms (the others forward what classify takes). */
const ALARM_RULE = 'ForwardQueueAlarmsRule';
/** The member rules forwarding events to classify. */
const classifyForwards = () => ofType(member.Resources, 'AWS::Events::Rule').filter(([id]) => id !== ALARM_RULE);

/**
 * CloudWatch's published alarm event (test/fixtures/cloudwatch/README.md) as the alarm `name` of
 * `account` in `region` sends it: only its name, ARN, account and region changed.
 */
const alarmEvent = (name: string, account = MEMBER, region = 'eu-west-1') => {
  const event = JSON.parse(
    readFileSync(join(repoRoot, 'test/fixtures/cloudwatch/AlarmStateChange.eventbridge-native.awsdocs.json'), 'utf8'),
  ) as Record<string, unknown> & { detail: Record<string, unknown> };
  return {
    ...event,
    account,
    region,
    resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${name}`],
    detail: { ...event.detail, alarmName: name },
  };
};

/** The statements of a hub role about the account's own services (those a member role needs). */
const aboutTheAccount = (statements: Statement[]): Statement[] =>
  statements.filter((s) => actionsOf(s).every((a) => /^(secretsmanager|lambda|config|cloudtrail|securityhub):/.test(a)));

describe('Packaged template in organisation mode', () => {
  beforeAll(async () => {
    packaged = await packageWithPolicy((document) => {
      document.setIn(['organisation', 'enabled'], true);
      document.setIn(['organisation', 'organizationId'], ORGANIZATION);
      document.setIn(['organisation', 'rootId'], ROOT);
      document.setIn(['organisation', 'members', 'organizationalUnits'], [UNIT]);
      document.setIn(['organisation', 'members', 'accounts'], [MEMBER, EXCLUDED]);
      document.setIn(['organisation', 'members', 'exclude'], [EXCLUDED]);
      document.setIn(['organisation', 'regions'], REGIONS);
      document.setIn(['securityHub', 'enabled'], true);
      // Policy-built patterns and statements, so that "the same as the hub's" is not the default.
      document.setIn(['configRules'], { 'sm-rotation-check-conformance-pack-abc123': 'secretsmanager-rotation-enabled-check' });
      document.setIn(['vpcEndpoints'], [{ secrets: ['prod/*'], endpoints: ['vpce-0123456789abcdef0'] }]);
      document.setIn(['rotation', 'functions', 'default'], ROTATION_FUNCTION);
      // The hub's alert functions may then read this one secret: no member role may.
      document.setIn(['alerts', 'channels', 'slackWebhookSecretArn'], SLACK_SECRET);
    }, STAGE);
    hub = packaged.template.Resources;
    member = JSON.parse(readFileSync(join(packaged.dir, 'member-template.json'), 'utf8')) as Template;
    policy = loadPolicy({ file: packaged.policyFile, stage: STAGE });
  }, PACKAGE_TIMEOUT_MS + 10_000);

  describe('the member template', () => {
    it('is written next to the hub template and is exactly what the StackSet deploys', () => {
      const [[, stackSet] = []] = ofType(hub, 'AWS::CloudFormation::StackSet');

      expect(JSON.parse(String(stackSet?.Properties.TemplateBody))).toEqual(member);
    });

    it("fits CloudFormation's inline limit even guarding 20 regions", () => {
      const [[, stackSet] = []] = ofType(hub, 'AWS::CloudFormation::StackSet');

      expect(Buffer.byteLength(String(stackSet?.Properties.TemplateBody))).toBeLessThan(TEMPLATE_BODY_MAX_BYTES);
    });

    it("forwards from the default bus exactly what the hub's classify takes from its own, plus Security Hub's control findings", () => {
      const rules = classifyForwards().map(([, r]) => r);
      const hubOwn = ofType(hub, 'AWS::Events::Rule')
        .filter(([, r]) => r.Properties.EventBusName === undefined && r.Properties.EventPattern !== undefined)
        .map(([, r]) => r.Properties.EventPattern);

      const sorted = (patterns: unknown[]) => patterns.map((pattern) => JSON.stringify(pattern)).sort();
      // With securityHub on the hub takes the control findings on its own default bus as well.
      const unique = (patterns: unknown[]) => [...new Set(sorted(patterns))];
      expect(sorted(rules.map((r) => r.Properties.EventPattern))).toEqual(unique([...hubOwn, securityHubFindings]));
      expect(rules.map((r) => r.Properties.EventPattern)).toEqual(forwardedRoutes(policy).map((route) => route.pattern));
      // The policy's own names and endpoints made it in: the patterns were built, not copied.
      expect(JSON.stringify(rules)).toContain('sm-rotation-check-conformance-pack-abc123');
      expect(JSON.stringify(rules)).toContain('vpce-0123456789abcdef0');
    });

    it("takes read-only calls in the state that lets them through, like the hub's read-calls rule", () => {
      const states = classifyForwards().map(([, r]) => [JSON.stringify(r.Properties.EventPattern), r.Properties.State]);
      const hubStates = ofType(hub, 'AWS::Events::Rule')
        .filter(([, r]) => r.Properties.EventBusName === undefined && r.Properties.EventPattern !== undefined)
        .map(([, r]) => [JSON.stringify(r.Properties.EventPattern), r.Properties.State ?? 'ENABLED']);

      expect(states).toEqual(expect.arrayContaining(hubStates));
      expect(states.filter(([, state]) => state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')).toHaveLength(1);
    });

    it("sends every forwarded event to the hub's project bus in the hub's region, as the forwarding role", () => {
      const busArn = { 'Fn::Sub': `arn:\${AWS::Partition}:events:${HUB_REGION}:\${HubAccountId}:event-bus/secrets-remediator-${STAGE}` };

      for (const [id, rule] of ofType(member.Resources, 'AWS::Events::Rule')) {
        expect(rule.Properties.Targets, id).toEqual([
          expect.objectContaining({ Id: 'hub', Arn: busArn, RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] } }),
        ]);
        expect(rule.Condition, id).toBe('ForwardsEvents');
      }
      expect(policyOf(memberRoleOf('forward'))).toEqual([
        { Sid: 'PutEventsOnTheHubBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn },
      ]);
      expect(trustOf(memberRoleOf('forward'))).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ]);
    });

    it("retries every forward as the hub's rules are retried, then keeps the event in the member stack's own dead-letter queue", () => {
      const hubRetry = ofType(hub, 'AWS::Events::Rule').map(
        ([, r]) => (r.Properties.Targets as { RetryPolicy?: unknown }[])[0]?.RetryPolicy,
      );
      const targets = ofType(member.Resources, 'AWS::Events::Rule').map(
        ([id, r]) => [id, (r.Properties.Targets as Record<string, unknown>[])[0]] as const,
      );

      expect(new Set(hubRetry.map((retry) => JSON.stringify(retry))).size).toBe(1);
      expect(targets.length).toBeGreaterThan(0);
      for (const [id, target] of targets) {
        expect(target?.RetryPolicy, id).toEqual(hubRetry[0]);
        expect(target?.DeadLetterConfig, id).toEqual({ Arn: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] } });
      }
    });

    it('keeps undelivered forwards for 14 days in an encrypted queue only those forwarding rules may send to (aws:SourceArn)', () => {
      const queues = ofType(member.Resources, 'AWS::SQS::Queue');
      const policies = ofType(member.Resources, 'AWS::SQS::QueuePolicy');
      const ruleArns = ofType(member.Resources, 'AWS::Events::Rule').map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));

      expect(queues.map(([id]) => id)).toEqual(['ForwardDeadLetterQueue']);
      expect(queues[0]?.[1]).toMatchObject({
        Condition: 'ForwardsEvents',
        Properties: { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true },
      });
      expect(policies).toHaveLength(1);
      expect(policies[0]?.[1].Condition).toBe('ForwardsEvents');
      expect(policies[0]?.[1].Properties.Queues).toEqual([{ Ref: 'ForwardDeadLetterQueue' }]);
      expect((policies[0]?.[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
        }),
      ]);
    });

    it("forwards nothing in the hub's own account and region, whose default bus the hub reads already", () => {
      expect(member.Conditions.ForwardsEvents).toEqual({
        'Fn::Not': [
          {
            'Fn::And': [
              { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, { Ref: 'HubAccountId' }] },
              { 'Fn::Equals': [{ Ref: 'AWS::Region' }, HUB_REGION] },
            ],
          },
        ],
      });
    });

    it('names every role as the service recognises member roles, per guarded region', () => {
      expect(Object.keys(member.Mappings.MemberRoleNames)).toEqual(REGIONS);
      for (const region of REGIONS) {
        expect(member.Mappings.MemberRoleNames[region], region).toEqual(
          Object.fromEntries(
            (Object.keys(MEMBER_ROLE_CODES) as MemberRole[]).map((role) => [
              MEMBER_ROLE_CODES[role],
              memberRoleName(policy.organisation.roleNamePrefix, STAGE, role, region),
            ]),
          ),
        );
      }
      expect(ofType(member.Resources, 'AWS::IAM::Role')).toHaveLength(Object.keys(MEMBER_ROLE_CODES).length);
    });

    it.each(ActionTypeSchema.options)("lets only the hub's %s role, within the organisation, assume its member role", (action) => {
      expect(trustOf(memberRoleOf(action))).toEqual([
        {
          Sid: 'OnlyTheHubActionRole',
          Effect: 'Allow',
          Principal: { AWS: hubRoleArnInMember(action) },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } },
        },
      ]);
    });

    it.each(ActionTypeSchema.options)(
      'gives the %s member role the same statements about secrets, with the same conditions, as its hub role, and nothing more',
      (action) => {
        const statements = policyOf(memberRoleOf(action));
        const writes = statements
          .filter((s) => s.Effect === 'Allow')
          .flatMap(actionsOf)
          .filter((a) => !/^secretsmanager:(Describe|Get|List)/.test(a));

        expect(statements).toEqual(aboutTheAccount(policyOf(hubRoleOf(action))));
        expect(writes.length).toBeGreaterThan(0);
        // In the member's own account and region: the same Fn::Sub, resolved by the member stack.
        expect(JSON.stringify(statements)).not.toMatch(/"Ref"|"Fn::GetAtt"|HubAccountId/);
        expect(statements.filter((s) => s.Sid === 'NoWriteOnExemptSecrets')).toHaveLength(1);
      },
    );

    it('lets the member enable-rotation role name only the rotation functions the policy maps', () => {
      const statements = policyOf(memberRoleOf('enable-rotation'));

      expect(statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))).toEqual([
        { Sid: 'MappedRotationFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ROTATION_FUNCTION },
      ]);
      expect(statements.find((s) => actionsOf(s).includes('secretsmanager:RotateSecret'))?.Condition).toEqual({
        ArnEqualsIfExists: { 'secretsmanager:RotationLambdaARN': [ROTATION_FUNCTION] },
      });
    });

    it("lets the hub's sweep, classify and alert, and the hub account's scan operators, assume the read role, within the organisation", () => {
      const within = { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } };

      expect(trustOf(memberRoleOf('read'))).toEqual([
        {
          Sid: 'TheHubReaders',
          Effect: 'Allow',
          Principal: { AWS: (['sweep', 'classify', 'alert'] as const).map(hubRoleArnInMember) },
          Action: 'sts:AssumeRole',
          Condition: within,
        },
        {
          Sid: 'ScanOperatorsOfTheHubAccount',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
          Action: 'sts:AssumeRole',
          Condition: within,
        },
      ]);
    });

    it("lets the read role list and describe secrets, read the secret count CloudWatch holds and import this account's findings into Security Hub, nothing more", () => {
      const statements = policyOf(memberRoleOf('read'));

      expect(statements.flatMap(actionsOf).sort()).toEqual(
        [
          'cloudwatch:GetMetricData',
          'secretsmanager:ListSecrets',
          'secretsmanager:DescribeSecret',
          'secretsmanager:DescribeSecret',
          'secretsmanager:ListSecretVersionIds',
          'secretsmanager:GetResourcePolicy',
          'securityhub:BatchImportFindings',
        ].sort(),
      );
      expect(statements.filter((s) => s.Effect !== 'Allow')).toEqual([]);
      // The census of the first run: metric data only (GetMetricData has no resource level).
      expect(statements.filter((s) => actionsOf(s).includes('cloudwatch:GetMetricData'))).toEqual([
        { Sid: 'ReadSecretCounts', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
      ]);
      expect(statements.find((s) => actionsOf(s).includes('securityhub:BatchImportFindings'))).toEqual({
        Sid: 'ImportFindingsOfThisAccount',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default' },
        Condition: { StringEquals: { 'securityhub:TargetAccount': { Ref: 'AWS::AccountId' } } },
      });
    });

    it("lets no role read a secret value, though the hub's alert functions may read the Slack webhook secret", () => {
      const hubReads = ofType(hub, 'AWS::IAM::Role')
        .flatMap(([, r]) => policyOf(r))
        .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));

      expect(hubReads).toHaveLength(2);
      // Every grant of the member stack (the forwarded patterns name GetSecretValue calls: those are events, not grants).
      expect(JSON.stringify(ofType(member.Resources, 'AWS::IAM::Role').map(([, r]) => r.Properties.Policies))).not.toMatch(
        /getsecretvalue/i,
      );
      expect(
        ofType(member.Resources, 'AWS::IAM::Role')
          .flatMap(([, r]) => policyOf(r))
          .flatMap(actionsOf)
          .filter((a) => a.includes('*')),
      ).toEqual([]);
    });

    it("lets only the redrive role, where the stack forwards and for the hub account's operators, receive, put back and delete the forward queue's messages", () => {
      const redrive = memberRoleOf('redrive');

      expect(member.Resources.RedriveRole?.Condition).toBe('ForwardsEvents');
      expect(policyOf(redrive)).toEqual([
        {
          Sid: 'RedriveTheForwardQueue',
          Effect: 'Allow',
          Action: ['sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
          Resource: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] },
        },
      ]);
      // The hub account decides which of its operators may (an identity policy), within the organisation; no hub function is trusted.
      expect(trustOf(redrive)).toEqual([
        {
          Sid: 'RedriveOperatorsOfTheHubAccount',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION } },
        },
      ]);
      expect(member.Resources.ForwardDeadLetterQueue?.Properties.QueueName).toBe(forwardQueueName(STAGE));
      // No other role of the member stack may touch a queue.
      for (const role of (Object.keys(MEMBER_ROLE_CODES) as MemberRole[]).filter((r) => r !== 'redrive'))
        expect(JSON.stringify(policyOf(memberRoleOf(role))), role).not.toMatch(/"sqs:/);
    });

    it("watches the forward queue as the hub watches its own dead-letter queues, only where the stack forwards, under the names the hub's rule expects", () => {
      const alarms = ofType(member.Resources, 'AWS::CloudWatch::Alarm');
      const hubAlarms = [hub.RuleDeadLetterQueueAlarm, hub.RuleDeadLetterQueueAgeAlarm];
      const shape = (alarm: Resource | undefined) => {
        const {
          AlarmName: _name,
          AlarmDescription: _description,
          AlarmActions: _actions,
          Dimensions: _dimensions,
          ...rest
        } = alarm?.Properties ?? {};
        return rest;
      };

      expect(alarms.map(([, a]) => a.Properties.AlarmName)).toEqual(forwardQueueAlarmNames(STAGE));
      expect(alarms.map(([, a]) => a.Properties.AlarmName)).toEqual([
        `${forwardQueueName(STAGE)}-arrivals`,
        `${forwardQueueName(STAGE)}-oldest-message`,
      ]);
      for (const [[id, alarm], hubAlarm] of alarms.map((a, i) => [a, hubAlarms[i]] as const)) {
        expect(alarm.Condition, id).toBe('ForwardsEvents');
        expect(shape(alarm), id).toEqual(shape(hubAlarm));
        expect(alarm.Properties.Dimensions, id).toEqual([
          { Name: 'QueueName', Value: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'QueueName'] } },
        ]);
        // Nothing to notify in the member: the hub hears of it through the alarm's state change.
        expect(alarm.Properties.AlarmActions, id).toBeUndefined();
        expect(JSON.stringify(alarm.Properties.AlarmDescription), id).toContain(
          `secrets-remediator redrive --member-account \${AWS::AccountId} --member-region \${AWS::Region} --stage ${STAGE}`,
        );
      }
    });

    it("forwards those alarms going into ALARM, and nothing else of CloudWatch's, to the hub's bus, only where the stack forwards", () => {
      const rule = member.Resources[ALARM_RULE];
      const arns = ['ForwardDeadLetterQueueAlarm', 'ForwardDeadLetterQueueAgeAlarm'].map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
      const pattern = rule?.Properties.EventPattern as Record<string, unknown>;
      /** The pattern as CloudFormation resolves it in account MEMBER, eu-west-1. */
      const resolved = {
        ...pattern,
        resources: forwardQueueAlarmNames(STAGE).map((name) => `arn:aws:cloudwatch:eu-west-1:${MEMBER}:alarm:${name}`),
      };
      const [arrivals = '', oldest = ''] = forwardQueueAlarmNames(STAGE);

      expect(rule?.Condition).toBe('ForwardsEvents');
      expect(pattern).toEqual({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: arns,
        detail: { state: { value: ['ALARM'] } },
      });
      expect(matchesPattern(resolved, alarmEvent(arrivals))).toBe(true);
      expect(matchesPattern(resolved, alarmEvent(oldest))).toBe(true);
      expect(matchesPattern(resolved, alarmEvent('payments-db-cpu'))).toBe(false);
      expect(
        matchesPattern(resolved, { ...alarmEvent(arrivals), detail: { ...alarmEvent(arrivals).detail, state: { value: 'OK' } } }),
      ).toBe(false);
    });

    it('takes the hub account id as its one parameter', () => {
      expect(Object.keys(member.Parameters)).toEqual(['HubAccountId']);
      expect(member.Parameters.HubAccountId).toMatchObject({ Type: 'String', AllowedPattern: '^\\d{12}$' });
    });
  });

  describe('the hub', () => {
    it("deploys the member template with a service-managed StackSet from a delegated administrator, to the policy's units and accounts, in every guarded region", () => {
      const stackSets = ofType(hub, 'AWS::CloudFormation::StackSet');

      expect(stackSets).toHaveLength(1);
      expect(stackSets[0]?.[1].Properties).toMatchObject({
        StackSetName: `secrets-remediator-${STAGE}-members`,
        PermissionModel: 'SERVICE_MANAGED',
        CallAs: 'DELEGATED_ADMIN',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        Parameters: [{ ParameterKey: 'HubAccountId', ParameterValue: { Ref: 'AWS::AccountId' } }],
        StackInstancesGroup: [
          {
            DeploymentTargets: { OrganizationalUnitIds: [UNIT], AccountFilterType: 'DIFFERENCE', Accounts: [EXCLUDED, MEMBER] },
            Regions: REGIONS,
          },
          { DeploymentTargets: { OrganizationalUnitIds: [ROOT], AccountFilterType: 'INTERSECTION', Accounts: [MEMBER] }, Regions: REGIONS },
        ],
      });
      const preferences = stackSets[0]?.[1].Properties.OperationPreferences as Record<string, unknown>;
      expect(preferences.RegionConcurrencyType).toBe('PARALLEL');
      expect(Number(preferences.FailureTolerancePercentage)).toBeLessThan(Number(preferences.MaxConcurrentPercentage));
    });

    it('creates the StackSet after the hub roles the member roles trust (IAM refuses a principal that does not exist)', () => {
      const [[, stackSet] = []] = ofType(hub, 'AWS::CloudFormation::StackSet');
      const roleIds = ofType(hub, 'AWS::IAM::Role')
        .filter(([, r]) =>
          [...ActionTypeSchema.options, 'sweep', 'classify', 'alert'].some(
            (fn) => r.Properties.RoleName === serviceRoleName(fn as FunctionName, STAGE, HUB_REGION),
          ),
        )
        .map(([id]) => id);

      expect(roleIds).toHaveLength(7);
      expect(stackSet?.DependsOn).toEqual(expect.arrayContaining(roleIds));
    });

    it.each([
      ...ActionTypeSchema.options.map((action) => [action, action] as const),
      ...(['sweep', 'classify', 'alert'] as const).map((fn) => [fn, 'read'] as const),
    ])("lets the hub's %s role assume its member role (%s), within the organization, and no other role", (fn, role) => {
      const assumes = policyOf(hubRoleOf(fn)).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('sts:')));
      const resources = assumes.flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r));
      const ownRole = `${policy.organisation.roleNamePrefix}-${STAGE}-${MEMBER_ROLE_CODES[role]}-`;

      expect(assumes.length).toBeGreaterThan(0);
      for (const statement of assumes) expect(statement.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORGANIZATION } });
      // Its own member role in any guarded region (a name per region, or the name with the region code left open).
      for (const resource of resources) expect(resource).toMatch(new RegExp(`iam::\\*:role/${ownRole}[a-z0-9*]+"`));
    });

    it("takes the forwarded events from the project bus to classify, with the members' patterns, retries and dead letters, and an alarm each", () => {
      const onBus = ofType(hub, 'AWS::Events::Rule').filter(
        ([, r]) => JSON.stringify(r.Properties.Targets).includes('"ClassifyLambdaFunction"') && r.Properties.EventBusName !== undefined,
      );
      const alarmed = ofType(hub, 'AWS::CloudWatch::Alarm').map(([, a]) => JSON.stringify(a.Properties.Dimensions));

      expect(onBus.map(([, r]) => r.Properties.EventPattern)).toEqual(classifyForwards().map(([, r]) => r.Properties.EventPattern));
      for (const [id, rule] of onBus) {
        expect(rule.Properties.EventBusName, id).toEqual({ 'Fn::GetAtt': ['ProjectBus', 'Name'] });
        expect(rule.Properties.Targets, id).toEqual([
          {
            Id: 'classify',
            Arn: { 'Fn::GetAtt': ['ClassifyLambdaFunction', 'Arn'] },
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 24 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } },
          },
        ]);
        expect(
          ofType(hub, 'AWS::Lambda::Permission').some(
            ([, p]) => JSON.stringify(p.Properties.SourceArn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
          ),
          id,
        ).toBe(true);
        expect(alarmed, id).toContain(
          JSON.stringify([
            { Name: 'EventBusName', Value: { 'Fn::GetAtt': ['ProjectBus', 'Name'] } },
            { Name: 'RuleName', Value: rule.Properties.Name },
          ]),
        );
      }
    });

    describe("the members' forward-queue alarms", () => {
      const rule = () => hub.MemberForwardQueueAlarmsRule;
      const [arrivals = '', oldest = ''] = forwardQueueAlarmNames(STAGE);

      it('reach the operations topic from the project bus, by the exact alarm names, only going into ALARM', () => {
        expect(rule()?.Properties).toMatchObject({
          Name: `secrets-remediator-${STAGE}-member-forward-alarms`,
          EventBusName: { 'Fn::GetAtt': ['ProjectBus', 'Name'] },
          EventPattern: forwardQueueAlarmPattern(STAGE),
          State: 'ENABLED',
        });
      });

      it("match a member's alarm as CloudWatch sends it, and no forged or other alarm (the packaged pattern, with the project's matcher)", () => {
        const pattern = rule()?.Properties.EventPattern as Record<string, unknown>;

        expect(matchesPattern(pattern, alarmEvent(arrivals))).toBe(true);
        expect(matchesPattern(pattern, alarmEvent(oldest, '777788889999', 'ap-southeast-2'))).toBe(true);
        // CloudWatch's published event as it is: another alarm.
        expect(matchesPattern(pattern, alarmEvent('ServerCpuTooHigh', '123456789012', 'us-east-1'))).toBe(false);
        // Forged by an account of the organisation: another name, one that only starts like it, another stage's.
        for (const forged of ['payments-db-cpu', `${arrivals}-2`, arrivals.replace(`-${STAGE}-`, '-prod-')])
          expect(matchesPattern(pattern, alarmEvent(forged)), forged).toBe(false);
        expect(
          matchesPattern(pattern, { ...alarmEvent(arrivals), detail: { ...alarmEvent(arrivals).detail, state: { value: 'OK' } } }),
        ).toBe(false);
      });

      it('only notify: the alarm topics alone, with a message built from what AWS sets and the fixed alarm name, retried and kept like every target', () => {
        const targets = rule()?.Properties.Targets as Record<string, unknown>[];

        expect(targets).toEqual([
          {
            Id: 'OperationsTopic',
            Arn: { Ref: 'OperationsTopic' },
            RoleArn: { 'Fn::GetAtt': ['MemberForwardQueueAlarmsRole', 'Arn'] },
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 24 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } },
            InputTransformer: {
              InputPathsMap: { account: '$.account', region: '$.region', alarm: '$.detail.alarmName', time: '$.time' },
              InputTemplate: expect.any(String),
            },
          },
        ]);
        const template = String((targets[0]?.InputTransformer as { InputTemplate: string }).InputTemplate);
        expect(template.startsWith('"') && template.endsWith('"')).toBe(true);
        expect(template).toContain(forwardQueueName(STAGE));
        expect(template).toContain(
          `npx secrets-remediator redrive --member-account <account> --member-region <region> --stage ${STAGE} --region ${HUB_REGION}`,
        );
        expect(template).toContain('--apply');
      });

      it('have their rule alarmed and its dead letters admitted, like every rule of the hub', () => {
        const dimensions = ofType(hub, 'AWS::CloudWatch::Alarm').map(([, a]) => JSON.stringify(a.Properties.Dimensions));
        const senders = JSON.stringify(hub.RuleDeadLetterQueuePolicy?.Properties.PolicyDocument);

        expect(dimensions).toContain(
          JSON.stringify([
            { Name: 'EventBusName', Value: { 'Fn::GetAtt': ['ProjectBus', 'Name'] } },
            { Name: 'RuleName', Value: `secrets-remediator-${STAGE}-member-forward-alarms` },
          ]),
        );
        expect(senders).toContain(JSON.stringify({ 'Fn::GetAtt': ['MemberForwardQueueAlarmsRule', 'Arn'] }));
      });

      it('publish through a role only this rule may use, to the alarm topics and the service key through SNS, nothing else; no topic policy opens to EventBridge', () => {
        const role = hub.MemberForwardQueueAlarmsRole;

        expect(trustOf(role)).toEqual([
          {
            Sid: 'OnlyThisRule',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnEquals: {
                'aws:SourceArn': {
                  'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${ProjectBus.Name}/secrets-remediator-${STAGE}-member-forward-alarms`,
                },
              },
            },
          },
        ]);
        expect(policyOf(role)).toEqual([
          { Sid: 'PublishToTheAlarmTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: [{ Ref: 'OperationsTopic' }] },
          {
            Sid: 'EncryptForTheAlarmTopics',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } } },
          },
        ]);
        expect(ofType(hub, 'AWS::SNS::TopicPolicy')).toEqual([]);
        expect(JSON.stringify(hub.AlertKey?.Properties.KeyPolicy)).not.toContain('aws:sns:topicArn');
      });
    });

    it('gives every rule target of the hub, and of the member, a retry policy and a dead-letter queue', () => {
      const targets = [...ofType(hub, 'AWS::Events::Rule'), ...ofType(member.Resources, 'AWS::Events::Rule')].flatMap(([id, r]) =>
        (r.Properties.Targets as Record<string, unknown>[]).map((target) => [id, target] as const),
      );

      expect(targets.map(([id]) => id)).toEqual(expect.arrayContaining(['MemberForwardQueueAlarmsRule', ALARM_RULE]));
      for (const [id, target] of targets) {
        expect(target.RetryPolicy, id).toBeDefined();
        expect(target.DeadLetterConfig, id).toBeDefined();
      }
    });

    describe('the project bus policy', () => {
      type Request = { principalArn: string; orgId?: string; sources: string[] };
      const statements = () => (hub.ProjectBus?.Properties.Policy as { Statement: Statement[] }).Statement;
      const ownRoles = () =>
        (statements()[0]?.Condition?.ArnNotEquals?.['aws:PrincipalArn'] as { 'Fn::Sub': string }[]).map((arn) =>
          arn['Fn::Sub'].replace('${AWS::Partition}', 'aws').replace('${AWS::AccountId}', '111122223333'),
        );

      /** The request's value for a condition key, as IAM's request context would hold it. */
      const valuesOf = (key: string, request: Request): string[] | undefined =>
        ({
          'aws:PrincipalArn': [request.principalArn],
          'aws:PrincipalOrgID': request.orgId === undefined ? undefined : [request.orgId],
          'events:source': request.sources,
        })[key];
      const resolve = (value: unknown): string[] => [value].flat().map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      const resolveArns = (value: unknown): string[] =>
        [value]
          .flat()
          .map((v) =>
            typeof v === 'string'
              ? v
              : (v as { 'Fn::Sub': string })['Fn::Sub'].replace('${AWS::Partition}', 'aws').replace('${AWS::AccountId}', '111122223333'),
          );
      /** The operators the policy uses, as IAM evaluates them (a missing key matches only the negated ones). */
      const matches = (operator: string, key: string, expected: unknown, request: Request): boolean => {
        const actual = valuesOf(key, request);
        switch (operator) {
          case 'ArnNotEquals':
            return actual === undefined || !actual.some((a) => resolveArns(expected).includes(a));
          case 'StringNotEquals':
            return actual === undefined || !actual.some((a) => resolve(expected).includes(a));
          case 'StringEquals':
            return actual !== undefined && actual.some((a) => resolve(expected).includes(a));
          case 'ForAnyValue:StringNotEquals':
            return actual !== undefined && actual.some((a) => !resolve(expected).includes(a));
          case 'ForAllValues:StringEquals':
            return actual === undefined || actual.every((a) => resolve(expected).includes(a));
          case 'Null':
            return (actual === undefined) === (expected === 'true');
          default:
            throw new Error(`the bus policy uses ${operator}, which this test cannot evaluate`);
        }
      };
      const applies = (statement: Statement, request: Request) =>
        Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
          Object.entries(keys).every(([key, expected]) => matches(operator, key, expected, request)),
        );
      /** What the bus policy says about a PutEvents: denied, allowed, or nothing (the caller's identity policy decides). */
      const decide = (request: Request): 'deny' | 'allow' | 'silent' => {
        const applying = statements().filter((s) => applies(s, request));
        if (applying.some((s) => s.Effect === 'Deny')) return 'deny';
        return applying.some((s) => s.Effect === 'Allow') ? 'allow' : 'silent';
      };
      const forwardingRole = 'arn:aws:iam::444455556666:role/secrets-remediator-member-test-fwd-euw1';

      it("admits the organisation's forwarded AWS events: Secrets Manager, Config, Security Hub, and CloudWatch's alarms", () => {
        for (const source of ['aws.secretsmanager', 'aws.config', 'aws.securityhub', 'aws.cloudwatch']) {
          expect(decide({ principalArn: forwardingRole, orgId: ORGANIZATION, sources: [source] }), source).toBe('allow');
        }
      });

      it('refuses anyone in the organisation any other source, claims above all, and a batch with one', () => {
        expect(decide({ principalArn: forwardingRole, orgId: ORGANIZATION, sources: ['secrets-remediator'] })).toBe('deny');
        expect(decide({ principalArn: forwardingRole, orgId: ORGANIZATION, sources: ['aws.secretsmanager', 'secrets-remediator'] })).toBe(
          'deny',
        );
        expect(decide({ principalArn: 'arn:aws:iam::111122223333:role/admin', orgId: ORGANIZATION, sources: ['aws.ec2'] })).toBe('deny');
      });

      it('refuses everyone outside the organisation, even with an AWS source', () => {
        expect(
          decide({ principalArn: 'arn:aws:iam::777788889999:role/forwarder', orgId: 'o-zzzzzzzzzz', sources: ['aws.cloudwatch'] }),
        ).toBe('deny');
        expect(decide({ principalArn: 'arn:aws:iam::777788889999:role/forwarder', sources: ['aws.cloudwatch'] })).toBe('deny');
        expect(
          decide({ principalArn: 'arn:aws:iam::777788889999:role/forwarder', orgId: 'o-zzzzzzzzzz', sources: ['aws.secretsmanager'] }),
        ).toBe('deny');
        expect(decide({ principalArn: 'arn:aws:iam::777788889999:role/forwarder', sources: ['aws.secretsmanager'] })).toBe('deny');
      });

      it("leaves this stage's publishers to their identity policies, which allow only their own claims", () => {
        for (const role of ownRoles())
          expect(decide({ principalArn: role, orgId: ORGANIZATION, sources: ['secrets-remediator'] }), role).toBe('silent');
        expect(ownRoles()).toHaveLength(6);
      });

      it('is written as two Denies and one Allow, the Allow only for the organisation and AWS sources', () => {
        const sources = ['aws.cloudwatch', 'aws.config', 'aws.secretsmanager', 'aws.securityhub'];

        expect(statements().map((s) => [s.Sid, s.Effect])).toEqual([
          ['OnlyThisStagesPublishersAndTheOrganisationPutEvents', 'Deny'],
          ['TheOrganisationPutsOnlyForwardedAwsEvents', 'Deny'],
          ['TheOrganisationForwardsAwsEvents', 'Allow'],
        ]);
        expect(statements()[2]).toMatchObject({
          Principal: '*',
          Action: 'events:PutEvents',
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION },
            'ForAllValues:StringEquals': { 'events:source': sources },
            Null: { 'events:source': 'false' },
          },
        });
        expect(statements()[1]?.Condition?.['ForAnyValue:StringNotEquals']).toEqual({ 'events:source': sources });
      });
    });
  });
});
