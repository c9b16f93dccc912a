// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/exemption-denials.cjs):<action>}`: the Deny of the action's Secrets Manager
 * writes on every secret that carries the stage's exemption tag (policy `exemptionTag`), computed
 * by shared/actions/iam-statements.ts from the action table.
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('exemption-denials', context);
