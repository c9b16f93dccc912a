'use strict';
/**
 * `${file(./deploy/enable-rotation-statements.cjs)}`: the enable-rotation role may invoke only
 * the rotation functions the stage's policy maps (RotateSecret needs lambda:InvokeFunction on
 * the function). With none mapped, an explicit Deny says so: the function can still turn on
 * managed rotation for secrets another service owns, and refuses the rest with what to map.
 */
const { fact } = require('./facts.cjs');

module.exports = async (context) => {
  const functions = await fact('rotation-functions', context);
  return functions.length === 0
    ? { Sid: 'NoRotationFunctionMapped', Effect: 'Deny', Action: 'lambda:InvokeFunction', Resource: '*' }
    : { Sid: 'MappedRotationFunctions', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functions };
};
