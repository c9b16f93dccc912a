'use strict';
/** `${file(./deploy/sweep-schedule.cjs)}`: the sweep's schedule expression from the stage's policy (`sweep.schedule`). */
const { fact } = require('./facts.cjs');

module.exports = async (context) => fact('sweep-schedule', context);
