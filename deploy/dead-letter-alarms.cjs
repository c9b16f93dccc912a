// @ts-check
'use strict';
/**
 * The alarms the service puts on a dead-letter queue, in the hub's template
 * (deploy/plugins/operations.cjs: DeadLetterQueue, RuleDeadLetterQueue) and in the member template
 * (deploy/plugins/organisation.cjs: ForwardDeadLetterQueue) alike, so that a member's queue is
 * watched exactly as the hub's are, under names made the same way:
 *
 * - `<queue name>-arrivals`: messages *sent* to the queue in a period, not waiting: the alarm goes
 *   back to OK after a quiet period and goes off again for the next letters, where a count of
 *   waiting messages would stay in ALARM and say nothing more;
 * - `<queue name>-oldest-message`: a message has waited more than an hour, so nobody redrove it.
 *
 * shared/domain/member-forwarding.ts names the member's two the same way (DEAD_LETTER_ALARM_SUFFIXES);
 * the organisation plugin checks that they agree.
 */

/** Dead letters waiting this long have not been redriven: someone should look. */
const OLDEST_DEAD_LETTER_SECONDS = 3600;

/** @typedef {{ Type: string, Condition?: string, Properties: Record<string, unknown> & { AlarmName: string } }} Alarm */

/**
 * An alarm on `metric`, notifying `actions` (none: the alarm's state changes still reach
 * EventBridge, which is how a member's alarm reaches the hub).
 * @param {string} name
 * @param {unknown} description a string, or an intrinsic function giving one
 * @param {Record<string, unknown>} metric namespace, metric name, dimensions, and any setting to override
 * @param {readonly unknown[]} actions
 * @returns {Alarm}
 */
const alarm = (name, description, metric, actions) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: name,
    AlarmDescription: description,
    Statistic: 'Sum',
    Period: 300,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    // Missing data is a quiet period: these metrics are published only when something happens.
    TreatMissingData: 'notBreaching',
    ...(actions.length > 0 ? { AlarmActions: actions } : {}),
    ...metric,
  },
});

/**
 * The two alarms of the dead-letter queue `queueId` (logical id) named `name`, keyed by their
 * logical ids `<queueId>Alarm` and `<queueId>AgeAlarm`.
 * @param {{ queueId: string, name: string, redrive: string, actions: readonly unknown[], substitute?: boolean, condition?: string }} queue
 *   `redrive`: the command that inspects and sends the letters on, for the descriptions;
 *   `substitute`: the descriptions go through Fn::Sub (`${AWS::AccountId}` in `redrive`);
 *   `condition`: the template condition both alarms exist under
 * @returns {Record<string, Alarm>}
 */
const deadLetterQueueAlarms = ({ queueId, name, redrive, actions, substitute = false, condition }) => {
  const describe = (/** @type {string} */ text) => (substitute ? { 'Fn::Sub': text } : text);
  const dimensions = [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }];
  /** @param {Alarm} made */
  const conditioned = (made) => (condition ? { ...made, Condition: condition } : made);
  return {
    [`${queueId}Alarm`]: conditioned(
      alarm(
        `${name}-arrivals`,
        describe(`Events arrived in ${name}: inspect and redrive them (${redrive}).`),
        { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesSent', Dimensions: dimensions },
        actions,
      ),
    ),
    [`${queueId}AgeAlarm`]: conditioned(
      alarm(
        `${name}-oldest-message`,
        describe(
          `A message has waited in ${name} for more than ${OLDEST_DEAD_LETTER_SECONDS / 60} minutes: redrive it (${redrive}); SQS drops it after 14 days.`,
        ),
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: dimensions,
          Statistic: 'Maximum',
          Threshold: OLDEST_DEAD_LETTER_SECONDS,
        },
        actions,
      ),
    ),
  };
};

module.exports = { alarm, deadLetterQueueAlarms };
