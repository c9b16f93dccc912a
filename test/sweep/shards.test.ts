/**
 * The coverage argument of `shards.ts`, checked: whatever the names and whatever the sample the
 * estimates come from, a split's children and exact names hold every name of the shard split
 * exactly once. The sample only decides how the children are grouped, never what they cover.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inShard,
  MAX_PREFIXES_PER_CALL,
  NAME_CHARS,
  NAME_START_CHARS,
  planSplit,
  prefixesOf,
  type ShardSpec,
  type SplitPlan,
} from '../../shared/sweep/shards.js';

const OPTIONS = { maxGroupShare: 1 / 64 };

/** Where each name lands: the children holding it, and whether it is an exact name. */
const placements = (plan: SplitPlan, name: string): number =>
  plan.children.filter((child) => inShard(child.spec, name)).length + (plan.exactNames.includes(name) ? 1 : 0);

/** Names as AWS allows them (and `!` after the first character, as in `rds!db-…`), short enough to collide often. */
const nameArbitrary = fc
  .tuple(fc.constantFrom(...NAME_START_CHARS), fc.array(fc.constantFrom(...NAME_CHARS, 'a', 'b', '/', '-'), { maxLength: 6 }))
  .map(([first, rest]) => first + rest.join(''));

describe('Function: planSplit', () => {
  it('covers every name of a single-prefix shard exactly once, for any names and any sample', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArbitrary, { minLength: 1, maxLength: 60 }),
        fc.constantFrom('', 'a', 'ab', 'a/', 'P'),
        fc.nat(),
        (names, prefix, seed) => {
          // Prepare
          const inside = names.filter((name) => name.startsWith(prefix));
          const sample = inside.filter((_, i) => (i + seed) % 3 !== 0);

          // Act
          const plan = planSplit({ prefix }, 1, sample, OPTIONS);

          // Assess
          expect(plan).toBeDefined();
          for (const name of inside) expect(placements(plan as SplitPlan, name)).toBe(1);
          for (const name of names.filter((n) => !n.startsWith(prefix))) expect(placements(plan as SplitPlan, name)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('covers every name of a group exactly once, with each member on its own', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nameArbitrary, { minLength: 1, maxLength: 60 }), (names) => {
        // Prepare
        const group: ShardSpec = { prefix: 'a', chars: 'ab/-!' };

        // Act
        const plan = planSplit(group, 0.5, names, OPTIONS) as SplitPlan;

        // Assess
        expect(plan.children.map((c) => c.spec)).toStrictEqual([
          { prefix: 'aa' },
          { prefix: 'ab' },
          { prefix: 'a/' },
          { prefix: 'a-' },
          { prefix: 'a!' },
        ]);
        expect(plan.exactNames).toStrictEqual([]);
        for (const name of names) expect(placements(plan, name)).toBe(inShard(group, name) ? 1 : 0);
      }),
    );
  });

  it('goes down a prefix every sampled name shares at once, looking up each name on the way', () => {
    // Prepare
    const sample = Array.from({ length: 40 }, (_, i) => `prod/${i % 2 === 0 ? 'payments' : 'orders'}/db-${i}`);

    // Act
    const plan = planSplit({ prefix: 'p' }, 0.5, sample, OPTIONS) as SplitPlan;

    // Assess
    expect(plan.exactNames).toStrictEqual(['p', 'pr', 'pro', 'prod', 'prod/']);
    const single = plan.children.filter((c) => c.spec.chars === undefined).map((c) => c.spec.prefix);
    expect(single).toEqual(expect.arrayContaining(['prod/p', 'prod/o']));
    // Siblings at every level on the way, and names off the path land in them.
    for (const name of ['pa', 'pzz', 'pr-x', 'proa', 'prod-1', 'prod/x', 'prod', 'prod/payments/db-999'])
      expect(placements(plan, name)).toBe(1);
  });

  it('reads the seen children alone and packs the unseen ones, at most 10 to a call', () => {
    // Prepare
    const sample = [...Array.from({ length: 60 }, (_, i) => `a${i}`), ...Array.from({ length: 40 }, (_, i) => `b${i}`)];

    // Act
    const plan = planSplit({ prefix: '' }, 1, sample, OPTIONS) as SplitPlan;

    // Assess
    const alone = plan.children.filter((c) => c.spec.chars === undefined);
    expect(alone.map((c) => c.spec.prefix).sort()).toStrictEqual(['a', 'b']);
    expect(alone.find((c) => c.spec.prefix === 'a')?.share).toBeGreaterThan(alone.find((c) => c.spec.prefix === 'b')?.share ?? 1);
    const groups = plan.children.filter((c) => c.spec.chars !== undefined);
    expect(groups.length).toBe(Math.ceil((NAME_START_CHARS.length - 2) / MAX_PREFIXES_PER_CALL));
    for (const group of groups) {
      expect(prefixesOf(group.spec)?.length).toBeLessThanOrEqual(MAX_PREFIXES_PER_CALL);
      expect(group.share).toBeLessThanOrEqual(OPTIONS.maxGroupShare);
    }
    expect(plan.children.reduce((sum, c) => sum + c.share, 0)).toBeCloseTo(1, 6);
  });

  it('never makes a filter value starting with "!" (a negation), and follows `!` inside a name', () => {
    // Prepare
    const sample = Array.from({ length: 20 }, (_, i) => `rds!db-${i}`);

    // Act
    const root = planSplit({ prefix: '' }, 1, ['x', 'y'], OPTIONS) as SplitPlan;
    const rds = planSplit({ prefix: 'rds' }, 1, sample, OPTIONS) as SplitPlan;

    // Assess
    expect(root.children.flatMap((c) => prefixesOf(c.spec) ?? []).filter((p) => p.startsWith('!'))).toStrictEqual([]);
    expect(rds.exactNames).toContain('rds!db-');
    expect(placements(rds, 'rds!db-7')).toBe(1);
  });

  it.each([
    ['a prefix of the maximum length', { prefix: 'x'.repeat(512) }, ['x'.repeat(512)]],
    ['a sampled name with a character no filter can express', { prefix: 'a' }, ['a#1', 'a#2']],
  ])('declines to split %s', (_label, spec, sample) => {
    // Act
    const plan = planSplit(spec, 1, sample, OPTIONS);

    // Assess
    expect(plan).toBeUndefined();
  });
});

describe('Function: prefixesOf', () => {
  it('reads the whole account with no filter, a prefix with itself, a group with each member', () => {
    // Act
    const filters = [prefixesOf({ prefix: '' }), prefixesOf({ prefix: 'prod/' }), prefixesOf({ prefix: 'prod/', chars: 'ab' })];

    // Assess
    expect(filters).toStrictEqual([undefined, ['prod/'], ['prod/a', 'prod/b']]);
  });
});

describe('Function: inShard', () => {
  it('is case-sensitive and holds a group to its members', () => {
    // Act
    const verdicts = [
      inShard({ prefix: 'prod/' }, 'Prod/x'),
      inShard({ prefix: 'p', chars: 'ab' }, 'pc'),
      inShard({ prefix: 'p', chars: 'ab' }, 'p'),
      inShard({ prefix: 'p', chars: 'ab' }, 'pb1'),
    ];

    // Assess
    expect(verdicts).toStrictEqual([false, false, false, true]);
  });
});
