/** A count with its noun. */
import { describe, expect, it } from 'vitest';
import { plural } from '../shared/plural.js';

describe('Function: plural', () => {
  it.each([
    [0, '0 events'],
    [1, '1 event'],
    [2, '2 events'],
  ])('writes %i event(s) as "%s"', (count, text) => {
    expect(plural(count, 'event')).toBe(text);
  });

  it('takes the plural it is given for a noun that does not add an s', () => {
    expect([plural(1, 'policy', 'policies'), plural(3, 'policy', 'policies')]).toStrictEqual(['1 policy', '3 policies']);
  });
});
