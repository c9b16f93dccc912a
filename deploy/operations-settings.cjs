'use strict';
/**
 * `${file(./deploy/operations-settings.cjs)}`: the stage's `operations` policy section
 * (logRetentionDays, alarmsToAlertTopic, sweepHeartbeatHours), plus what serverless.yml derives
 * from it: `alarmActions`, the topics every alarm notifies (the operations topic, and the alert
 * topic when alarmsToAlertTopic is on), and `roleArns`, the function roles the key policy names.
 */
const { fact } = require('./facts.cjs');

module.exports = async (context) => {
  const operations = await fact('operations', context);
  return {
    ...operations,
    alarmActions: [{ Ref: 'OperationsTopic' }, ...(operations.alarmsToAlertTopic ? [{ Ref: 'AlertTopic' }] : [])],
  };
};
