import { describe, expect, it } from 'vitest';
import { planClearStalePending, withoutLabel } from '../../shared/domain/plan-clear-stale-pending.js';
import type { SecretState } from '../../shared/ports/secrets.js';

const FAILED_AT = new Date('2026-11-22T02:47:31Z');

const secret = (overrides: Partial<SecretState> = {}): SecretState => ({
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op',
  name: 'prod/payments/db',
  rotationEnabled: true,
  lastRotatedDate: new Date('2026-10-23T02:45:10Z'),
  tags: {},
  versions: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'], v3: ['AWSPENDING'] },
  ...overrides,
});

describe('Function: planClearStalePending', () => {
  it('removes AWSPENDING from a version that holds only it', () => {
    expect(planClearStalePending(secret(), FAILED_AT)).toEqual({
      kind: 'remove',
      versionId: 'v3',
      reason: 'version v3 holds AWSPENDING left by the failed rotation; it blocks every later rotation',
      expectedAfter: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'] },
    });
  });

  it('keeps the version when it carries another custom label besides AWSPENDING', () => {
    const plan = planClearStalePending(secret({ versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING', 'blue'] } }), FAILED_AT);

    expect(plan).toMatchObject({ kind: 'remove', versionId: 'v3', expectedAfter: { v1: ['AWSCURRENT'], v3: ['blue'] } });
  });

  it('never touches a version that holds AWSCURRENT as well', () => {
    const plan = planClearStalePending(secret({ versions: { v1: ['AWSCURRENT', 'AWSPENDING'], v2: ['AWSPREVIOUS'] } }), FAILED_AT);

    expect(plan).toEqual({ kind: 'leave', reason: 'version v1 holds both AWSPENDING and AWSCURRENT; it is never touched' });
  });

  it('leaves a secret with nothing pending', () => {
    expect(planClearStalePending(secret({ versions: { v1: ['AWSCURRENT'] } }), FAILED_AT)).toEqual({
      kind: 'leave',
      reason: 'no version holds AWSPENDING: nothing is left to clear',
    });
  });

  it('leaves a secret scheduled for deletion', () => {
    const plan = planClearStalePending(secret({ deletedDate: new Date('2026-11-24T00:00:00Z') }), FAILED_AT);

    expect(plan).toMatchObject({ kind: 'leave', reason: expect.stringContaining('scheduled for deletion') });
  });

  it('leaves AWSPENDING alone when a rotation succeeded after the failure (it belongs to a later rotation)', () => {
    const plan = planClearStalePending(secret({ lastRotatedDate: new Date(FAILED_AT.getTime() + 1000) }), FAILED_AT);

    expect(plan).toMatchObject({ kind: 'leave', reason: expect.stringContaining('after the failure') });
  });

  it('still clears when the last rotation is exactly the failure time or older', () => {
    expect(planClearStalePending(secret({ lastRotatedDate: FAILED_AT }), FAILED_AT).kind).toBe('remove');
  });
});

describe('Function: withoutLabel', () => {
  it('drops a version left with no labels, as DescribeSecret does', () => {
    expect(withoutLabel({ a: ['AWSCURRENT'], b: ['AWSPENDING'] }, 'b', 'AWSPENDING')).toEqual({ a: ['AWSCURRENT'] });
  });

  it('changes nothing for a label the version does not carry', () => {
    expect(withoutLabel({ a: ['AWSCURRENT'] }, 'a', 'AWSPENDING')).toEqual({ a: ['AWSCURRENT'] });
  });
});
