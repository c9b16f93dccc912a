/** CompliancePort over AWS Config: StartConfigRulesEvaluation, so Security Hub sees a fix soon. */
import { type ConfigServiceClient, NoSuchConfigRuleException, StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import type { CompliancePort } from '../ports/ledger.js';
import { callAws } from './aws-errors.js';

export const configCompliance = (client: ConfigServiceClient): CompliancePort => ({
  reevaluate: async (configRuleNames) => {
    if (configRuleNames.length === 0) return;
    try {
      await callAws('config', 'StartConfigRulesEvaluation', () => client.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [...configRuleNames] })));
    } catch (error) {
      // A managed rule the account does not run: there is nothing to bring up to date.
      if (error instanceof NoSuchConfigRuleException) return;
      throw error;
    }
  },
});
