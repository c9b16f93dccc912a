// @ts-check
'use strict';
/** `${file(./deploy/variables/sweep-schedule.cjs)}`: the sweep's schedule expression from the stage's policy (`sweep.schedule`). */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('sweep-schedule', context);
