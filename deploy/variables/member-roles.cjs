// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/member-roles.cjs):<function>.assume}` and `:<function>.organizations`:
 * in organisation mode, sts:AssumeRole on exactly the function's member role in the organization's
 * accounts, and organizations:ListParents when the scope names OUs; an explicit Deny otherwise.
 * Computed by shared/actions/iam-statements.ts (memberRoleStatements).
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('member-roles', context);
