/** CompliancePort over AWS Config: StartConfigRulesEvaluation, so Security Hub sees a fix soon. */
import {
  ConfigServiceClient,
  type ConfigServiceClientConfig,
  NoSuchConfigRuleException,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import type { CompliancePort } from '../ports/ledger.js';
import { callAws } from './aws-errors.js';

export const configCompliance = (client: ConfigServiceClient): CompliancePort => ({
  reevaluate: async (configRuleNames) => {
    const started: string[] = [];
    // One call per rule: one unknown name would fail a call that lists several.
    for (const name of configRuleNames) {
      try {
        await callAws('config', 'StartConfigRulesEvaluation', () =>
          client.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [name] })),
        );
        started.push(name);
      } catch (error) {
        // A managed rule the account does not run under this name: nothing to bring up to date.
        if (!(error instanceof NoSuchConfigRuleException)) throw error;
      }
    }
    return started;
  },
});

/** The adapter on a client of its own, made with `config` (what the composition root loads with `import()` when first needed). */
export const configComplianceFor = (config: ConfigServiceClientConfig): CompliancePort => configCompliance(new ConfigServiceClient(config));
