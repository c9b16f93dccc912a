// @ts-check
'use strict';
/**
 * Nothing fails silently, and everything is encrypted with the service key. Runs once the
 * template is complete (the framework's resources and serverless.yml's merged), because what it
 * adds depends on every function, rule, log group and queue in it:
 *
 * - every log group encrypted with the service key (the framework has no setting for it);
 * - every rule target checked for a retry policy and a dead-letter queue (packaging fails
 *   otherwise: a new rule cannot ship without one), and RuleDeadLetterQueue's policy letting
 *   exactly those rules send to it (aws:SourceArn);
 * - alarms: Errors and Throttles per function, FailedInvocations per rule, arrivals and the age
 *   of the oldest message per dead-letter queue, failed SNS notifications per topic, and the
 *   sweep heartbeat; each notifies custom.operations.alarmActions;
 * - one dashboard with the service's metrics (shared/metrics.ts) and every alarm.
 *
 * Hand-written, not YAML: a dozen alarms per function and rule written out by hand would drift
 * the first time a function or rule is added; here they follow the template.
 */
const { alarm, deadLetterQueueAlarms } = require('../dead-letter-alarms.cjs');
const { deadLetterQueuePolicy, undeliveredRules } = require('../rule-delivery.cjs');

const KEY = 'AlertKey';
const DEAD_LETTER_QUEUES = ['DeadLetterQueue', 'RuleDeadLetterQueue'];
const TOPICS = ['AlertTopic', 'OperationsTopic'];
/** shared/metrics.ts: the namespace and service dimension of the service's own metrics. */
const NAMESPACE = 'SecretsRemediator';
const SERVICE = 'secrets-remediator';
/** Throttling is expected in a storm (reserved concurrency): alarm when it lasts 15 minutes. */
const THROTTLED_PERIODS = 3;

/** @typedef {import('../serverless').TemplateResource} TemplateResource */
/** @typedef {Record<string, TemplateResource>} Resources */
/** @typedef {{ Name: string, Value: unknown }} Dimension */
/** @typedef {{ id: string, name: unknown }} FunctionEntry */
/** @typedef {{ id: string, name: string, dimensions: Dimension[] }} RuleEntry */
/** @typedef {import('../dead-letter-alarms.cjs').Alarm} Alarm */

/**
 * The resources of one CloudFormation type, as [logical id, resource] pairs.
 * @param {Resources} resources
 * @param {string} type
 * @returns {[string, TemplateResource & { Properties: NonNullable<TemplateResource['Properties']> }][]}
 */
const ofType = (resources, type) =>
  /** @type {[string, TemplateResource & { Properties: NonNullable<TemplateResource['Properties']> }][]} */ (
    Object.entries(resources).filter(([, r]) => r.Type === type && r.Properties !== undefined)
  );

class Operations {
  /** @param {import('../serverless').Serverless} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    // After serverless.yml's resources are merged, before the template is written.
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  apply() {
    const service = this.serverless.service;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const settings = service.custom?.operations;
    if (!settings)
      throw new Error("custom.operations is missing from serverless.yml: it carries the policy's operations section to this plugin");
    const prefix = `${service.service}-${service.provider.stage}`;
    const actions = settings.alarmActions;
    /** @type {Record<string, Alarm>} */
    const alarms = {};

    for (const [, group] of ofType(resources, 'AWS::Logs::LogGroup')) group.Properties.KmsKeyId = { 'Fn::GetAtt': [KEY, 'Arn'] };

    const rules = ofType(resources, 'AWS::Events::Rule');
    const undelivered = undeliveredRules(resources);
    if (undelivered.length > 0) {
      throw new Error(
        `every rule target needs a retry policy and a dead-letter queue (custom.ruleRetryPolicy, custom.ruleDeadLetterQueue); missing on ${undelivered.join(', ')}`,
      );
    }
    resources.RuleDeadLetterQueuePolicy = deadLetterQueuePolicy({
      queueId: 'RuleDeadLetterQueue',
      ruleIds: rules.map(([id]) => id),
      sid: 'ServiceRulesSendUndeliveredEvents',
    });

    const functions = ofType(resources, 'AWS::Lambda::Function').map(([id, fn]) => ({ id, name: fn.Properties.FunctionName }));
    for (const { id, name } of functions) {
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: id } }];
      alarms[`${id}ErrorsAlarm`] = alarm(
        `${name}-errors`,
        `${name} failed an invocation (Lambda retries async events twice, then keeps them in the dead-letter queue): read its log.`,
        {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: dimensions,
        },
        actions,
      );
      alarms[`${id}ThrottlesAlarm`] = alarm(
        `${name}-throttles`,
        `${name} was throttled for ${THROTTLED_PERIODS * 5} minutes: its reserved concurrency is full (events wait in Lambda's queue for up to six hours).`,
        {
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: dimensions,
          EvaluationPeriods: THROTTLED_PERIODS,
        },
        actions,
      );
    }

    const ruleNames = rules.map(([id, rule]) => {
      const name = rule.Properties.Name;
      if (typeof name !== 'string') throw new Error(`rule ${id} needs a Name for its FailedInvocations alarm`);
      // A rule on a custom bus has its metrics under both EventBusName and RuleName.
      const bus = rule.Properties.EventBusName;
      /** @type {RuleEntry} */
      return { id, name, dimensions: [...(bus ? [{ Name: 'EventBusName', Value: bus }] : []), { Name: 'RuleName', Value: name }] };
    });
    for (const { id, name, dimensions } of ruleNames) {
      alarms[`${id}FailedInvocationsAlarm`] = alarm(
        `${name}-failed-invocations`,
        `EventBridge gave up delivering events of rule ${name} (they are in the undelivered queue: secrets-remediator redrive).`,
        {
          Namespace: 'AWS/Events',
          MetricName: 'FailedInvocations',
          Dimensions: dimensions,
        },
        actions,
      );
    }

    for (const queue of DEAD_LETTER_QUEUES) {
      const name = String(resources[queue]?.Properties?.QueueName);
      // deploy/dead-letter-alarms.cjs: the arrivals and the oldest message's age, as on a member's forward queue.
      Object.assign(
        alarms,
        deadLetterQueueAlarms({ queueId: queue, name, redrive: `secrets-remediator redrive --queue ${name}`, actions }),
      );
    }

    for (const topic of TOPICS) {
      const name = resources[topic]?.Properties?.TopicName;
      alarms[`${topic}FailedNotificationsAlarm`] = alarm(
        `${name}-failed-notifications`,
        `SNS could not deliver notifications of ${name} to a subscriber: check the subscriptions.`,
        {
          Namespace: 'AWS/SNS',
          MetricName: 'NumberOfNotificationsFailed',
          Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [topic, 'TopicName'] } }],
        },
        actions,
      );
    }

    // The heartbeat: every completed sweep emits SweepsCompleted. No sweep in N hours (no data
    // counts as breaching: a sweep that never ran emits nothing) is an alarm.
    const hours = settings.sweepHeartbeatHours;
    alarms.SweepHeartbeatAlarm = alarm(
      `${prefix}-sweep-heartbeat`,
      `No sweep completed in ${hours} hours (operations.sweepHeartbeatHours): read the sweep function's log.`,
      {
        Namespace: NAMESPACE,
        MetricName: 'SweepsCompleted',
        Dimensions: [{ Name: 'service', Value: SERVICE }],
        Period: 3600,
        EvaluationPeriods: hours,
        DatapointsToAlarm: hours,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      },
      actions,
    );

    Object.assign(resources, alarms);
    resources.OperationsDashboard = dashboard(prefix, functions, ruleNames, alarms);
  }
}

/**
 * The dashboard: the service's own metrics first, then Lambda, EventBridge and every alarm.
 * @param {string} prefix
 * @param {FunctionEntry[]} functions
 * @param {RuleEntry[]} rules
 * @param {Record<string, Alarm>} alarms
 * @returns {TemplateResource}
 */
const dashboard = (prefix, functions, rules, alarms) => {
  /** @param {string} metric @param {string[]} dimensions */
  const search = (metric, dimensions, stat = 'Sum') => [
    { expression: `SEARCH('{${NAMESPACE},${dimensions.join(',')}} MetricName="${metric}"', '${stat}', 300)`, id: metric.toLowerCase() },
  ];
  /** @param {string} title @param {unknown[]} metrics @param {number} x @param {number} y */
  const widget = (title, metrics, x, y) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: '${AWS::Region}', stat: 'Sum', period: 300, view: 'timeSeries', metrics },
  });
  const names = functions.map((f) => f.name);
  const body = {
    widgets: [
      widget('Findings by rule and severity', search('Findings', ['rule', 'service', 'severity']), 0, 0),
      widget('Actions by type and outcome', search('Actions', ['action', 'outcome', 'service']), 12, 0),
      widget('Alerts by channel and outcome', search('Alerts', ['channel', 'outcome', 'service']), 0, 6),
      widget('Digests by channel and outcome', search('Digests', ['channel', 'outcome', 'service']), 12, 6),
      widget('Refused writes (write limit) by action', search('RefusedWrites', ['action', 'service']), 0, 12),
      widget(
        'Sweeps: secrets, findings, ListSecrets calls, completed runs',
        ['SweepSecrets', 'SweepFindings', 'SweepCalls', 'SweepsCompleted'].map((m) => [NAMESPACE, m, 'service', SERVICE]),
        12,
        12,
      ),
      widget('Sweep duration (ms)', [[NAMESPACE, 'SweepDuration', 'service', SERVICE, { stat: 'Maximum' }]], 0, 18),
      widget(
        'Lambda errors and throttles',
        names.flatMap((n) => [
          ['AWS/Lambda', 'Errors', 'FunctionName', n],
          ['AWS/Lambda', 'Throttles', 'FunctionName', n],
        ]),
        12,
        18,
      ),
      widget(
        'EventBridge failed invocations',
        rules.map((r) => [
          'AWS/Events',
          'FailedInvocations',
          ...r.dimensions.flatMap((d) => [d.Name, typeof d.Value === 'string' ? d.Value : `${prefix}`]),
        ]),
        0,
        24,
      ),
      {
        type: 'alarm',
        x: 12,
        y: 24,
        width: 12,
        height: 12,
        properties: {
          title: 'Alarms',
          alarms: Object.values(alarms).map(
            (a) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${a.Properties.AlarmName}`,
          ),
        },
      },
    ],
  };
  return { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: prefix, DashboardBody: { 'Fn::Sub': JSON.stringify(body) } } };
};

module.exports = Operations;
