/**
 * The Config compliance-change pattern for a deployment. The JSON file matches the names AWS
 * gives the five managed rules (the identifier itself, Security Hub's
 * `securityhub-<identifier>-<suffix>`, conformance packs' suffixes); the policy's `configRules`
 * adds the exact names of copies called anything else. serverless.yml and the replay both build
 * the pattern here, so they cannot disagree.
 */
import type { Policy } from '../policy/schema.js';
import baseConfigPattern from './config-compliance-changes.pattern.json' with { type: 'json' };
import type { EventPattern } from './match-pattern.js';

export const configCompliancePattern = (policy: Pick<Policy, 'configRules'>): EventPattern => {
  const aliases = Object.keys(policy.configRules).sort();
  if (aliases.length === 0) return baseConfigPattern;
  const { detail } = baseConfigPattern;
  return { ...baseConfigPattern, detail: { ...detail, configRuleName: [...detail.configRuleName, ...aliases] } };
};
