/** JSON with every object's keys in order, so equal values give equal text. */
import { describe, expect, it } from 'vitest';
import { stableJson } from '../../shared/contracts/stable-json.js';

describe('Function: stableJson', () => {
  it('gives two objects with the same fields in another order the same text, at every level', () => {
    // Act
    const one = stableJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } });
    const other = stableJson({ a: { c: null, d: [{ x: 2, y: 1 }] }, b: 1 });

    // Assess
    expect(one).toBe(other);
    expect(one).toBe('{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}');
  });

  it('keeps the order of arrays, which is part of the value', () => {
    expect(stableJson([2, 1])).not.toBe(stableJson([1, 2]));
  });

  it('writes what is not an object as JSON does', () => {
    expect([stableJson('text'), stableJson(3), stableJson(null), stableJson({ gone: undefined })]).toStrictEqual([
      '"text"',
      '3',
      'null',
      '{}',
    ]);
  });
});
