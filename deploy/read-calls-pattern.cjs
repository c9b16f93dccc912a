'use strict';
/** `${file(./deploy/read-calls-pattern.cjs)}`: the read-calls pattern for the stage's policy (only the reads that can fire). */
const { fact } = require('./facts.cjs');

module.exports = async (context) => fact('read-calls-pattern', context);
