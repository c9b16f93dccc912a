// @ts-check
'use strict';
/**
 * `${file(./deploy/variables/alert-role-statements.cjs):alert}` and `:alert-digest`: each alert
 * function's statements from `custom.alertRoleStatements`, plus what the stage's policy grants
 * them (shared/actions/iam-statements.ts `alertGrants`, like every other statement the policy
 * decides): GetSecretValue on the Slack webhook secret when the policy names one, and
 * BatchImportFindings on the account's own Security Hub for alert when securityHub is on. The whole list comes from here because a
 * variable cannot leave a statement out of a list: with no secret, nothing is added, so no role
 * names GetSecretValue at all.
 */
const { fact } = require('../facts.cjs');

/** @param {import('../facts.cjs').VariableContext} context */
module.exports = async (context) => {
  const grants = /** @type {Record<string, unknown[]>} */ (await fact('alert-grants', context));
  const own = /** @type {Record<string, unknown[]>} */ (await context.resolveVariable('self:custom.alertRoleStatements'));
  for (const name of Object.keys(grants)) {
    // A grant for a function without statements here would be lost without a word.
    if (!Array.isArray(own[name]))
      throw new Error(`alert-role-statements: custom.alertRoleStatements has no list for ${name}, which the policy grants statements to`);
  }
  return Object.fromEntries(Object.entries(own).map(([name, statements]) => [name, [...statements, ...(grants[name] ?? [])]]));
};
