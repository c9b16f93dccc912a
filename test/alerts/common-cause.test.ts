/** What the findings of a storm share: one caller, user agent, name prefix, rotation function; counts where they divide. */
import { describe, expect, it } from 'vitest';
import {
  breakdownOf,
  type CauseFacts,
  commonCauseOf,
  commonPathPrefix,
  NO_CALLER,
  prefixGroupOf,
  TOP_LEVEL,
} from '../../shared/alerts/common-cause.js';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const BOB = 'arn:aws:iam::123456789012:user/bob';
const CLI = 'aws-cli/2.22.5 md/Botocore#1.35.80 ua/2.0 os/linux#6.1';

const facts = (n: number, change: Partial<CauseFacts> = {}): CauseFacts => ({
  secret: `prod/payments/svc-${n}`,
  caller: ALICE,
  userAgent: CLI,
  ...change,
});

describe('Function: commonPathPrefix', () => {
  it.each([
    [['prod/payments/db', 'prod/payments/api'], 'prod/payments/'],
    [['prod/payments/db', 'prod/orders/db'], 'prod/'],
    [['prod/pay/db', 'prod/payroll/db'], 'prod/'],
    [['prod/payments/db', 'staging/payments/db'], ''],
    [['prod/payments/db', 'db'], ''],
    [['prod/payments/db'], 'prod/payments/'],
    [['prod/payments', 'prod/payments/db'], 'prod/'],
    [[], ''],
  ])('%j share %j', (names, prefix) => {
    expect(commonPathPrefix(names)).toBe(prefix);
  });
});

describe('Function: prefixGroupOf', () => {
  it('counts a name under the next folder below the common prefix, or under the prefix itself when it has none', () => {
    expect(prefixGroupOf('prod/payments/db', 'prod/')).toBe('prod/payments/');
    expect(prefixGroupOf('prod/payments/eu/db', 'prod/')).toBe('prod/payments/');
    expect(prefixGroupOf('prod/db', 'prod/')).toBe('prod/');
    expect(prefixGroupOf('team-7/app/db', '')).toBe('team-7/');
    expect(prefixGroupOf('flat-name', '')).toBe(TOP_LEVEL);
  });
});

describe('Function: breakdownOf', () => {
  it('shows the largest groups first, ties by name, and counts the groups and findings left over', () => {
    // Act
    const breakdown = breakdownOf(['c', 'a', 'b', 'a', 'c', 'd', 'e', 'f', 'a'], 3);

    // Assess
    expect(breakdown).toEqual({
      top: [
        { value: 'a', count: 3 },
        { value: 'c', count: 2 },
        { value: 'b', count: 1 },
      ],
      otherGroups: 3,
      otherFindings: 3,
    });
  });
});

describe('Function: commonCauseOf', () => {
  it('names the one caller, user agent and prefix a storm shares', () => {
    // Act
    const cause = commonCauseOf(Array.from({ length: 1000 }, (_, n) => facts(n)));

    // Assess
    expect(cause).toMatchObject({ count: 1000, caller: ALICE, userAgent: CLI, prefix: 'prod/payments/', secrets: 1000 });
    expect(cause.byCaller).toEqual({ top: [{ value: ALICE, count: 1000 }], otherGroups: 0, otherFindings: 0 });
    expect(cause.byPrefix).toEqual({ top: [{ value: 'prod/payments/', count: 1000 }], otherGroups: 0, otherFindings: 0 });
    expect(cause.rotationFunction).toBeUndefined();
    expect(cause.secret).toBeUndefined();
  });

  it('names no caller when two share the storm half and half, and counts both', () => {
    // Act
    const cause = commonCauseOf(Array.from({ length: 1000 }, (_, n) => facts(n, { caller: n % 2 === 0 ? ALICE : BOB })));

    // Assess
    expect(cause.caller).toBeUndefined();
    expect(cause.userAgent).toBe(CLI);
    expect(cause.byCaller.top).toEqual([
      { value: ALICE, count: 500 },
      { value: BOB, count: 500 },
    ]);
  });

  it('names no prefix when the names share none, and counts them by their first folder', () => {
    // Act
    const cause = commonCauseOf(Array.from({ length: 12 }, (_, n) => facts(n, { secret: n < 8 ? `team-${n % 4}/app/db` : `flat-${n}` })));

    // Assess
    expect(cause.prefix).toBeUndefined();
    expect(cause.byPrefix).toEqual({
      top: [
        { value: TOP_LEVEL, count: 4 },
        { value: 'team-0/', count: 2 },
        { value: 'team-1/', count: 2 },
        { value: 'team-2/', count: 2 },
        { value: 'team-3/', count: 2 },
      ],
      otherGroups: 0,
      otherFindings: 0,
    });
  });

  it('names no common caller when one finding has none, and counts it apart', () => {
    // Prepare: found by the sweep, the last finding has no caller (and no user agent).
    const items = [...Array.from({ length: 9 }, (_, n) => facts(n)), { secret: 'prod/payments/svc-9' }];

    // Act
    const cause = commonCauseOf(items);

    // Assess
    expect(cause.caller).toBeUndefined();
    expect(cause.userAgent).toBeUndefined();
    expect(cause.byCaller.top).toEqual([
      { value: ALICE, count: 9 },
      { value: NO_CALLER, count: 1 },
    ]);
  });

  it('names the one rotation function of a rotation storm, and the one secret of a storm on a single secret', () => {
    // Prepare
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation';

    // Act
    const rotation = commonCauseOf(Array.from({ length: 5 }, (_, n) => ({ secret: `prod/db-${n}`, rotationFunction: fn })));
    const oneSecret = commonCauseOf(Array.from({ length: 5 }, () => facts(0)));

    // Assess
    expect(rotation).toMatchObject({ rotationFunction: fn, prefix: 'prod/', secrets: 5 });
    expect(rotation.byCaller.top).toEqual([{ value: NO_CALLER, count: 5 }]);
    expect(oneSecret).toMatchObject({ secret: 'prod/payments/svc-0', secrets: 1 });
  });

  it('shows the five largest callers and says how many others there are', () => {
    // Prepare: 20 callers, caller-0 making the most calls.
    const items = Array.from({ length: 100 }, (_, n) =>
      facts(n, { caller: `arn:aws:iam::123456789012:user/caller-${n < 30 ? 0 : n % 20}` }),
    );

    // Act
    const cause = commonCauseOf(items);

    // Assess
    expect(cause.byCaller.top).toHaveLength(5);
    expect(cause.byCaller.top[0]).toEqual({ value: 'arn:aws:iam::123456789012:user/caller-0', count: 33 });
    expect(cause.byCaller.otherGroups).toBe(15);
    expect(cause.byCaller.top.reduce((sum, t) => sum + t.count, 0) + cause.byCaller.otherFindings).toBe(100);
  });

  it('keeps hostile text as it was given: escaping is the renderers’ work', () => {
    // Prepare
    const hostile = '<!channel> *bold* `tick` \u202Eevil';

    // Act
    const cause = commonCauseOf([facts(1, { userAgent: hostile }), facts(2, { userAgent: hostile })]);

    // Assess
    expect(cause.userAgent).toBe(hostile);
  });
});
