/**
 * Packages the service (`osls package`, offline, no credentials) and reads the CloudFormation
 * template AWS would get: each rule's pattern is its JSON file, the runtime, one role per
 * function, and each role allows only what its function does.
 *
 * `.ci/run` packages once and hands the folder over in PACKAGED_DIR; run alone, the test
 * packages into a temporary folder itself.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { secretWritesOf } from '../../shared/actions/iam-statements.js';
import { actionDefinitions } from '../../shared/actions/registry.js';
import { FINDING_DETAIL_TYPE, RESULT_DETAIL_TYPE, SERVICE_SOURCE } from '../../shared/contracts/finding.js';
import type { ActionType } from '../../shared/contracts/finding.js';
import { type FunctionName, functionNames } from '../../shared/contracts/functions.js';
import { isServiceRoleName, serviceRoleName } from '../../shared/domain/service-roles.js';
import { FUNCTION_TIMEOUT_SECONDS } from '../../shared/replay/lambda-context.js';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/metrics.js';
import { packagedPolicy } from '../../shared/policy/load-packaged-policy.js';
import { loadPolicy } from '../../shared/policy/load-policy.js';
import { routes, routesFor, schedulesFor, securityHubRoute } from '../../shared/rules/routes.js';
import { repoRoot } from '../helpers/events.js';
import { PACKAGE_TIMEOUT_MS, packageWithPolicy } from '../helpers/packaging.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const SECRETS = { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*' };

let packageDir: string;

/** The stage and region the folder was packaged for, as the framework recorded them. */
const packagedFor = (dir: string): { stage: string; region: string } => {
  const state = JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')) as {
    service: { provider: { stage: string; region: string } };
  };
  return { stage: state.service.provider.stage, region: state.service.provider.region };
};

const packagedTemplate = async (): Promise<{ Resources: Record<string, Resource> }> => {
  let dir = process.env.PACKAGED_DIR;
  if (!dir || !existsSync(join(dir, 'cloudformation-template-update-stack.json'))) {
    dir = mkdtempSync(join(tmpdir(), 'secrets-remediator-package-'));
    const env = process.env;
    await promisify(execFile)(join(repoRoot, 'node_modules', '.bin', 'osls'), ['package', '--stage', 'test', '--package', dir], {
      cwd: repoRoot,
      timeout: PACKAGE_TIMEOUT_MS,
      env,
    });
  }
  packageDir = dir;
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
};

const SLACK_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:secrets-remediator/slack-webhook-AbCdEf';
const ROTATION_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:SecretsManagerRDSPostgreSQLRotationSingleUser';
const ORGANIZATION_ID = 'o-a1b2c3d4e5';
const ORGANIZATIONAL_UNIT = 'ou-ab12-cd34ef56';

/** The template of the service packaged with the shipped policy.yml plus a Slack webhook secret, a mapped rotation function, Security Hub and organisation mode on. */
const packagedWithSlack = async (): Promise<{ Resources: Record<string, Resource> }> =>
  (
    await packageWithPolicy((policy) => {
      policy.setIn(['alerts', 'channels', 'slackWebhookSecretArn'], SLACK_SECRET);
      policy.setIn(['rotation', 'functions', 'default'], ROTATION_FUNCTION);
      policy.setIn(['securityHub', 'enabled'], true);
      // Organisation mode too, so one more packaging covers the member-role grants.
      policy.setIn(['organisation'], {
        enabled: true,
        organizationId: ORGANIZATION_ID,
        members: { organizationalUnits: [ORGANIZATIONAL_UNIT] },
      });
    })
  ).template;

let resources: Record<string, Resource>;
const ofType = (type: string, within = resources) => Object.entries(within).filter(([, r]) => r.Type === type);

/** The logical id of each of our functions, by its name in serverless.yml. */
const functionIds = (within = resources): Record<string, string> =>
  Object.fromEntries(
    functionNames.map((name) => {
      const found = ofType('AWS::Lambda::Function', within).find(([, r]) => String(r.Properties.FunctionName).endsWith(`-${name}`));
      if (!found) throw new Error(`no function ${name} in the template`);
      return [name, found[0]];
    }),
  );

const roleIdOf = (functionId: string, within = resources): string => {
  const role = within[functionId]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
};

const statementsOf = (functionId: string, within = resources): Statement[] => {
  const policies = within[roleIdOf(functionId, within)]?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
};

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();

/** Allowed actions other than writing the function's own logs, each with its resource. */
const grantsOf = (functionId: string) =>
  statementsOf(functionId)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => actionsOf(s).map((action) => ({ action, resource: s.Resource })))
    .filter(({ action }) => !action.startsWith('logs:'));

/** Every Allow of a securityhub: action in the roles, by function. */
const securityHubGrants = (within: Record<string, Resource>) =>
  Object.fromEntries(
    Object.entries(functionIds(within)).map(([name, id]) => [
      name,
      statementsOf(id, within).filter((s) => actionsOf(s).some((a) => a.startsWith('securityhub:'))),
    ]),
  );

describe('Packaged template', () => {
  beforeAll(async () => {
    resources = (await packagedTemplate()).Resources;
  }, PACKAGE_TIMEOUT_MS + 10_000);

  it('has every route as one rule, with the pattern the code routes by, on the right bus, to the right function', () => {
    const ids = functionIds();
    const stage = String((resources[ids.classify ?? '']?.Properties.Environment as { Variables: Record<string, unknown> }).Variables.STAGE);
    const deployedRoutes = routesFor(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage }));
    const rules = ofType('AWS::Events::Rule')
      .filter(([, r]) => r.Properties.EventPattern !== undefined)
      .map(([, r]) => ({
        pattern: r.Properties.EventPattern,
        bus: r.Properties.EventBusName,
        target: (r.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[])[0]?.Arn['Fn::GetAtt'][0] ?? '',
      }));

    expect(rules).toHaveLength(deployedRoutes.length);
    for (const route of deployedRoutes) {
      const matching = rules.filter((rule) => JSON.stringify(rule.pattern) === JSON.stringify(route.pattern));
      expect(matching, route.name).toHaveLength(1);
      expect(matching[0]?.target, route.name).toBe(ids[route.target]);
      expect(matching[0]?.bus, route.name).toEqual(route.bus === 'default' ? undefined : { 'Fn::GetAtt': ['ProjectBus', 'Name'] });
    }
  });

  it('runs each scheduled function on its schedule, from the default bus', () => {
    const ids = functionIds();
    const scheduled = ofType('AWS::Events::Rule')
      .filter(([, r]) => r.Properties.ScheduleExpression !== undefined)
      .map(([, r]) => ({
        expression: r.Properties.ScheduleExpression,
        bus: r.Properties.EventBusName,
        target: (r.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[])[0]?.Arn['Fn::GetAtt'][0],
      }));

    const stage = String((resources[ids.classify ?? '']?.Properties.Environment as { Variables: Record<string, unknown> }).Variables.STAGE);
    const schedules = schedulesFor(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage }));
    expect(schedules.map((s) => s.target)).toEqual(['alert-digest', 'sweep']);
    for (const schedule of schedules) {
      expect(scheduled, schedule.target).toContainEqual({ expression: schedule.expression, bus: undefined, target: ids[schedule.target] });
    }
  });

  it('runs every function on nodejs24.x, arm64, with the policy file and its stage', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POLICY_FILE: 'policy.json',
        STAGE: expect.any(String),
      });
    }
  });

  it('ships policy.yml validated and resolved for the stage (policy.json) at the root of every function package, and no YAML parser', () => {
    const { stage } = packagedFor(packageDir);
    for (const name of functionNames) {
      const zip = join(packageDir, `${name}.zip`);
      const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n');
      const shipped = JSON.parse(execFileSync('unzip', ['-p', zip, 'policy.json'], { encoding: 'utf8' })) as unknown;

      expect(shipped, name).toEqual(packagedPolicy(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage }), stage));
      // handler.mjs and its chunks (the bundles are split).
      for (const code of listing.filter((file) => file.endsWith('.mjs'))) {
        expect(execFileSync('unzip', ['-p', zip, code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }), code).not.toContain(
          'YAMLParseError',
        );
      }
      expect(listing, name).toContain(`functions/${name}/handler.mjs`);
    }
  });

  it('packages each function with its own code only: its handler and every chunk the handler loads, none of another function', () => {
    // esbuild splits each bundle into chunks (esbuild.options.json `splitting`); they are named
    // handler.<chunk>.mjs so that serverless-esbuild packages them with their own handler alone.
    const chunkReference = /["']\.\/(handler\.[\w.-]+\.mjs)["']/g;
    for (const name of functionNames) {
      const zip = join(packageDir, `${name}.zip`);
      const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const code = listing.filter((file) => file.endsWith('.mjs'));
      const referenced = code.flatMap((file) =>
        [...execFileSync('unzip', ['-p', zip, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).matchAll(chunkReference)].map(
          ([, chunk]) => `functions/${name}/${chunk}`,
        ),
      );

      expect(
        listing.filter((file) => file !== 'policy.json' && !file.startsWith(`functions/${name}/`)),
        name,
      ).toEqual([]);
      expect(code.length, name).toBeGreaterThan(1);
      expect(
        referenced.filter((chunk) => !listing.includes(chunk)),
        name,
      ).toEqual([]);
    }
  });

  it('declares the read-calls rule in the state that lets read-only calls through', () => {
    const route = routes.find((r) => r.state);
    const rule = ofType('AWS::Events::Rule').find(([, r]) => JSON.stringify(r.Properties.EventPattern) === JSON.stringify(route?.pattern));

    expect(route?.name).toBe('secretsmanager-read-calls');
    expect(rule?.[1].Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(
      ofType('AWS::Lambda::Permission').some(
        ([, p]) => JSON.stringify(p.Properties.SourceArn) === JSON.stringify({ 'Fn::GetAtt': [rule?.[0], 'Arn'] }),
      ),
    ).toBe(true);
  });

  it('has, with Security Hub off as the shipped policy leaves it, no Security Hub rule and no securityhub: grant in any role', () => {
    expect(
      ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.EventPattern ?? {}).includes('aws.securityhub')),
    ).toEqual([]);
    expect(securityHubGrants(resources)).toEqual(Object.fromEntries(functionNames.map((name) => [name, []])));
  });

  it('gives each function a role of its own, and has no other role', () => {
    const roleIds = Object.values(functionIds()).map((id) => roleIdOf(id));

    expect(new Set(roleIds).size).toBe(functionNames.length);
    expect(
      ofType('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual([...roleIds].sort());
  });

  it('lets classify only describe secrets, count refused calls in the ledger and put events on the project bus (and fail to the queue)', () => {
    expect(grantsOf(functionIds().classify ?? '')).toEqual([
      { action: 'secretsmanager:DescribeSecret', resource: SECRETS },
      { action: 'events:PutEvents', resource: { 'Fn::GetAtt': ['ProjectBus', 'Arn'] } },
      // access-denied-burst: claim each refused call once, count it, release the claim if counting fails.
      ...['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].map((action) => ({
        action,
        resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
      })),
      { action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    ]);
  });

  it('lets the sweep only read secrets, put findings on the project bus, publish its summary and claim its invocations (and fail to the queue)', () => {
    const grants = grantsOf(functionIds().sweep ?? '');
    expect(grants.filter((g) => g.action.startsWith('secretsmanager:'))).toEqual([
      // ListSecrets takes no resource-level permission.
      { action: 'secretsmanager:ListSecrets', resource: '*' },
      { action: 'secretsmanager:DescribeSecret', resource: SECRETS },
      { action: 'secretsmanager:ListSecretVersionIds', resource: SECRETS },
      { action: 'secretsmanager:GetResourcePolicy', resource: SECRETS },
    ]);
    expect(grants.filter((g) => !g.action.startsWith('secretsmanager:')).map((g) => g.action)).toEqual([
      'events:PutEvents',
      'sns:Publish',
      'kms:GenerateDataKey',
      'kms:Decrypt',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'sqs:SendMessage',
    ]);
  });

  it('denies the sweep Organizations, every role to assume and the census’s secret counts while organisation mode is off (the shipped policy)', () => {
    const statements = statementsOf(functionIds().sweep ?? '');

    expect(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage: packagedFor(packageDir).stage }).organisation.enabled).toBe(false);
    expect(
      statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('organizations:') || a.startsWith('sts:') || a.startsWith('cloudwatch:')),
      ),
    ).toEqual([
      {
        Sid: 'NoOrganisationListing',
        Effect: 'Deny',
        Action: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
        Resource: '*',
      },
      { Sid: 'NoMemberRoles', Effect: 'Deny', Action: ['sts:AssumeRole'], Resource: '*' },
      { Sid: 'NoSecretCounts', Effect: 'Deny', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
    ]);
  });

  it.each(Object.values(actionDefinitions).map((a) => [a.type, a] as const))(
    'lets the %s function make only its own writes, use the ledger and report',
    (type, action) => {
      const grants = grantsOf(functionIds()[type] ?? '');

      // lambda:InvokeFunction is granted only on the functions the policy maps (none in the shipped policy: see below).
      const needed = [
        'secretsmanager:DescribeSecret',
        ...action.permissions,
        ...(action.configRule ? ['config:StartConfigRulesEvaluation'] : []),
      ];
      expect(
        grants
          .filter((g) => /^(secretsmanager|lambda|config|cloudtrail):/.test(g.action))
          .map((g) => g.action)
          .sort(),
      ).toEqual(needed.filter((a) => a !== 'lambda:InvokeFunction').sort());
      expect(grants.filter((g) => g.action.startsWith('dynamodb:'))).toEqual(
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].map((a) => ({
          action: a,
          resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
        })),
      );
      expect(grants.map((g) => g.action)).toEqual(expect.arrayContaining(['events:PutEvents', 'sqs:SendMessage']));
      expect(
        grants.filter((g) => g.action.startsWith('secretsmanager:')).every((g) => JSON.stringify(g.resource) === JSON.stringify(SECRETS)),
      ).toBe(true);
    },
  );

  it('lets enable-rotation invoke no Lambda function while the policy maps none, and says so', () => {
    const statements = statementsOf(functionIds()['enable-rotation'] ?? '');

    expect(statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))).toEqual([
      { Sid: 'NoRotationFunctionMapped', Effect: 'Deny', Action: ['lambda:InvokeFunction'], Resource: '*' },
    ]);
  });

  it('lets alert only publish to the alert topic, with its key, remember what it sent and hold alerts for a digest', () => {
    expect(grantsOf(functionIds().alert ?? '')).toEqual([
      { action: 'sns:Publish', resource: { Ref: 'AlertTopic' } },
      { action: 'kms:GenerateDataKey', resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] } },
      { action: 'kms:Decrypt', resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] } },
      { action: 'dynamodb:PutItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:UpdateItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:DeleteItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:GetItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:PutItem', resource: { 'Fn::GetAtt': ['DigestTable', 'Arn'] } },
      { action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    ]);
  });

  it('lets alert-digest only publish to the alert topic, with its key, remember what it sent and read back held alerts', () => {
    expect(grantsOf(functionIds()['alert-digest'] ?? '')).toEqual([
      { action: 'sns:Publish', resource: { Ref: 'AlertTopic' } },
      { action: 'kms:GenerateDataKey', resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] } },
      { action: 'kms:Decrypt', resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] } },
      { action: 'dynamodb:PutItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:UpdateItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:DeleteItem', resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] } },
      { action: 'dynamodb:Query', resource: { 'Fn::GetAtt': ['DigestTable', 'Arn'] } },
      { action: 'dynamodb:DeleteItem', resource: { 'Fn::GetAtt': ['DigestTable', 'Arn'] } },
      { action: 'sqs:SendMessage', resource: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    ]);
  });

  it('keeps held alerts in a table keyed by window and finding, whose items expire', () => {
    const table = resources.DigestTable?.Properties;

    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table?.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('tells the operations topic in every 5-minute period dead letters arrive in, with a key policy that lets CloudWatch publish', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const keyStatements = (
      resources.AlertKey?.Properties.KeyPolicy as { Statement: (Statement & { Principal: { Service?: string | string[] } })[] }
    ).Statement;

    // Messages sent, not waiting: a waiting count would hold the alarm in ALARM, silent, while they wait.
    for (const queue of ['DeadLetterQueue', 'RuleDeadLetterQueue']) {
      expect(alarms, queue).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'NumberOfMessagesSent',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'OperationsTopic' }],
        }),
      );
    }
    expect(
      keyStatements.some(
        (s) =>
          s.Effect === 'Allow' &&
          [s.Principal.Service].flat().includes('cloudwatch.amazonaws.com') &&
          ['kms:Decrypt', 'kms:GenerateDataKey*'].every((a) => actionsOf(s).includes(a)),
      ),
    ).toBe(true);
  });

  it('allows no role to read a secret value while the policy names no Slack webhook secret, and no wildcard action', () => {
    const actions = Object.values(functionIds()).flatMap((id) => statementsOf(id).flatMap(actionsOf));

    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => /getsecretvalue/i.test(a))).toEqual([]);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('encrypts the alert topic with the customer managed key', () => {
    const [[, topic] = []] = ofType('AWS::SNS::Topic');

    expect(topic?.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlertKey' });
    expect(resources.AlertKey?.Properties.EnableKeyRotation).toBe(true);
  });

  it('retries each function twice (alert-digest not at all: its next scheduled run retries) and then keeps the failed event in the dead-letter queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, r]) => r.Properties);
    const ids = functionIds();

    expect(configs.map((c) => (c.FunctionName as { Ref: string }).Ref).sort()).toEqual(Object.values(ids).sort());
    for (const config of configs) {
      const name = (config.FunctionName as { Ref: string }).Ref;
      expect(config.MaximumRetryAttempts, name).toBe(name === ids['alert-digest'] ? 0 : 2);
      expect(config.DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } } });
    }
  });

  it("names each function's role for its stage and region, the names the service recognises as its own", () => {
    const { stage, region } = packagedFor(packageDir);

    for (const [name, id] of Object.entries(functionIds())) {
      const roleName = resources[roleIdOf(id)]?.Properties.RoleName;
      expect(roleName, name).toBe(serviceRoleName(name as FunctionName, stage, region));
      expect(isServiceRoleName(String(roleName), region), name).toBe(true);
    }
  });

  it('lets restore-secret read CloudTrail\'s event history (who deleted a secret still read), on "*" as LookupEvents allows no resource', () => {
    const lookups = statementsOf(functionIds()['restore-secret'] ?? '').filter((s) => actionsOf(s).includes('cloudtrail:LookupEvents'));

    expect(lookups).toEqual([{ Effect: 'Allow', Action: ['cloudtrail:LookupEvents'], Resource: '*' }]);
    // No other function may read it: the classifier and the alerts judge from the event alone.
    const others = Object.entries(functionIds()).filter(([name]) => name !== 'restore-secret');
    expect(others.filter(([, id]) => grantsOf(id).some((g) => g.action.startsWith('cloudtrail:'))).map(([name]) => name)).toEqual([]);
  });

  it('lets clear-stale-pending move only the AWSPENDING label', () => {
    const moves = statementsOf(functionIds()['clear-stale-pending'] ?? '').filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).includes('secretsmanager:UpdateSecretVersionStage'),
    );

    expect(moves).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:UpdateSecretVersionStage'],
        Resource: SECRETS,
        Condition: { StringEquals: { 'secretsmanager:VersionStage': 'AWSPENDING' } },
      },
    ]);
  });

  it('lets remove-public-statements put a resource policy only with BlockPublicPolicy', () => {
    const puts = statementsOf(functionIds()['remove-public-statements'] ?? '').filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).includes('secretsmanager:PutResourcePolicy'),
    );

    expect(puts).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:PutResourcePolicy'],
        Resource: SECRETS,
        Condition: { Bool: { 'secretsmanager:BlockPublicPolicy': 'true' } },
      },
    ]);
  });

  it('lets enable-rotation turn on rotation only without a rotation function while the policy maps none', () => {
    const rotates = statementsOf(functionIds()['enable-rotation'] ?? '').filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).includes('secretsmanager:RotateSecret'),
    );

    expect(rotates).toEqual([
      {
        Sid: 'RotateWithoutRotationFunction',
        Effect: 'Allow',
        Action: ['secretsmanager:RotateSecret'],
        Resource: SECRETS,
        Condition: { Null: { 'secretsmanager:RotationLambdaARN': 'true' } },
      },
    ]);
  });

  it.each(Object.keys(actionDefinitions))('denies %s every write it has on a secret that carries the exemption tag', (type) => {
    const { stage } = packagedFor(packageDir);
    const { exemptionTag } = loadPolicy({ file: join(repoRoot, 'policy.yml'), stage });
    const statements = statementsOf(functionIds()[type] ?? '');
    const allowedWrites = statements
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('secretsmanager:') && !/^secretsmanager:(Describe|Get|List)/.test(a));

    expect(allowedWrites.length).toBeGreaterThan(0);
    expect(statements.filter((s) => s.Effect === 'Deny' && s.Sid === 'NoWriteOnExemptSecrets')).toEqual([
      {
        Sid: 'NoWriteOnExemptSecrets',
        Effect: 'Deny',
        Action: secretWritesOf(type as ActionType),
        Resource: SECRETS,
        Condition: { Null: { [`aws:ResourceTag/${exemptionTag}`]: 'false' } },
      },
    ]);
    expect([...secretWritesOf(type as ActionType)].sort()).toEqual([...new Set(allowedWrites)].sort());
  });

  it('lets each function put on the project bus only the events it publishes, and the alert functions none', () => {
    const published: Record<string, string[]> = {
      classify: [FINDING_DETAIL_TYPE],
      ...Object.fromEntries(Object.keys(actionDefinitions).map((type) => [type, [RESULT_DETAIL_TYPE]])),
      // The continuation's detail type, as the sweep's own rule matches it.
      sweep: [FINDING_DETAIL_TYPE, ...(routes.find((r) => r.name === 'sweep-continuations')?.pattern['detail-type'] as string[])],
    };
    const puts = Object.fromEntries(
      Object.entries(functionIds()).map(([name, id]) => [name, statementsOf(id).filter((s) => actionsOf(s).includes('events:PutEvents'))]),
    );

    expect(
      Object.keys(puts)
        .filter((name) => puts[name]?.length === 0)
        .sort(),
    ).toEqual(['alert', 'alert-digest']);
    for (const [name, detailTypes] of Object.entries(published)) {
      expect(puts[name], name).toEqual([
        {
          Effect: 'Allow',
          Action: ['events:PutEvents'],
          Resource: { 'Fn::GetAtt': ['ProjectBus', 'Arn'] },
          Condition: {
            'ForAllValues:StringEquals': { 'events:source': [SERVICE_SOURCE], 'events:detail-type': detailTypes },
            Null: { 'events:source': 'false', 'events:detail-type': 'false' },
          },
        },
      ]);
    }
  });

  it('closes the project bus: denies events:PutEvents to every principal, in any account, but the roles of the functions granted it, and allows nothing itself', () => {
    const bus = resources.ProjectBus?.Properties as {
      Name: string;
      Policy?: { Version: string; Statement: (Statement & { Principal: unknown })[] };
    };
    const roleArn = (functionId: string): unknown => {
      const role = resources[roleIdOf(functionId)]?.Properties as { RoleName: string; Path?: string };
      return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${role.Path ?? '/'}${role.RoleName}` };
    };
    // The roles whose identity policy lets them put events on the bus: the bus must let exactly these through.
    const publishers = Object.values(functionIds()).filter((id) =>
      statementsOf(id).some((s) => s.Effect === 'Allow' && actionsOf(s).includes('events:PutEvents')),
    );

    expect(publishers).toHaveLength(6);
    expect(bus.Policy?.Version).toBe('2012-10-17');
    expect(bus.Policy?.Statement.filter((s) => s.Effect === 'Allow')).toEqual([]);
    expect(bus.Policy?.Statement).toEqual([
      {
        Sid: 'OnlyThisStagesPublishersPutEvents',
        Effect: 'Deny',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${bus.Name}` },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': publishers.map(roleArn) } },
      },
    ]);
  });

  it('guards only its own account while the policy leaves organisation off: no StackSet, no member template, no role that assumes another', () => {
    const statements = Object.values(functionIds()).flatMap((id) => statementsOf(id));

    expect(loadPolicy({ file: join(repoRoot, 'policy.yml'), stage: packagedFor(packageDir).stage }).organisation.enabled).toBe(false);
    expect(ofType('AWS::CloudFormation::StackSet')).toEqual([]);
    expect(existsSync(join(packageDir, 'member-template.json'))).toBe(false);
    expect(statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('sts:')))).toEqual([]);
  });

  it('lets each function write only the ledger keys it uses (dynamodb:LeadingKeys)', () => {
    // The ledger adapter stores claim#<key>, writes#<scope>#<end> and count#<scope>#<end>; the keys:
    // classify: denied-call#<event> and reported#<finding> claims, denied#<principal>#<window> and incident#<finding> counters
    // (shared/domain/denied-calls.ts); each action: <finding id>#<action> claims and secret#<arn> write
    // counts (shared/domain/remediate.ts); alert: alert#<finding>#<digest> claims, storm#<window> counters, incident#<finding> read;
    // alert-digest: digest#<window> claims; sweep: sweep#<run>#<invocation> and sweep-start#<run> claims,
    // and in organisation mode sweep-org#<run>... claims and the sweep-org#<run> count of finished shards.
    const expected: Record<string, string[]> = {
      classify: ['claim#denied-call#*', 'count#denied#*', 'claim#reported#*', 'count#incident#*'],
      ...Object.fromEntries(Object.keys(actionDefinitions).map((type) => [type, [`claim#*#${type}`, 'writes#secret#*']])),
      alert: ['claim#alert#*', 'count#storm#*'],
      'alert-digest': ['claim#digest#*'],
      sweep: ['claim#sweep#*', 'claim#sweep-start#*', 'claim#sweep-org#*', 'count#sweep-org#*'],
    };
    const ledgerGrants = Object.fromEntries(
      Object.entries(functionIds()).map(([name, id]) => [
        name,
        statementsOf(id).filter((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': ['LedgerTable', 'Arn'] })),
      ]),
    );

    for (const name of functionNames) {
      expect(ledgerGrants[name], name).toEqual([
        {
          Effect: 'Allow',
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': expected[name] } },
        },
        // alert reads, never writes, the incident counters classify keeps ("and N more" in the one alert).
        ...(name === 'alert'
          ? [
              {
                Effect: 'Allow',
                Action: ['dynamodb:GetItem'],
                Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
                Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['count#incident#*'] } },
              },
            ]
          : []),
      ]);
    }
  });

  it('gives local invocations the time left each deployed function has: its timeout', () => {
    for (const [name, seconds] of Object.entries(FUNCTION_TIMEOUT_SECONDS)) {
      expect(Number(resources[functionIds()[name] ?? '']?.Properties.Timeout), name).toBe(seconds);
    }
  });
});

/** Nothing fails silently, everything is encrypted with the service key, kept as long as needed. */
describe('Packaged template: operations', () => {
  beforeAll(async () => {
    resources ??= (await packagedTemplate()).Resources;
  }, PACKAGE_TIMEOUT_MS + 10_000);

  const shippedPolicy = () => loadPolicy({ file: join(repoRoot, 'policy.yml'), stage: packagedFor(packageDir).stage });
  const alarms = () =>
    ofType('AWS::CloudWatch::Alarm').map(
      ([, r]) => r.Properties as Record<string, unknown> & { Dimensions: { Name: string; Value: unknown }[] },
    );
  const KEY = { Ref: 'AlertKey' };
  const KEY_ARN = { 'Fn::GetAtt': ['AlertKey', 'Arn'] };

  it("retries every rule target for at most an hour and 24 attempts, then keeps the event in the rules' dead-letter queue", () => {
    const targets = ofType('AWS::Events::Rule').flatMap(([id, r]) =>
      (r.Properties.Targets as Record<string, unknown>[]).map((t) => [id, t] as const),
    );

    expect(targets).toHaveLength(13);
    for (const [id, target] of targets) {
      expect(target.RetryPolicy, id).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 24 });
      expect(target.DeadLetterConfig, id).toEqual({ Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } });
    }
  });

  it("lets EventBridge send to the rules' dead-letter queue only from the service's own rules (aws:SourceArn)", () => {
    const policies = ofType('AWS::SQS::QueuePolicy').map(
      ([, r]) => r.Properties as { Queues: unknown[]; PolicyDocument: { Statement: (Statement & { Principal: unknown })[] } },
    );
    const ruleArns = ofType('AWS::Events::Rule').map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));

    expect(policies).toHaveLength(1);
    expect(policies[0]?.Queues).toEqual([{ Ref: 'RuleDeadLetterQueue' }]);
    expect(policies[0]?.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
      }),
    ]);
  });

  it('alarms on Errors and Throttles of every function, FailedInvocations of every rule, the oldest dead letter of each queue and failed notifications of each topic', () => {
    const all = alarms();
    const on = (namespace: string, metric: string) => all.filter((a) => a.Namespace === namespace && a.MetricName === metric);
    const functionRefs = Object.values(functionIds()).map((id) => ({ Ref: id }));
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);

    for (const metric of ['Errors', 'Throttles']) {
      expect(
        on('AWS/Lambda', metric).map((a) => a.Dimensions),
        metric,
      ).toEqual(expect.arrayContaining(functionRefs.map((ref) => [{ Name: 'FunctionName', Value: ref }])));
      expect(on('AWS/Lambda', metric), metric).toHaveLength(functionRefs.length);
    }
    // A rule on the project bus reports under EventBusName and RuleName; one on the default bus under RuleName alone.
    expect(on('AWS/Events', 'FailedInvocations').map((a) => a.Dimensions)).toEqual(
      rules.map((r) => [...(r.EventBusName ? [{ Name: 'EventBusName', Value: r.EventBusName }] : []), { Name: 'RuleName', Value: r.Name }]),
    );
    expect(on('AWS/SQS', 'ApproximateAgeOfOldestMessage').map((a) => [a.Dimensions[0]?.Value, a.Statistic])).toEqual([
      [{ 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] }, 'Maximum'],
      [{ 'Fn::GetAtt': ['RuleDeadLetterQueue', 'QueueName'] }, 'Maximum'],
    ]);
    expect(on('AWS/SNS', 'NumberOfNotificationsFailed').map((a) => a.Dimensions[0]?.Value)).toEqual([
      { 'Fn::GetAtt': ['AlertTopic', 'TopicName'] },
      { 'Fn::GetAtt': ['OperationsTopic', 'TopicName'] },
    ]);
  });

  it('alarms when no sweep completed within the heartbeat (26 hours by default), counting missing data as breaching', () => {
    const heartbeat = alarms().filter((a) => a.MetricName === 'SweepsCompleted');
    const hours = shippedPolicy().operations.sweepHeartbeatHours;

    expect(hours).toBe(26);
    expect(heartbeat).toEqual([
      expect.objectContaining({
        Namespace: METRICS_NAMESPACE,
        Dimensions: [{ Name: 'service', Value: METRICS_SERVICE }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: hours,
        DatapointsToAlarm: hours,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      }),
    ]);
  });

  it('sends every alarm to the operations topic, and not to the alert topic while the policy says not to', () => {
    expect(shippedPolicy().operations.alarmsToAlertTopic).toBe(false);
    for (const alarm of alarms()) expect(alarm.AlarmActions, String(alarm.AlarmName)).toEqual([{ Ref: 'OperationsTopic' }]);
    expect(resources.OperationsTopic?.Properties.KmsMasterKeyId).toEqual(KEY);
  });

  it('encrypts every topic, queue, table and log group with the one service key, which rotates', () => {
    expect(ofType('AWS::KMS::Key').map(([id]) => id)).toEqual(['AlertKey']);
    expect(resources.AlertKey?.Properties.EnableKeyRotation).toBe(true);
    for (const [id, topic] of ofType('AWS::SNS::Topic')) expect(topic.Properties.KmsMasterKeyId, id).toEqual(KEY);
    for (const [id, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.KmsMasterKeyId, id).toEqual(KEY);
      expect(queue.Properties.SqsManagedSseEnabled, id).toBeUndefined();
    }
    for (const [id, table] of ofType('AWS::DynamoDB::Table'))
      expect(table.Properties.SSESpecification, id).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY });
    const logGroups = ofType('AWS::Logs::LogGroup');
    expect(logGroups).toHaveLength(functionNames.length);
    for (const [id, group] of logGroups) expect(group.Properties.KmsKeyId, id).toEqual(KEY_ARN);
  });

  it("names in the key policy the service's roles and the services that use the key, CloudWatch Logs only for the service's log groups", () => {
    const { stage, region } = packagedFor(packageDir);
    const statements = (resources.AlertKey?.Properties.KeyPolicy as { Statement: (Statement & { Principal: { Service?: unknown } })[] })
      .Statement;
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);

    expect(bySid('ServiceRolesUseTheKeyThroughItsServices')?.Condition?.ArnEquals?.['aws:PrincipalArn']).toEqual(
      functionNames.map((fn) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${serviceRoleName(fn, stage, region)}`,
      })),
    );
    expect(bySid('ServiceRolesUseTheKeyThroughItsServices')?.Condition?.StringEquals?.['kms:ViaService']).toEqual(
      ['dynamodb', 'sns', 'sqs'].map((service) => ({ 'Fn::Sub': `${service}.\${AWS::Region}.amazonaws.com` })),
    );
    expect(bySid('AwsServicesUseTheKey')?.Principal.Service).toEqual([
      'cloudwatch.amazonaws.com',
      'events.amazonaws.com',
      'sns.amazonaws.com',
    ]);
    const logs = bySid('CloudWatchLogsUsesTheKeyForTheLogGroups');
    expect(logs?.Principal.Service).toEqual({ 'Fn::Sub': 'logs.${AWS::Region}.amazonaws.com' });
    expect(logs?.Condition?.ArnLike).toEqual({
      'kms:EncryptionContext:aws:logs:arn': {
        'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/secrets-remediator-${stage}-*`,
      },
    });
  });

  it("keeps both tables recoverable to any point in time and protected from deletion, and logs for the policy's retention (365 days by default)", () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.map(([id]) => id).sort()).toEqual(['DigestTable', 'LedgerTable']);
    for (const [id, table] of tables) {
      expect(table.Properties.PointInTimeRecoverySpecification, id).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.DeletionProtectionEnabled, id).toBe(true);
    }
    expect(shippedPolicy().operations.logRetentionDays).toBe(365);
    for (const [id, group] of ofType('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays, id).toBe(365);
  });

  it('reserves concurrency for every function: classify cannot take the pool, the actions stay under 50 writes a second', () => {
    const reserved = Object.fromEntries(
      Object.entries(functionIds()).map(([name, id]) => [name, resources[id]?.Properties.ReservedConcurrentExecutions as number]),
    );
    // An action invocation makes at most one write and takes a few hundred ms: at most ~5 writes a second per run.
    const WRITES_PER_SECOND_PER_RUN = 5;

    for (const name of functionNames) expect(reserved[name], name).toBeGreaterThan(0);
    // The account's default pool is 1,000, of which Lambda keeps 100 unreserved.
    expect(reserved.classify).toBeLessThanOrEqual(100);
    const actionRuns = Object.keys(actionDefinitions).reduce((sum, type) => sum + (reserved[type] ?? 0), 0);
    expect(actionRuns * WRITES_PER_SECOND_PER_RUN).toBeLessThanOrEqual(50);
    // The sweep: one run at a time with organisation mode off (the shipped policy); its shards' concurrency with it on.
    expect(shippedPolicy().organisation.enabled).toBe(false);
    expect([reserved.sweep, reserved['alert-digest']]).toEqual([1, 1]);
  });

  it('has one dashboard with the service metrics and every alarm', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);

    expect(dashboards).toHaveLength(1);
    for (const metric of [
      'Findings',
      'Actions',
      'Alerts',
      'Digests',
      'RefusedWrites',
      'SweepSecrets',
      'SweepFindings',
      'SweepCalls',
      'SweepDuration',
      'SweepsCompleted',
    ]) {
      expect(body, metric).toContain(metric);
    }
    for (const alarm of alarms()) expect(body, String(alarm.AlarmName)).toContain(`:alarm:${String(alarm.AlarmName)}`);
  });
});

describe('Packaged template with a Slack webhook secret, a rotation function, Security Hub and organisation mode in the policy', () => {
  let slack: Record<string, Resource>;

  beforeAll(async () => {
    slack = (await packagedWithSlack()).Resources;
  }, PACKAGE_TIMEOUT_MS + 10_000);

  it('lets the alert functions, and no other, read exactly that secret', () => {
    const readers = Object.fromEntries(
      Object.entries(functionIds(slack)).map(([name, id]) => [
        name,
        statementsOf(id, slack).filter((s) => actionsOf(s).some((a) => /getsecretvalue/i.test(a))),
      ]),
    );
    // The framework writes a statement's one action as a list of one, as for every statement of serverless.yml.
    const grant = { Sid: 'ReadSlackWebhookSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: SLACK_SECRET };

    expect(readers).toEqual(
      Object.fromEntries(functionNames.map((name) => [name, name === 'alert' || name === 'alert-digest' ? [grant] : []])),
    );
  });

  it("lets the alert function, and no other, import findings into its own account's Security Hub, for that account only", () => {
    const grant = {
      Sid: 'ImportFindingsIntoOwnSecurityHub',
      Effect: 'Allow',
      Action: ['securityhub:BatchImportFindings'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default' },
      Condition: { StringEquals: { 'securityhub:TargetAccount': { Ref: 'AWS::AccountId' } } },
    };
    expect(securityHubGrants(slack)).toEqual(Object.fromEntries(functionNames.map((name) => [name, name === 'alert' ? [grant] : []])));
  });

  it("sends Security Hub's control findings to classify through the pattern the code routes by, delivered like every rule", () => {
    const ids = functionIds(slack);
    // On the default bus (organisation mode also takes the members' forwarded findings from the project bus).
    const rules = ofType('AWS::Events::Rule', slack).filter(
      ([, r]) =>
        r.Properties.EventBusName === undefined && JSON.stringify(r.Properties.EventPattern) === JSON.stringify(securityHubRoute.pattern),
    );
    expect(rules).toHaveLength(1);
    const [id, rule] = rules[0] ?? ['', { Type: '', Properties: {} }];
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [ids.classify, 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 24 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } },
      }),
    ]);
    expect(
      ofType('AWS::Lambda::Permission', slack).some(
        ([, p]) => JSON.stringify(p.Properties.SourceArn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
      ),
    ).toBe(true);
  });

  it('lets each action assume only its own member role, classify, alert (Security Hub) and the sweep only the read role, in the organization only, and the rest none', () => {
    const inOrganization = { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION_ID } };
    const ownRole = (code: string) => ({
      Sid: 'AssumeMemberRole',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/secrets-remediator-member-test-${code}-*` },
      Condition: inOrganization,
    });
    const expected: Record<string, unknown[]> = {
      classify: [ownRole('read')],
      'clear-stale-pending': [ownRole('csp')],
      'enable-rotation': [ownRole('rot')],
      'restore-secret': [ownRole('rst')],
      'remove-public-statements': [ownRole('rps')],
      alert: [
        {
          Sid: 'AssumeMemberReadRolesForSecurityHub',
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-test-read-*' },
          Condition: inOrganization,
        },
      ],
      'alert-digest': [],
      sweep: [
        {
          Sid: 'AssumeMemberReadRoles',
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/secrets-remediator-member-test-read-use1' }],
          Condition: inOrganization,
        },
      ],
    };
    const assumers = Object.fromEntries(
      Object.entries(functionIds(slack)).map(([name, id]) => [
        name,
        statementsOf(id, slack).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('sts:'))),
      ]),
    );
    expect(assumers).toEqual(Object.fromEntries(functionNames.map((name) => [name, expected[name] ?? []])));
  });

  it('lets the functions that decide on OUs read where an account sits, the sweep list the accounts in scope, and nothing else of the organization', () => {
    const organizationsGrants = Object.fromEntries(
      Object.entries(functionIds(slack)).map(([name, id]) => [
        name,
        statementsOf(id, slack).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('organizations:'))),
      ]),
    );
    const whereAnAccountSits = [
      { Sid: 'ReadAccountPlaceInOrganization', Effect: 'Allow', Action: ['organizations:ListParents'], Resource: '*' },
    ];
    const expected: Record<string, unknown[]> = {
      classify: whereAnAccountSits,
      'clear-stale-pending': whereAnAccountSits,
      'enable-rotation': whereAnAccountSits,
      'remove-public-statements': whereAnAccountSits,
      'restore-secret': whereAnAccountSits,
      sweep: [
        {
          Sid: 'ListOrganisationAccounts',
          Effect: 'Allow',
          Action: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
          Resource: '*',
        },
      ],
    };
    expect(organizationsGrants).toEqual(Object.fromEntries(functionNames.map((name) => [name, expected[name] ?? []])));
  });

  it('lets only the sweep read metric data (the census’s secret counts: GetMetricData has no resource level), and no function any other CloudWatch call', () => {
    const cloudWatchGrants = Object.fromEntries(
      Object.entries(functionIds(slack)).map(([name, id]) => [
        name,
        statementsOf(id, slack).filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('cloudwatch:'))),
      ]),
    );
    const expected: Record<string, unknown[]> = {
      sweep: [{ Sid: 'ReadSecretCounts', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' }],
    };
    expect(cloudWatchGrants).toEqual(Object.fromEntries(functionNames.map((name) => [name, expected[name] ?? []])));
  });

  it('lets enable-rotation name only the rotation function the policy maps (or none), and invoke only that one', () => {
    const statements = statementsOf(functionIds(slack)['enable-rotation'] ?? '', slack);

    expect(
      statements.filter(
        (s) => actionsOf(s).some((a) => a === 'secretsmanager:RotateSecret' || a === 'lambda:InvokeFunction') && s.Effect === 'Allow',
      ),
    ).toEqual([
      {
        Sid: 'RotateWithMappedRotationFunctions',
        Effect: 'Allow',
        Action: ['secretsmanager:RotateSecret'],
        Resource: SECRETS,
        Condition: { ArnEqualsIfExists: { 'secretsmanager:RotationLambdaARN': [ROTATION_FUNCTION] } },
      },
      // The framework writes a list of one as the one value.
      { Sid: 'MappedRotationFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ROTATION_FUNCTION },
    ]);
  });
});
