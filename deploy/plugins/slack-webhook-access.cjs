// @ts-check
'use strict';
/**
 * Lets the alert functions (and no other) read the Slack webhook secret: one statement,
 * `secretsmanager:GetSecretValue` on exactly the ARN of the stage's policy field
 * `alerts.channels.slackWebhookSecretArn`, added to the roles of the functions listed in
 * `custom.slackWebhookReaders`. When the policy names no secret, nothing is added: no role of
 * the service may read any secret value.
 *
 * A plugin rather than a `${file(...)}` statement (as deploy/enable-rotation-statements.cjs is)
 * because a variable cannot leave a statement out of a list, and an "off" statement that still
 * names GetSecretValue is one more thing to audit. Listed after serverless-iam-roles-per-function,
 * so it runs after the roles exist, in the same hook.
 */
const { fact } = require('../facts.cjs');

const SID = 'ReadSlackWebhookSecret';

class SlackWebhookAccess {
  /**
   * @param {import('../serverless').Serverless} serverless
   * @param {import('../serverless').CliOptions} options
   */
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = { 'before:package:finalize': () => this.grant() };
  }

  async grant() {
    const { provider } = this.serverless.service;
    const options = { stage: this.options.stage ?? provider.stage ?? 'dev', region: this.options.region ?? provider.region ?? 'us-east-1' };
    const secretArn = await fact('slack-webhook-secret', { options, resolveVariable: async (name) => { throw new Error(`slack-webhook-access: ${name} is not known here`); } });
    if (!secretArn) return;
    const readers = this.serverless.service.custom?.slackWebhookReaders ?? [];
    if (readers.length === 0) throw new Error('slack-webhook-access: the policy names a Slack webhook secret but custom.slackWebhookReaders lists no function');
    const { Resources } = this.serverless.service.provider.compiledCloudFormationTemplate;
    const naming = this.serverless.getProvider('aws').naming;
    for (const name of readers) {
      const role = Resources[Resources[naming.getLambdaLogicalId(name)]?.Properties?.Role?.['Fn::GetAtt']?.[0]];
      const statements = role?.Properties?.Policies?.[0]?.PolicyDocument?.Statement;
      if (!Array.isArray(statements)) throw new Error(`slack-webhook-access: function ${name} has no role of its own to grant the Slack webhook secret to`);
      statements.push({ Sid: SID, Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn });
    }
    this.serverless.cli.log(`slack-webhook-access: ${readers.join(', ')} may read ${secretArn}`);
  }
}

module.exports = SlackWebhookAccess;
