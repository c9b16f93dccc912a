import { describe, expect, it } from 'vitest';
import { planClearStalePending, ROTATION_WINDOW_HOURS, withoutLabel } from '../../shared/domain/plan-clear-stale-pending.js';
import type { SecretState } from '../../shared/ports/secrets.js';

const FAILED_AT = new Date('2026-11-22T02:47:31Z');
const NOW = new Date('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;

const secret = (overrides: Partial<SecretState> = {}): SecretState => ({
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op',
  name: 'prod/payments/db',
  rotationEnabled: true,
  lastRotatedDate: new Date('2026-10-23T02:45:10Z'),
  tags: {},
  versions: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'], v3: ['AWSPENDING'] },
  ...overrides,
});

const pendingCreatedAt = (date: Date) => [{ versionId: 'v3', stages: ['AWSPENDING'], createdDate: date }];
const afterFailure = { failedAt: FAILED_AT, now: NOW, versions: pendingCreatedAt(new Date(FAILED_AT.getTime() - 60_000)) };

describe('Function: planClearStalePending', () => {
  describe('after a failed rotation', () => {
    it('removes AWSPENDING from a version that holds only it', () => {
      expect(planClearStalePending(secret(), afterFailure)).toEqual({
        kind: 'remove',
        versionId: 'v3',
        reason: 'remove AWSPENDING from version v3: the failed rotation left it there, and it blocks every later rotation',
        expectedAfter: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'] },
      });
    });

    it('keeps the version when it carries another custom label besides AWSPENDING', () => {
      const plan = planClearStalePending(secret({ versions: { v1: ['AWSCURRENT'], v3: ['AWSPENDING', 'blue'] } }), afterFailure);

      expect(plan).toMatchObject({ kind: 'remove', versionId: 'v3', expectedAfter: { v1: ['AWSCURRENT'], v3: ['blue'] } });
    });

    it('never touches a version that holds AWSCURRENT as well', () => {
      const plan = planClearStalePending(secret({ versions: { v1: ['AWSCURRENT', 'AWSPENDING'], v2: ['AWSPREVIOUS'] } }), afterFailure);

      expect(plan).toEqual({ kind: 'leave', reason: 'version v1 holds both AWSPENDING and AWSCURRENT; it is never touched' });
    });

    it('leaves a secret with nothing pending', () => {
      expect(planClearStalePending(secret({ versions: { v1: ['AWSCURRENT'] } }), afterFailure)).toEqual({
        kind: 'leave',
        reason: 'no version holds AWSPENDING: nothing is left to clear',
      });
    });

    it('leaves a secret scheduled for deletion', () => {
      const plan = planClearStalePending(secret({ deletedDate: new Date('2026-11-24T00:00:00Z') }), afterFailure);

      expect(plan).toMatchObject({ kind: 'leave', reason: expect.stringContaining('scheduled for deletion') });
    });

    it('leaves AWSPENDING alone when a rotation succeeded after the failure', () => {
      const plan = planClearStalePending(secret({ lastRotatedDate: new Date(FAILED_AT.getTime() + 1000) }), afterFailure);

      expect(plan).toMatchObject({ kind: 'leave', reason: expect.stringContaining('after the failure') });
    });

    it('leaves a pending version created after the failure: a rotation is in progress', () => {
      const plan = planClearStalePending(secret(), { ...afterFailure, versions: pendingCreatedAt(new Date(FAILED_AT.getTime() + 1000)) });

      expect(plan).toMatchObject({ kind: 'leave', reason: expect.stringContaining('a rotation is in progress') });
    });

    it('clears when the last rotation is exactly the failure time, or the creation date is unknown', () => {
      expect(planClearStalePending(secret({ lastRotatedDate: FAILED_AT }), afterFailure).kind).toBe('remove');
      expect(planClearStalePending(secret(), { failedAt: FAILED_AT, now: NOW, versions: [] }).kind).toBe('remove');
    });
  });

  describe("after a failed rotation whose event names its token (the failed rotation's version)", () => {
    const failedV3 = { ...afterFailure, failedVersionId: 'v3' };

    it('removes AWSPENDING from the version the failed rotation created, even one created in the same second after the failure was logged', () => {
      const plan = planClearStalePending(secret(), { ...failedV3, versions: pendingCreatedAt(new Date(FAILED_AT.getTime() + 412)) });

      expect(plan).toEqual({
        kind: 'remove',
        versionId: 'v3',
        reason: 'remove AWSPENDING from version v3: the failed rotation created it and left it there, and it blocks every later rotation',
        expectedAfter: { v1: ['AWSCURRENT'], v2: ['AWSPREVIOUS'] },
      });
    });

    it("leaves AWSPENDING on any other version, saying whose it is and that the sweep's stale-pending check clears it later", () => {
      const plan = planClearStalePending(secret(), { ...afterFailure, failedVersionId: 'v9' });

      expect(plan).toEqual({
        kind: 'leave',
        reason:
          "AWSPENDING is on version v3, not on version v9 that the failed rotation created: it belongs to another rotation and is left alone (the sweep's stale-pending check clears it once it is older than the 24-hour rotation window)",
      });
    });

    it('still never touches the version when it holds AWSCURRENT as well', () => {
      const plan = planClearStalePending(secret({ versions: { v1: ['AWSCURRENT'], v3: ['AWSCURRENT', 'AWSPENDING'] } }), failedV3);

      expect(plan).toMatchObject({ kind: 'leave', reason: 'version v3 holds both AWSPENDING and AWSCURRENT; it is never touched' });
    });
  });

  describe('after a failed rotation whose event names no token (dates compared to the second)', () => {
    it('counts a version created within the second the failure was logged in as created before it', () => {
      const plan = planClearStalePending(secret(), { ...afterFailure, versions: pendingCreatedAt(new Date(FAILED_AT.getTime() + 412)) });

      expect(plan).toMatchObject({ kind: 'remove', versionId: 'v3' });
    });

    it('counts a rotation within the same second as not after the failure', () => {
      expect(planClearStalePending(secret({ lastRotatedDate: new Date(FAILED_AT.getTime() + 999) }), afterFailure).kind).toBe('remove');
    });
  });

  describe('the stale-pending condition (no failure event)', () => {
    it(`removes a pending version older than the ${ROTATION_WINDOW_HOURS}-hour rotation window`, () => {
      const plan = planClearStalePending(secret(), { now: NOW, versions: pendingCreatedAt(new Date(NOW.getTime() - 3 * 24 * HOUR)) });

      expect(plan).toMatchObject({
        kind: 'remove',
        versionId: 'v3',
        reason: expect.stringContaining('pending for 3 days, past the 24-hour rotation window'),
      });
    });

    it('leaves one within the window: a rotation may be in progress', () => {
      const plan = planClearStalePending(secret(), {
        now: NOW,
        versions: pendingCreatedAt(new Date(NOW.getTime() - ROTATION_WINDOW_HOURS * HOUR)),
      });

      expect(plan).toMatchObject({ kind: 'leave', reason: expect.stringContaining('within the rotation window') });
    });

    it('leaves one whose creation date is unknown rather than guess', () => {
      expect(planClearStalePending(secret(), { now: NOW, versions: [] })).toMatchObject({
        kind: 'leave',
        reason: expect.stringContaining('unknown'),
      });
    });
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
