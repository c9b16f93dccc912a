/** Which AWS Config managed rule a compliance change is about, by the name the rule was deployed under. */
import { describe, expect, it } from 'vitest';
import { managedRuleOf } from '../../shared/domain/config-rules.js';

describe('Function: managedRuleOf', () => {
  it.each([
    ["AWS's default name", 'secretsmanager-rotation-enabled-check', 'secretsmanager-rotation-enabled-check'],
    ["Security Hub's copy", 'securityhub-secretsmanager-secret-unused-a1b2c3', 'secretsmanager-secret-unused'],
    ["a conformance pack's copy", 'secretsmanager-using-cmk-conformance-pack-x9y8z7', 'secretsmanager-using-cmk'],
  ])('knows %s', (_label, name, rule) => {
    expect(managedRuleOf(name, {})).toBe(rule);
  });

  it("takes a name the policy's configRules maps, and only to a managed rule", () => {
    // Prepare
    const aliases = { 'our-rotation-check': 'secretsmanager-secret-periodic-rotation', 'our-typo': 'secretsmanager-no-such-rule' };

    // Act
    const mapped = managedRuleOf('our-rotation-check', aliases);
    const misspelt = managedRuleOf('our-typo', aliases);

    // Assess
    expect(mapped).toBe('secretsmanager-secret-periodic-rotation');
    expect(misspelt).toBeUndefined();
  });

  it('knows no rule for a name that neither contains one nor is mapped', () => {
    expect(
      managedRuleOf('s3-bucket-public-read-prohibited', { 'our-rotation-check': 'secretsmanager-secret-periodic-rotation' }),
    ).toBeUndefined();
  });
});
