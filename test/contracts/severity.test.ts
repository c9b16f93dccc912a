import { describe, expect, it } from 'vitest';
import { atLeast, SEVERITIES, severityRank } from '../../shared/contracts/severity.js';

describe('severity order', () => {
  it('lists every severity of the finding contract, most severe first', () => {
    expect(SEVERITIES).toEqual(['critical', 'high', 'medium', 'low', 'info']);
  });

  it('ranks a more severe finding above a less severe one', () => {
    const ranks = SEVERITIES.map(severityRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(ranks).size).toBe(SEVERITIES.length);
  });

  it.each([
    ['critical', 'high', true],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['info', 'low', false],
    ['low', 'info', true],
  ] as const)('%s is at least %s: %s', (severity, threshold, expected) => {
    expect(atLeast(severity, threshold)).toBe(expected);
  });
});
