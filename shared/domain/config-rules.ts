/**
 * Which AWS Config managed rule a compliance change is about. The event names the rule as
 * deployed, not the managed rule it runs: AWS's default name is the identifier, Security Hub
 * names its copies `securityhub-<identifier>-<suffix>`, conformance packs add their own
 * suffixes, and the policy's `configRules` maps any other name.
 */
import { MANAGED_RULES, type ManagedRule } from '../contracts/config-event.js';

export const managedRuleOf = (configRuleName: string, aliases: Readonly<Record<string, string>>): ManagedRule | undefined => {
  const aliased = aliases[configRuleName];
  if (aliased) return MANAGED_RULES.find((rule) => rule === aliased);
  // No identifier contains another, so the first one the name contains is the one.
  return MANAGED_RULES.find((rule) => configRuleName === rule || configRuleName.includes(rule));
};
