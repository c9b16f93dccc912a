// @ts-check
'use strict';
/** `${file(./deploy/variables/config-pattern.cjs)}`: the Config compliance-change pattern for the stage's policy. */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('config-pattern', context);
