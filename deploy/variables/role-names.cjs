// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/role-names.cjs):<function>}`: the function's role name for the stage and
 * region being packaged, from shared/domain/service-roles.ts — the same names
 * shared/domain/actor.ts recognises as the service's own. Fails packaging for a stage too long
 * for IAM's 64 characters, with the limit named.
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => fact('role-names', context);
