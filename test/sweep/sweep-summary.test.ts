/** The sweep's one message to the alert topic. */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../shared/alerts/limits.js';
import { renderSweepSummary, SWEEP_SUMMARY_RULE } from '../../shared/sweep/sweep-summary.js';
import { emptyCounts, type SweepCounts } from '../../shared/sweep/summary.js';

const base = {
  runId: 'sweep-20261125T0300Z-1a2b3c4d',
  account: '123456789012',
  region: 'us-east-1',
  startedAt: '2026-11-25T03:00:00.000Z',
  finishedAt: '2026-11-25T03:01:10.000Z',
  invocations: 1,
  listCalls: 5000,
};

const counts: SweepCounts = {
  secrets: 500_000,
  exempt: 1_000,
  findings: 1_203,
  perSecretCalls: 40,
  byRule: { unused: 1_000, 'stale-pending': 3, 'rotation-missing': 200 },
  bySeverity: { critical: 0, high: 3, medium: 200, low: 1_000, info: 0 },
  unjudged: 0,
  unjudgedByReason: {},
  unjudgedSample: [],
};

/** Three secrets whose closer look was refused: two by a resource policy, one by its state. */
const unjudged: Pick<SweepCounts, 'unjudged' | 'unjudgedByReason' | 'unjudgedSample'> = {
  unjudged: 3,
  unjudgedByReason: { InvalidSecretState: 1, AccessDenied: 2 },
  unjudgedSample: ['prod/shared/locked-a', 'prod/shared/locked-b', 'prod/old/retired'],
};

describe('sweep summary', () => {
  it('names the worst severity found in the subject and carries filterable attributes', () => {
    // Act
    const message = renderSweepSummary({ ...base, counts });

    // Assess
    expect(message.subject).toBe('[HIGH] sweep: 1203 findings in 500000 secrets (123456789012/us-east-1)');
    expect(message.subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectChars);
    expect(message.attributes).toEqual({
      severity: 'high',
      rule: SWEEP_SUMMARY_RULE,
      account: '123456789012',
      region: 'us-east-1',
      secret: '*',
    });
  });

  it('lists counts per check (most severe first) and per severity, and what the read cost', () => {
    // Act
    const { body } = renderSweepSummary({ ...base, counts, invocations: 2 });

    // Assess
    const stale = body.indexOf('stale-pending (high): 3');
    const missing = body.indexOf('rotation-missing (medium, SecretsManager.1): 200');
    const unused = body.indexOf('unused (low, SecretsManager.3): 1000');
    expect(stale).toBeGreaterThan(-1);
    expect(missing).toBeGreaterThan(stale);
    expect(unused).toBeGreaterThan(missing);
    expect(body).toContain('low: 1000');
    expect(body).toContain('secrets: 500000 (1000 exempt by tag, 499000 judged)');
    expect(body).toContain('ListSecrets calls: 5000; closer looks: 40 (0.000 per judged secret)');
    expect(body).toContain('(70 s, 2 invocations)');
  });

  it('says every secret passed when nothing was found, at severity info', () => {
    // Act
    const message = renderSweepSummary({ ...base, counts: { ...emptyCounts(), secrets: 12 } });

    // Assess
    expect(message.subject).toMatch(/^\[INFO\] sweep: 0 findings in 12 secrets/);
    expect(message.body).toContain('none: every secret passed every check');
  });

  it('keeps the subject within SNS rules however long the counts and names: at most 99 printable ASCII characters, the account and region whole', () => {
    // Act
    const message = renderSweepSummary({
      ...base,
      account: '123456789012',
      region: 'ap-southeast-2',
      counts: { ...counts, findings: 123_456_789_012, secrets: 987_654_321_098, ...unjudged, unjudged: 111_222_333_444 },
    });

    // Assess
    expect(message.subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectChars);
    expect(message.subject).toMatch(/^[\x20-\x7E]+$/);
    expect(message.subject.endsWith(' (123456789012/ap-southeast-2)')).toBe(true);
    expect(message.subject).toContain('...');
  });

  it('says how many secrets it could not judge, why, and which, in the subject and the body', () => {
    // Act
    const message = renderSweepSummary({ ...base, counts: { ...counts, ...unjudged } });

    // Assess
    expect(message.subject).toBe('[HIGH] sweep: 1203 findings in 500000 secrets, 3 unjudged (123456789012/us-east-1)');
    expect(message.subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectChars);
    expect(message.body).toContain(
      '  could not judge 3 secrets (AccessDenied 2, InvalidSecretState 1), e.g. prod/shared/locked-a, prod/shared/locked-b, prod/old/retired\n',
    );
  });

  it('does not claim every secret passed when some could not be judged', () => {
    // Act
    const message = renderSweepSummary({ ...base, counts: { ...emptyCounts(), secrets: 12, ...unjudged } });

    // Assess
    expect(message.body).not.toContain('every secret passed');
    expect(message.body).toContain('none among the checks it could judge');
    expect(message.body).toContain('could not judge 3 secrets');
  });

  it('leaves the unjudged line out when every secret was judged', () => {
    // Act
    const { subject, body } = renderSweepSummary({ ...base, counts });

    // Assess
    expect(subject).not.toContain('unjudged');
    expect(body).not.toContain('could not judge');
  });
});
