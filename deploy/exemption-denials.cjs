'use strict';
/**
 * `${file(./deploy/exemption-denials.cjs):<action>}`: the Deny of the action's Secrets Manager
 * writes on every secret that carries the stage's exemption tag (policy `exemptionTag`), computed
 * by shared/actions/iam-statements.ts from the action table.
 */
const { fact } = require('./facts.cjs');

module.exports = async (context) => fact('exemption-denials', context);
