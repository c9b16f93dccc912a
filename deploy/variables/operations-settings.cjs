// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/operations-settings.cjs)}`: the stage's `operations` policy section
 * (logRetentionDays, alarmsToAlertTopic, sweepHeartbeatHours), plus what serverless.yml derives
 * from it: `alarmActions`, the topics every alarm notifies (the operations topic, and the alert
 * topic when alarmsToAlertTopic is on), and `roleArns`, the function roles the key policy names.
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => {
  const operations = /** @type {{ alarmsToAlertTopic: boolean } & Record<string, unknown>} */ (await fact('operations', context));
  return {
    ...operations,
    alarmActions: [{ Ref: 'OperationsTopic' }, ...(operations.alarmsToAlertTopic ? [{ Ref: 'AlertTopic' }] : [])],
  };
};
