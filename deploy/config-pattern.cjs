'use strict';
/** `${file(./deploy/config-pattern.cjs)}`: the Config compliance-change pattern for the stage's policy. */
const { fact } = require('./facts.cjs');

module.exports = async (context) => fact('config-pattern', context);
