// @ts-check
'use strict';
/**
 * serverless-iam-roles-per-function gives each function its own role but leaves the framework's
 * shared default role (`IamRoleLambdaExecution`) in the template, attached to nothing. An unused
 * role is still a role to audit, so this removes it once no resource refers to it.
 * Local because no maintained plugin does it; the packaging test checks the result.
 */
class DropUnusedDefaultRole {
  /** @param {import('../serverless').Serverless} serverless */
  constructor(serverless) {
    this.serverless = serverless;
    // Listed after serverless-iam-roles-per-function, so this runs after it in the same hook.
    this.hooks = { 'before:package:finalize': () => this.drop() };
  }

  drop() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const { IamRoleLambdaExecution, ...others } = template.Resources;
    if (!IamRoleLambdaExecution) return;
    if (JSON.stringify(others).includes('"IamRoleLambdaExecution"')) return;
    delete template.Resources.IamRoleLambdaExecution;
  }
}

module.exports = DropUnusedDefaultRole;
