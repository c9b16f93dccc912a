/** What a sweep counts, and how the counts come back from a checkpoint written by an older version. */
import { describe, expect, it } from 'vitest';
import { addInspection, addUnreadable, emptyCounts, SweepCountsSchema, UNJUDGED_SAMPLE_SIZE } from '../../shared/sweep/summary.js';

const refused = (...reasons: ('AccessDenied' | 'InvalidSecretState')[]) => ({
  findings: [],
  exempt: false,
  perSecretCalls: reasons.length,
  unjudged: reasons.map((reason) => ({ reason })),
});

describe('Function: addInspection', () => {
  it('counts a secret with refused looks once, under each distinct reason, and samples its name', () => {
    // Act
    const counts = addInspection(emptyCounts(), refused('AccessDenied', 'AccessDenied', 'InvalidSecretState'), 'prod/shared/locked');

    // Assess
    expect(counts).toMatchObject({
      secrets: 1,
      unjudged: 1,
      unjudgedByReason: { AccessDenied: 1, InvalidSecretState: 1 },
      unjudgedSample: ['prod/shared/locked'],
    });
  });

  it('counts a fully judged secret as read only', () => {
    // Act
    const counts = addInspection(emptyCounts(), { findings: [], exempt: false, perSecretCalls: 0, unjudged: [] }, 'prod/app/db');

    // Assess
    expect(counts).toMatchObject({ secrets: 1, unjudged: 0, unjudgedByReason: {}, unjudgedSample: [] });
  });

  it(`keeps at most ${UNJUDGED_SAMPLE_SIZE} names, however many are unjudged`, () => {
    // Act
    let counts = emptyCounts();
    for (let i = 0; i < 20; i++) counts = addInspection(counts, refused('AccessDenied'), `locked-${i}`);

    // Assess
    expect(counts.unjudged).toBe(20);
    expect(counts.unjudgedSample).toEqual(['locked-0', 'locked-1', 'locked-2', 'locked-3', 'locked-4']);
  });
});

describe('Function: addUnreadable', () => {
  it('counts a name the listing could not read as unjudged, not as a secret read', () => {
    // Act
    const counts = addUnreadable(emptyCounts(), 'prod');

    // Assess
    expect(counts).toMatchObject({ secrets: 0, unjudged: 1, unjudgedByReason: { AccessDenied: 1 }, unjudgedSample: ['prod'] });
  });
});

describe('Schema: SweepCountsSchema', () => {
  it('reads counts written before unjudged secrets were counted, as none unjudged', () => {
    // Prepare: a checkpoint's counts from the version before.
    const older = {
      secrets: 200,
      exempt: 1,
      findings: 3,
      perSecretCalls: 2,
      byRule: { unused: 3 },
      bySeverity: { critical: 0, high: 0, medium: 0, low: 3, info: 0 },
    };

    // Act
    const counts = SweepCountsSchema.parse(JSON.parse(JSON.stringify(older)));

    // Assess
    expect(counts).toStrictEqual({ ...older, unjudged: 0, unjudgedByReason: {}, unjudgedSample: [] });
  });

  it('round-trips counts through JSON unchanged', () => {
    // Prepare
    const counts = addUnreadable(addInspection(emptyCounts(), refused('InvalidSecretState'), 'a'), 'b');

    // Act
    const read = SweepCountsSchema.parse(JSON.parse(JSON.stringify(counts)));

    // Assess
    expect(read).toStrictEqual(counts);
  });

  it('refuses counts that are not counts', () => {
    // Act
    const parsed = SweepCountsSchema.safeParse({ ...emptyCounts(), secrets: -1 });

    // Assess
    expect(parsed.success).toBe(false);
  });
});
