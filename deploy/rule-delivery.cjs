// @ts-check
'use strict';
/**
 * How EventBridge delivers to every rule target the service packages, in the hub's template
 * (deploy/plugins/operations.cjs) and in the member template (deploy/plugins/organisation.cjs)
 * alike: the retry policy of serverless.yml's `custom.ruleRetryPolicy`, then a dead-letter queue
 * in the rule's own account and region that only those rules may send to. One implementation, so
 * a member's forwarding rules cannot drift from the hub's rules.
 */

/** @typedef {import('./serverless').TemplateResource} TemplateResource */
/** @typedef {{ readonly maximumEventAge: number, readonly maximumRetryAttempts: number }} RuleRetrySettings */

/**
 * serverless.yml's `custom.ruleRetryPolicy`, which every rule target follows.
 * @param {import('./serverless').Serverless} serverless
 * @returns {RuleRetrySettings}
 */
const ruleRetrySettings = (serverless) => {
  const settings = serverless.service.custom?.ruleRetryPolicy;
  if (!settings) throw new Error('custom.ruleRetryPolicy is missing from serverless.yml: every rule target takes its retry policy from it');
  return settings;
};

/**
 * A rule target's `RetryPolicy`, from `custom.ruleRetryPolicy`.
 * @param {RuleRetrySettings} settings
 */
const retryPolicy = (settings) => ({
  MaximumEventAgeInSeconds: settings.maximumEventAge,
  MaximumRetryAttempts: settings.maximumRetryAttempts,
});

/**
 * The rules (logical ids) with a target lacking a retry policy or a dead-letter queue.
 * @param {Record<string, TemplateResource | { Type?: string, Properties?: Record<string, unknown> }>} resources
 * @returns {string[]}
 */
const undeliveredRules = (resources) =>
  Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
    .filter(([, rule]) =>
      /** @type {{ RetryPolicy?: unknown, DeadLetterConfig?: unknown }[]} */ (rule.Properties?.Targets ?? []).some(
        (target) => !target.RetryPolicy || !target.DeadLetterConfig,
      ),
    )
    .map(([id]) => id);

/**
 * The policy of a rules' dead-letter queue: EventBridge may send to it for `ruleIds`, and only
 * for them (`aws:SourceArn`), so nothing else can fill it or pass for an undelivered event.
 * @param {{ queueId: string, ruleIds: readonly string[], sid: string, condition?: string }} queue
 * @returns {TemplateResource}
 */
const deadLetterQueuePolicy = ({ queueId, ruleIds, sid, condition }) => ({
  Type: 'AWS::SQS::QueuePolicy',
  ...(condition ? { Condition: condition } : {}),
  Properties: {
    Queues: [{ Ref: queueId }],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: sid,
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': ruleIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) } },
        },
      ],
    },
  },
});

module.exports = { ruleRetrySettings, retryPolicy, undeliveredRules, deadLetterQueuePolicy };
