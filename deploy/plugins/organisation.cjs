// @ts-check
'use strict';
/**
 * Organisation mode (policy `organisation.enabled`): this stack becomes the hub that guards every
 * account and region in scope, through a member stack a StackSet puts in each of them. With the
 * policy's organisation off it changes nothing, and writes no member template.
 *
 * On: it writes `member-template.json` next to the packaged template and adds to the hub:
 * - `MemberStackSet`, deploying that template (service-managed, auto-deployment on) to the
 *   policy's units or accounts and regions;
 * - rules on the project bus sending the members' forwarded events to classify, with the same
 *   patterns as classify's own rules (deploy/plugins/operations.cjs, listed after this plugin,
 *   gives them their alarms and dead-letter permission like every rule);
 * - the project bus's policy admitting those forwarded events and the members' forward-queue
 *   alarms, and nothing else, from the organisation;
 * - a rule on the project bus turning a member's forward-queue alarm into a notification on the
 *   operations topic (never an action), through an execution role only that rule may use
 *   (notifyForwardQueueAlarms);
 *
 * The member template holds, per account and region:
 * - rules on the default bus forwarding the events classify takes (the patterns come from
 *   shared/rules through shared/cli/organisation-deployment.ts: the functions serverless.yml's
 *   own rules use), with an execution role that may put events on the hub bus and nowhere else,
 *   retried as every rule of the hub is (custom.ruleRetryPolicy), then kept in a dead-letter
 *   queue of the member stack that only those rules may send to (deploy/rule-delivery.cjs);
 * - the two alarms on that queue the hub has on its own dead-letter queues (deploy/dead-letter-alarms.cjs),
 *   and a rule forwarding their going into ALARM to the hub's bus like the other forwards;
 * - one role per action, which only that action's hub role may assume (its exact ARN, within
 *   the organisation), holding the hub role's own statements about the account's secrets: every
 *   statement of the compiled hub role except those naming a hub resource (a Ref or GetAtt: the
 *   ledger, the bus, the queues), its log group, and its reach into the members. They are the
 *   same statements with the same conditions (the exemption Deny, the AWSPENDING and
 *   BlockPublicPolicy conditions, the mapped rotation functions), taken from the hub role itself
 *   rather than written twice; `${AWS::AccountId}` and `${AWS::Region}` in them become the
 *   member's own.
 * - a read role for the sweep, the scan and Security Hub. It also holds the sweep's
 *   cloudwatch:GetMetricData (on `*`: the action has no resource level), so the first run's census
 *   can read the secret count Secrets Manager publishes here (shared/sweep/census.ts): metric data,
 *   never a secret or its value.
 * - where the stack forwards, a redrive role for the hub account's operators
 *   (`secrets-remediator redrive --member-account`): receipt, release and deletion of the forward
 *   queue's messages, on that queue alone.
 * No statement of the member template may read a secret value: packaging fails if one would.
 *
 * A plugin, not serverless.yml, because all of it exists only in organisation mode (a variable
 * cannot leave a resource out), and because the member roles copy the compiled hub roles.
 */
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Buffer } = require('node:buffer');
const { fact } = require('../facts.cjs');
const { deadLetterQueueAlarms } = require('../dead-letter-alarms.cjs');
const { deadLetterQueuePolicy, retryPolicy, ruleRetrySettings, undeliveredRules } = require('../rule-delivery.cjs');

/** The member template's file name in the package folder (`.serverless/` by default). */
const MEMBER_TEMPLATE = 'member-template.json';

/** CloudFormation's limit on a template given inline (the StackSet's TemplateBody), in bytes. */
const TEMPLATE_BODY_MAX_BYTES = 51_200;

/** The hub functions that use the read role: the sweep, classify (a secret's tags) and alert (Security Hub import). */
const READERS = ['sweep', 'classify', 'alert'];

/**
 * @typedef {import('../serverless').TemplateResource} TemplateResource
 * @typedef {{ Sid?: string, Effect: string, Action: string | string[], Resource: unknown, Condition?: Record<string, Record<string, unknown>> }} Statement
 * @typedef {{ OrganizationalUnitIds: string[], AccountFilterType?: string, Accounts?: string[] }} DeploymentTargets
 * @typedef {{ name: string, pattern: Record<string, unknown>, state?: string }} ForwardedRoute
 * @typedef {{
 *   organizationId: string, stage: string, hubRegion: string, regions: string[],
 *   memberRoleNames: Record<string, Record<string, string>>, memberRoleCodes: Record<string, string> & { read: string, forward: string, redrive: string },
 *   hubRoleNames: Record<string, string>, actions: string[], forwardedRoutes: ForwardedRoute[],
 *   forwardedSources: string[], admittedSources: string[], forwardQueue: ForwardQueue,
 *   deploymentTargets: DeploymentTargets[], securityHub: boolean
 * }} OrganisationDeployment
 * @typedef {{ name: string, alarmNames: string[], hubAlarmPattern: Record<string, unknown> }} ForwardQueue
 */

/** `clear-stale-pending` → `ClearStalePending`, for logical ids. */
const pascal = (/** @type {string} */ name) => name.replace(/(^|-)([a-z0-9])/g, (_, _dash, letter) => letter.toUpperCase());

const actionsOf = (/** @type {Statement} */ statement) => [statement.Action].flat();

/**
 * The statements of a hub role that apply to the account a member role is in: all but those naming
 * a resource of the hub stack (Ref, GetAtt), writing the function's logs, or assuming member roles.
 * @param {Statement[]} statements
 * @returns {Statement[]}
 */
const memberStatements = (statements) =>
  statements.filter((statement) => {
    const text = JSON.stringify(statement.Resource);
    if (text.includes('"Ref"') || text.includes('"Fn::GetAtt"')) return false;
    // The hub's reach into the organization (assuming member roles, asking Organizations where an
    // account sits or which accounts there are) is the hub's alone: a member role never gets it.
    return !actionsOf(statement).some(
      (action) => action.startsWith('logs:') || action.startsWith('sts:') || action.startsWith('organizations:'),
    );
  });

/** The actions that read a secret's value. */
const SECRET_VALUE_READS = ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue'];

/**
 * Whether a role's statements allow reading a secret value, by name or through a wildcard
 * (`secretsmanager:Get*`, `*`); IAM matches actions without regard to case.
 * @param {{ Properties?: { Policies?: { PolicyDocument: { Statement: Statement[] } }[] } }} role
 */
const readsSecretValues = (role) =>
  (role.Properties?.Policies ?? [])
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap(actionsOf)
    .some((action) => {
      const matcher = new RegExp(
        `^${action
          .split('*')
          .map((part) => part.replace(/[.?+^$(){}|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'i',
      );
      return SECRET_VALUE_READS.some((read) => matcher.test(read));
    });

/**
 * The hub function's role resource: the one its Lambda function's Role names.
 * @param {Record<string, TemplateResource>} resources
 * @param {string} functionId
 */
const roleIdOf = (resources, functionId) => {
  const roleId = resources[functionId]?.Properties?.Role?.['Fn::GetAtt']?.[0];
  if (typeof roleId !== 'string' || !resources[roleId])
    throw new Error(`organisation: function ${functionId} has no role of its own in the template`);
  return roleId;
};

/**
 * @param {TemplateResource | undefined} role
 * @returns {Statement[]}
 */
const statementsOfRole = (role) => {
  const statements = role?.Properties?.Policies?.[0]?.PolicyDocument?.Statement;
  if (!Array.isArray(statements)) throw new Error('organisation: a hub role has no policy statements to copy');
  return statements;
};

/** A role of the hub, by name, in the hub account (a member template parameter). */
const hubRoleArn = (/** @type {string} */ name) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/${name}` });

/** A member role's name in the member stack's region (the template's mapping, from shared/domain/service-roles.ts). */
const memberRoleName = (/** @type {string} */ code) => ({ 'Fn::FindInMap': ['MemberRoleNames', { Ref: 'AWS::Region' }, code] });

/**
 * A member role: trusted by `principals`, within the organisation only; allowed `statements`.
 * @param {string} code
 * @param {string} description
 * @param {unknown[]} trust
 * @param {Statement[]} statements
 */
const memberRole = (code, description, trust, statements) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    RoleName: memberRoleName(code),
    Description: description,
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: trust },
    Policies: [{ PolicyName: 'secrets-remediator', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
  },
});

/**
 * The trust of a member role: the hub roles named, and only while they belong to the organisation.
 * @param {OrganisationDeployment} deployment
 * @param {unknown} principal
 * @param {string} sid
 */
const trustWithinOrganisation = (deployment, principal, sid) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: { AWS: principal },
  Action: 'sts:AssumeRole',
  Condition: { StringEquals: { 'aws:PrincipalOrgID': deployment.organizationId } },
});

/**
 * The member template (see the header).
 * @param {OrganisationDeployment} deployment
 * @param {{ service: string, busName: string, actionStatements: Record<string, Statement[]>, readStatements: Statement[], retry: import('../rule-delivery.cjs').RuleRetrySettings }} hub
 */
const memberTemplate = (deployment, hub) => {
  const { memberRoleCodes: codes, hubRoleNames, hubRegion, stage } = deployment;
  const busArn = { 'Fn::Sub': `arn:\${AWS::Partition}:events:${hubRegion}:\${HubAccountId}:event-bus/${hub.busName}` };
  /** @type {Record<string, unknown>} */
  const resources = {};

  // Forwarding: not in the hub's own account and region, whose default bus classify already reads.
  resources.ForwardRole = {
    ...memberRole(
      codes.forward,
      `Lets EventBridge forward Secrets Manager events to the ${hub.busName} bus of the hub, and nothing else`,
      [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
      [{ Sid: 'PutEventsOnTheHubBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }],
    ),
    Condition: 'ForwardsEvents',
  };
  // What the hub bus does not take in time (a hub stack gone or being replaced, its bus policy
  // refusing, throttling for longer than the retry policy) stays here, in the member's account
  // and region, for 14 days. Encrypted with a key SQS owns: a customer managed key would cost a
  // key per account and region guarded, and a key policy EventBridge must be let through.
  resources.ForwardDeadLetterQueue = {
    Type: 'AWS::SQS::Queue',
    Condition: 'ForwardsEvents',
    Properties: {
      QueueName: deployment.forwardQueue.name,
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    },
  };
  /**
   * A rule of the member's default bus sending what `pattern` matches to the hub's bus, with the
   * forward role, retried and kept in the forward queue like every forward.
   * @param {string} description
   * @param {Record<string, unknown>} pattern
   * @param {string} [state]
   */
  const forwardRule = (description, pattern, state = 'ENABLED') => ({
    Type: 'AWS::Events::Rule',
    Condition: 'ForwardsEvents',
    Properties: {
      Description: description,
      EventPattern: pattern,
      State: state,
      Targets: [
        {
          Id: 'hub',
          Arn: busArn,
          RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] },
          RetryPolicy: retryPolicy(hub.retry),
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] } },
        },
      ],
    },
  });
  /** @type {string[]} */
  const forwardRuleIds = [];
  for (const route of deployment.forwardedRoutes) {
    const id = `Forward${pascal(route.name)}Rule`;
    forwardRuleIds.push(id);
    resources[id] = forwardRule(`secrets-remediator ${stage}: ${route.name} events to the hub's classify`, route.pattern, route.state);
  }
  // Seen at the hub: the queue's two alarms (deploy/dead-letter-alarms.cjs, as on the hub's own
  // dead-letter queues) notify nothing here; their state changes reach this account's default bus,
  // and a rule forwards them to the hub's bus like every forwarded event, where a rule of the hub
  // notifies the operations topic. A forward of the alarm that fails in turn lands in this same
  // queue: the alarm is in ALARM already, so that makes no new state change and no loop.
  const alarms = deadLetterQueueAlarms({
    queueId: 'ForwardDeadLetterQueue',
    name: deployment.forwardQueue.name,
    redrive: `secrets-remediator redrive --member-account \${AWS::AccountId} --member-region \${AWS::Region} --stage ${stage}, from the hub account`,
    actions: [],
    substitute: true,
    condition: 'ForwardsEvents',
  });
  const alarmNames = Object.values(alarms).map((made) => made.Properties.AlarmName);
  if (JSON.stringify(alarmNames) !== JSON.stringify(deployment.forwardQueue.alarmNames))
    throw new Error(
      `organisation: the forward queue's alarms are named ${alarmNames.join(', ')}, but the hub's rule expects ${deployment.forwardQueue.alarmNames.join(', ')} (shared/domain/member-forwarding.ts and deploy/dead-letter-alarms.cjs must agree)`,
    );
  Object.assign(resources, alarms);
  forwardRuleIds.push('ForwardQueueAlarmsRule');
  const { source, 'detail-type': detailType } = deployment.forwardQueue.hubAlarmPattern;
  resources.ForwardQueueAlarmsRule = forwardRule(
    `secrets-remediator ${stage}: the forward queue's alarms going off, to the hub's operations topic`,
    // These two alarms, by their ARNs, and only when they go into ALARM.
    {
      source,
      'detail-type': detailType,
      resources: Object.keys(alarms).map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
      detail: { state: { value: ['ALARM'] } },
    },
  );
  resources.ForwardDeadLetterQueuePolicy = deadLetterQueuePolicy({
    queueId: 'ForwardDeadLetterQueue',
    ruleIds: forwardRuleIds,
    sid: 'ForwardingRulesSendUndeliveredEvents',
    condition: 'ForwardsEvents',
  });

  for (const action of deployment.actions) {
    const statements = hub.actionStatements[action];
    if (!statements || statements.length === 0)
      throw new Error(`organisation: the hub role of ${action} has no statements about the account's secrets to give its member role`);
    resources[`${pascal(action)}Role`] = memberRole(
      codes[action] ?? action,
      `Lets the hub's ${action} function, and only it, make its writes here`,
      [trustWithinOrganisation(deployment, hubRoleArn(hubRoleNames[action] ?? action), 'OnlyTheHubActionRole')],
      statements,
    );
  }

  const securityHubImport = {
    Sid: 'ImportFindingsOfThisAccount',
    Effect: 'Allow',
    Action: 'securityhub:BatchImportFindings',
    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:securityhub:${AWS::Region}:${AWS::AccountId}:product/${AWS::AccountId}/default' },
    Condition: { StringEquals: { 'securityhub:TargetAccount': { Ref: 'AWS::AccountId' } } },
  };
  const importsAlready = hub.readStatements.some((statement) => actionsOf(statement).includes(securityHubImport.Action));
  resources.ReadRole = memberRole(
    codes.read,
    `Lets the hub's sweep, classify and alert functions, and the hub account's scan operators, read secrets' metadata and their count here (never a value)${deployment.securityHub ? ' and import findings into Security Hub' : ''}`,
    [
      trustWithinOrganisation(
        deployment,
        READERS.map((reader) => hubRoleArn(hubRoleNames[reader] ?? reader)),
        'TheHubReaders',
      ),
      // `secrets-remediator scan --role-name` runs as a person or a pipeline of the hub account,
      // whose role names this template cannot know: the hub account decides who may (an identity
      // policy allowing sts:AssumeRole on this role), and only within the organisation.
      trustWithinOrganisation(deployment, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' }, 'ScanOperatorsOfTheHubAccount'),
    ],
    [...hub.readStatements, ...(deployment.securityHub && !importsAlready ? [securityHubImport] : [])],
  );
  // `secrets-remediator redrive --member-account` takes the forward queue's events through this
  // role, from the hub account: find the queue by name, receive, put back what it does not send on
  // (a dry run changes nothing), delete what it sent. A role of its own, not the read role's: no
  // hub function ever needs to empty a member's queue, and the operators who may (an identity
  // policy in the hub account allowing sts:AssumeRole on it) get this queue and nothing else.
  resources.RedriveRole = {
    ...memberRole(
      codes.redrive,
      `Lets the hub account's operators take the events of this stack's forward queue (${deployment.forwardQueue.name}) to send them on to the hub, and nothing else`,
      [
        trustWithinOrganisation(
          deployment,
          { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' },
          'RedriveOperatorsOfTheHubAccount',
        ),
      ],
      [
        {
          Sid: 'RedriveTheForwardQueue',
          Effect: 'Allow',
          Action: ['sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
          Resource: { 'Fn::GetAtt': ['ForwardDeadLetterQueue', 'Arn'] },
        },
      ],
    ),
    Condition: 'ForwardsEvents',
  };

  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${hub.service} ${stage} member stack: forwards Secrets Manager events to the hub (${hubRegion}) and lets the hub's functions act here, each only as its own role`,
    Parameters: {
      HubAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'The account the hub stack runs in (the StackSet passes its own)',
      },
    },
    Mappings: { MemberRoleNames: deployment.memberRoleNames },
    Conditions: {
      ForwardsEvents: {
        'Fn::Not': [
          {
            'Fn::And': [
              { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, { Ref: 'HubAccountId' }] },
              { 'Fn::Equals': [{ Ref: 'AWS::Region' }, hubRegion] },
            ],
          },
        ],
      },
    },
    Resources: resources,
    Outputs: {
      HubBusArn: { Value: busArn },
      HubRegion: { Value: hubRegion },
      Stage: { Value: stage },
      ReadRoleArn: { Value: { 'Fn::GetAtt': ['ReadRole', 'Arn'] } },
      RedriveRoleArn: { Condition: 'ForwardsEvents', Value: { 'Fn::GetAtt': ['RedriveRole', 'Arn'] } },
      ForwardDeadLetterQueueUrl: { Condition: 'ForwardsEvents', Value: { Ref: 'ForwardDeadLetterQueue' } },
      ...Object.fromEntries(
        deployment.actions.map((action) => [`${pascal(action)}RoleArn`, { Value: { 'Fn::GetAtt': [`${pascal(action)}Role`, 'Arn'] } }]),
      ),
    },
  };
  const undelivered = undeliveredRules(/** @type {Record<string, { Type?: string, Properties?: Record<string, unknown> }>} */ (resources));
  if (undelivered.length > 0)
    throw new Error(
      `organisation: every forwarding rule target needs a retry policy and a dead-letter queue; missing on ${undelivered.join(', ')}`,
    );
  const reads = Object.entries(resources).filter(([, role]) =>
    readsSecretValues(/** @type {{ Properties?: { Policies?: { PolicyDocument: { Statement: Statement[] } }[] } }} */ (role)),
  );
  if (reads.length > 0)
    throw new Error(`organisation: ${reads.map(([id]) => id).join(', ')} would be allowed to read secret values; no member role may`);
  return template;
};

/**
 * The project bus's policy in organisation mode. Alone, the Deny of serverless.yml would refuse
 * the members' forwarded events (another account, not one of our roles). It becomes:
 * - Deny every principal that is neither one of this stage's publishing roles nor in the
 *   organisation (aws:PrincipalOrgID): the rest of the world stays out, as before;
 * - Deny every principal but our roles an event whose `source` is not one of the forwarded AWS
 *   sources (aws.secretsmanager, aws.config, and aws.securityhub when Security Hub is on), or
 *   aws.cloudwatch for the members' forward-queue alarms:
 *   someone of the organisation, this account included, can never put a claim
 *   (`secrets-remediator`) or anything else of their own making;
 * - Allow principals of the organisation to put events with those sources only: the members'
 *   forwarding roles, cross-account, need an Allow here.
 * Why that is safe: EventBridge refuses a PutEvents whose source starts with `aws.` from any
 * caller, so events with those sources can only be AWS's own, forwarded by a rule; what a member
 * forwards is still only a claim, which classify reads in the member account through its role.
 * Our roles keep the conditions of their identity policies: the Allow adds only AWS sources.
 * @param {Statement & { Principal?: unknown }} closed serverless.yml's Deny
 * @param {OrganisationDeployment} deployment
 * @returns {unknown[]}
 */
const organisationBusStatements = (closed, deployment) => {
  const ownRoles = closed.Condition?.ArnNotEquals;
  if (!ownRoles)
    throw new Error('organisation: the project bus policy no longer names the publishing roles (ArnNotEquals aws:PrincipalArn)');
  const sources = deployment.admittedSources;
  const common = { Principal: '*', Action: 'events:PutEvents', Resource: closed.Resource };
  return [
    {
      Sid: 'OnlyThisStagesPublishersAndTheOrganisationPutEvents',
      Effect: 'Deny',
      ...common,
      Condition: { ArnNotEquals: ownRoles, StringNotEquals: { 'aws:PrincipalOrgID': deployment.organizationId } },
    },
    {
      Sid: 'TheOrganisationPutsOnlyForwardedAwsEvents',
      Effect: 'Deny',
      ...common,
      Condition: { ArnNotEquals: ownRoles, 'ForAnyValue:StringNotEquals': { 'events:source': sources } },
    },
    {
      Sid: 'TheOrganisationForwardsAwsEvents',
      Effect: 'Allow',
      ...common,
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': deployment.organizationId },
        'ForAllValues:StringEquals': { 'events:source': sources },
        Null: { 'events:source': 'false' },
      },
    },
  ];
};

class Organisation {
  /**
   * @param {import('../serverless').Serverless} serverless
   * @param {import('../serverless').CliOptions} options
   */
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    // With serverless.yml's resources merged (ProjectBus), before deploy/plugins/operations.cjs
    // (listed after this one) adds alarms for every rule.
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  async apply() {
    const { service, serviceDir } = this.serverless;
    const { provider } = service;
    const options = { stage: this.options.stage ?? provider.stage ?? 'dev', region: this.options.region ?? provider.region ?? 'us-east-1' };
    // The framework packages into .serverless/ and moves it all to `--package <dir>` at the end.
    const packageDir = join(serviceDir, '.serverless');
    const deployment = /** @type {OrganisationDeployment | null} */ (
      await fact('organisation', {
        options,
        resolveVariable: async (name) => {
          throw new Error(`organisation: ${name} is not known here`);
        },
      })
    );
    if (!deployment) {
      rmSync(join(packageDir, MEMBER_TEMPLATE), { force: true });
      this.serverless.cli.log('organisation: off in the policy; no member template, no StackSet');
      return;
    }

    const resources = provider.compiledCloudFormationTemplate.Resources;
    const naming = this.serverless.getProvider('aws').naming;
    const roleOf = (/** @type {string} */ fn) => roleIdOf(resources, naming.getLambdaLogicalId(fn));
    const bus = resources.ProjectBus?.Properties;
    const closed = bus?.Policy?.Statement?.find((/** @type {Statement} */ s) => s.Sid === 'OnlyThisStagesPublishersPutEvents');
    if (!bus || !closed)
      throw new Error('organisation: serverless.yml has no ProjectBus with its OnlyThisStagesPublishersPutEvents statement');

    const unique = (/** @type {Statement[]} */ statements) => [...new Map(statements.map((s) => [JSON.stringify(s), s])).values()];
    const template = memberTemplate(deployment, {
      service: service.service,
      busName: String(bus.Name),
      actionStatements: Object.fromEntries(
        deployment.actions.map((action) => [action, memberStatements(statementsOfRole(resources[roleOf(action)]))]),
      ),
      // The sweep's and classify's grants without a reference: the secrets' metadata, and the sweep's
      // cloudwatch:GetMetricData for the census of secret counts (metric data only).
      readStatements: unique(['sweep', 'classify'].flatMap((fn) => memberStatements(statementsOfRole(resources[roleOf(fn)])))),
      retry: ruleRetrySettings(this.serverless),
    });
    const body = JSON.stringify(template);
    const bytes = Buffer.byteLength(body);
    if (bytes > TEMPLATE_BODY_MAX_BYTES) {
      throw new Error(
        `organisation: the member template is ${bytes} bytes, over CloudFormation's ${TEMPLATE_BODY_MAX_BYTES} for a template given inline; guard fewer regions or shorten the policy's configRules and vpcEndpoints`,
      );
    }
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(join(packageDir, MEMBER_TEMPLATE), `${body}\n`);

    // The hub's roles get sts:AssumeRole on their member roles with their other computed
    // statements (shared/actions/iam-statements.ts: memberRoleStatements, sweepOrganisationStatements,
    // alertGrants), conditioned on the organization: nothing is added to a compiled role here.
    bus.Policy.Statement = organisationBusStatements(closed, deployment);
    Object.assign(resources, this.forwardedRules(deployment, naming.getLambdaLogicalId('classify')));
    this.notifyForwardQueueAlarms(deployment, resources);
    resources.MemberStackSet = {
      Type: 'AWS::CloudFormation::StackSet',
      // The member roles' trust names these roles: IAM refuses a principal that does not exist yet.
      DependsOn: [...new Set([...deployment.actions, ...READERS].map(roleOf)), 'ProjectBus'],
      Properties: {
        StackSetName: `${service.service}-${deployment.stage}-members`,
        Description: `${service.service} ${deployment.stage}: the member stack of every guarded account and region (${MEMBER_TEMPLATE})`,
        PermissionModel: 'SERVICE_MANAGED',
        // A run from a delegated administrator account (docs/organisation.md): the hub keeps its
        // Lambda functions out of the management account, which StackSets do not deploy to anyway.
        CallAs: 'DELEGATED_ADMIN',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        ManagedExecution: { Active: true },
        // Every region at once, a quarter of the accounts at a time; a tenth may fail before a
        // rollout stops (a suspended account, an SCP), so one bad account does not hold up the rest.
        OperationPreferences: {
          RegionConcurrencyType: 'PARALLEL',
          MaxConcurrentPercentage: 25,
          FailureTolerancePercentage: 10,
          ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        },
        Parameters: [{ ParameterKey: 'HubAccountId', ParameterValue: { Ref: 'AWS::AccountId' } }],
        StackInstancesGroup: deployment.deploymentTargets.map((targets) => ({ DeploymentTargets: targets, Regions: deployment.regions })),
        TemplateBody: body,
      },
    };
    this.serverless.cli.log(
      `organisation: ${MEMBER_TEMPLATE} (${bytes} bytes) for ${deployment.regions.join(', ')}; StackSet ${resources.MemberStackSet.Properties?.StackSetName}`,
    );
  }

  /**
   * The members' forward-queue alarms, forwarded to the project bus, become a notification on the
   * topics the hub's own alarms go to (custom.operations.alarmActions: the operations topic, and
   * the alert topic when the policy says): which account and region, which queue, and the command
   * that shows and sends its events on. Only the two alarm names the member stack gives, exactly,
   * and only going into ALARM (shared/domain/member-forwarding.ts): any account of the
   * organisation can forward an alarm of its own making, and this rule only ever notifies. The
   * message is built from the event's account, region and time, which AWS sets, and the alarm
   * name the pattern fixed: nothing a member wrote (an alarm's description or state reason, which
   * SetAlarmState sets to anything) reaches the topic.
   *
   * EventBridge publishes through an execution role (EventBridge takes one for SNS targets), not
   * as its service principal on a topic policy: the role's trust names this rule
   * (aws:SourceArn), where `events.amazonaws.com` on the topic would let a rule of any account
   * publish to the operations topic, and the topics keep their default policy. The role may
   * publish to those topics and use the service key through SNS for them, nothing else.
   * @param {OrganisationDeployment} deployment
   * @param {Record<string, TemplateResource>} resources
   */
  notifyForwardQueueAlarms(deployment, resources) {
    const { service, custom } = this.serverless.service;
    const topics = custom?.operations?.alarmActions;
    if (!topics || topics.length === 0)
      throw new Error("organisation: custom.operations.alarmActions names no topic for the members' forward-queue alarms");
    if (!resources.AlertKey) throw new Error('organisation: serverless.yml has no AlertKey, the key the alarm topics are encrypted with');
    const retry = ruleRetrySettings(this.serverless);
    const { name: queue } = deployment.forwardQueue;
    const command = `npx secrets-remediator redrive --member-account <account> --member-region <region> --stage ${deployment.stage} --region ${deployment.hubRegion}`;
    const ruleName = `${service}-${deployment.stage}-member-forward-alarms`;
    // EventBridge publishes through a role of its own rather than a topic policy for
    // events.amazonaws.com: that role can be tied to this rule alone (aws:SourceArn), where a
    // service principal on the topic would let any account's rule publish to the operations topic.
    resources.MemberForwardQueueAlarmsRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: "Lets the hub's member-forward-alarms rule, and nothing else, publish to the operations topics",
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'OnlyThisRule',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnEquals: {
                  'aws:SourceArn': {
                    'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/\${ProjectBus.Name}/${ruleName}`,
                  },
                },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'publish-member-forward-alarms',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Sid: 'PublishToTheAlarmTopics', Effect: 'Allow', Action: 'sns:Publish', Resource: topics },
                {
                  // The topics are encrypted with the service's key: SNS asks KMS as the publisher.
                  Sid: 'EncryptForTheAlarmTopics',
                  Effect: 'Allow',
                  Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
                  Resource: { 'Fn::GetAtt': ['AlertKey', 'Arn'] },
                  Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } } },
                },
              ],
            },
          },
        ],
      },
    };
    resources.MemberForwardQueueAlarmsRule = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: ruleName,
        Description: "A member stack's forward queue holds events the hub did not take: notify the operations topic, never act",
        EventBusName: { 'Fn::GetAtt': ['ProjectBus', 'Name'] },
        EventPattern: deployment.forwardQueue.hubAlarmPattern,
        State: 'ENABLED',
        Targets: topics.map((topic) => ({
          Id: String(/** @type {{ Ref?: unknown }} */ (topic).Ref ?? 'topic'),
          Arn: topic,
          RoleArn: { 'Fn::GetAtt': ['MemberForwardQueueAlarmsRole', 'Arn'] },
          RetryPolicy: retryPolicy(retry),
          DeadLetterConfig: { Arn: custom?.ruleDeadLetterQueue },
          InputTransformer: {
            InputPathsMap: { account: '$.account', region: '$.region', alarm: '$.detail.alarmName', time: '$.time' },
            // EventBridge puts the values in unescaped: these four are AWS's (account, region, time)
            // or one of two fixed names (the pattern), so none can break out of the string.
            InputTemplate: JSON.stringify(
              `${service} ${deployment.stage}: the member stack of account <account> in <region> holds events it could not forward to the hub, in its queue ${queue} (alarm <alarm>, <time>). ` +
                'Until they are sent on, what only an event shows there (a read outside the VPC endpoints, a burst of refused calls) is not alerted on. ' +
                'Fix what stopped the forwards (the hub stack or its bus policy), then, from the hub account, see them (a dry run, changes nothing): ' +
                `${command} ; then send them to classify: the same with --apply.`,
            ),
          },
        })),
      },
    };
  }

  /**
   * Rules on the project bus taking the members' forwarded events to classify: the patterns of
   * classify's own rules, which match only AWS sources, so nothing the service publishes.
   * @param {OrganisationDeployment} deployment
   * @param {string} classifyId
   * @returns {Record<string, TemplateResource>}
   */
  forwardedRules(deployment, classifyId) {
    // serverless.yml's delivery settings for every rule target (custom.ruleRetryPolicy, custom.ruleDeadLetterQueue).
    const retry = ruleRetrySettings(this.serverless);
    const deadLetterQueue = this.serverless.service.custom?.ruleDeadLetterQueue;
    /** @type {Record<string, TemplateResource>} */
    const added = {};
    for (const route of deployment.forwardedRoutes) {
      const id = `Forwarded${pascal(route.name)}Rule`;
      added[id] = {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: `${this.serverless.service.service}-${deployment.stage}-${route.name}`,
          Description: `${route.name} events forwarded by the member stacks, to classify`,
          EventBusName: { 'Fn::GetAtt': ['ProjectBus', 'Name'] },
          EventPattern: route.pattern,
          State: 'ENABLED',
          Targets: [
            {
              Id: 'classify',
              Arn: { 'Fn::GetAtt': [classifyId, 'Arn'] },
              RetryPolicy: retryPolicy(retry),
              DeadLetterConfig: { Arn: deadLetterQueue },
            },
          ],
        },
      };
      added[`${id}Permission`] = {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [classifyId, 'Arn'] },
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [id, 'Arn'] },
        },
      };
    }
    return added;
  }
}

module.exports = Organisation;
