// @ts-check
'use strict';
/**
 * Security Hub, when the stage's policy turns `securityHub.enabled` on (the `security-hub` fact
 * of shared/cli/deployment-facts.ts is then not null), and nothing at all when it does not:
 *
 * - a rule on the default bus taking Security Hub's failed SecretsManager.1-4 control findings to
 *   classify (shared/rules/securityhub-findings.pattern.json, the pattern the replay routes by),
 *   with the same delivery settings as every other rule (custom.ruleRetryPolicy, the rule
 *   dead-letter queue), and the permission for it to invoke classify;
 *
 * The alert function's BatchImportFindings grant is not added here: it comes with the alert
 * functions' other policy-decided statements (deploy/variables/alert-role-statements.cjs).
 *
 * A plugin rather than `${file(...)}` variables because a variable cannot leave a rule out. Runs before deploy/plugins/operations.cjs, which gives every rule its alarm and
 * its place in the dead-letter queue's policy.
 */
const { fact } = require('../facts.cjs');

const RULE_ID = 'SecurityHubFindingsRule';

class SecurityHub {
  /**
   * @param {import('../serverless').Serverless} serverless
   * @param {import('../serverless').CliOptions} options
   */
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = { 'before:package:finalize': () => this.add() };
  }

  async add() {
    const { service } = this.serverless;
    const { provider } = service;
    const options = { stage: this.options.stage ?? provider.stage ?? 'dev', region: this.options.region ?? provider.region ?? 'us-east-1' };
    const securityHub = /** @type {{ pattern: unknown, target: string } | null} */ (
      await fact('security-hub', {
        options,
        resolveVariable: async (name) => {
          throw new Error(`security-hub: ${name} is not known here`);
        },
      })
    );
    if (!securityHub) return;
    const { Resources } = provider.compiledCloudFormationTemplate;
    const naming = this.serverless.getProvider('aws').naming;

    const targetId = naming.getLambdaLogicalId(securityHub.target);
    if (!Resources[targetId]) throw new Error(`security-hub: no function ${securityHub.target} to send Security Hub's findings to`);
    const retry = service.custom?.ruleRetryPolicy;
    if (!retry) throw new Error('security-hub: serverless.yml has no custom.ruleRetryPolicy for the rule to deliver with');
    Resources[RULE_ID] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: "Security Hub's failed SecretsManager.1-4 control findings to classify",
        // Named, so its FailedInvocations alarm (deploy/plugins/operations.cjs) can name it.
        Name: `${service.service}-${options.stage}-securityhub-findings`,
        EventPattern: securityHub.pattern,
        State: 'ENABLED',
        Targets: [
          {
            Id: securityHub.target,
            Arn: { 'Fn::GetAtt': [targetId, 'Arn'] },
            RetryPolicy: { MaximumEventAgeInSeconds: retry.maximumEventAge, MaximumRetryAttempts: retry.maximumRetryAttempts },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['RuleDeadLetterQueue', 'Arn'] } },
          },
        ],
      },
    };
    Resources[`${RULE_ID}Permission`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [targetId, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [RULE_ID, 'Arn'] },
      },
    };

    this.serverless.cli.log(`security-hub: ${securityHub.target} takes Security Hub's control findings`);
  }
}

module.exports = SecurityHub;
