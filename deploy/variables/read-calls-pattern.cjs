// @ts-check
'use strict';
/** `${file(./deploy/variables/read-calls-pattern.cjs)}`: the read-calls pattern for the stage's policy (only the reads that can fire). */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('read-calls-pattern', context);
