/**
 * What starts an invocation of the sweep: its schedule, its own "Sweep Continuation" (the
 * checkpoint, how far the run has come, and the shard it reads in organisation mode) or an
 * organisation run's "Sweep Shard". Anything else, or a continuation out of shape, is refused
 * with every field at fault named.
 */
import { describe, expect, it } from 'vitest';
import { type Continuation, parseTrigger, SWEEP_CONTINUATION_DETAIL_TYPE } from '../../shared/contracts/sweep-continuation.js';
import { SWEEP_SHARD_DETAIL_TYPE } from '../../shared/contracts/sweep-shard.js';
import { InvalidEventError } from '../../shared/errors.js';

const SHARD = { runId: 'sweep-org-20261125T1200Z', account: '444455556666', region: 'eu-west-1' };
const CONTINUATION: Continuation = {
  checkpoint: { version: 1, runId: 'sweep-20261125T1200Z-1a2b3c4d', startedAt: '2026-11-25T12:00:00Z', nextToken: 'page-3' },
  invocation: 2,
  listCalls: 3,
};

/** An EventBridge event of `source` and `detailType` carrying `detail`. */
const envelope = (source: string, detailType: string, detail: unknown) => ({
  version: '0',
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: '2026-11-25T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const ALLOWED =
  "detail-type: expected a 'Scheduled Event' from aws.events, or 'Sweep Continuation' or 'Sweep Shard' from secrets-remediator";

/** The problems the trigger `raw` is refused with; an accepted one fails the test. */
const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseTrigger(raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected the trigger to be refused');
};

describe('Function: parseTrigger', () => {
  it('starts a run on the schedule, with nothing to continue', () => {
    // Prepare
    const raw = envelope('aws.events', 'Scheduled Event', {});

    // Act
    const trigger = parseTrigger(raw);

    // Assess
    expect(trigger).toStrictEqual({ event: raw });
  });

  it('continues a run from its checkpoint, keeping what the checkpoint holds besides its header', () => {
    // Act
    const trigger = parseTrigger(envelope('secrets-remediator', SWEEP_CONTINUATION_DETAIL_TYPE, CONTINUATION));

    // Assess
    expect(trigger.continuation).toStrictEqual(CONTINUATION);
    expect(trigger.shard).toBeUndefined();
  });

  it("continues a shard's run with the shard its continuation names", () => {
    // Act
    const trigger = parseTrigger(envelope('secrets-remediator', SWEEP_CONTINUATION_DETAIL_TYPE, { ...CONTINUATION, shard: SHARD }));

    // Assess
    expect(trigger.continuation).toStrictEqual({ ...CONTINUATION, shard: SHARD });
    expect(trigger.shard).toStrictEqual(SHARD);
  });

  it("starts a shard's run from an organisation run's Sweep Shard", () => {
    // Act
    const trigger = parseTrigger(envelope('secrets-remediator', SWEEP_SHARD_DETAIL_TYPE, SHARD));

    // Assess
    expect(trigger.shard).toStrictEqual(SHARD);
    expect(trigger.continuation).toBeUndefined();
  });

  it('refuses a continuation out of shape, naming every field under detail', () => {
    // Prepare
    const forged = { checkpoint: { version: 2, runId: '', startedAt: 'yesterday' }, invocation: 0, listCalls: -1 };

    // Act
    const problems = problemsOf(envelope('secrets-remediator', SWEEP_CONTINUATION_DETAIL_TYPE, forged));

    // Assess
    expect(problems).toStrictEqual([
      'detail.checkpoint.version: Invalid input: expected 1',
      'detail.checkpoint.runId: Too small: expected string to have >=1 characters',
      'detail.checkpoint.startedAt: Invalid ISO datetime',
      'detail.invocation: Too small: expected number to be >=1',
      'detail.listCalls: Too small: expected number to be >=0',
    ]);
  });

  it("refuses a shard out of shape, the shard's own checks named under detail", () => {
    // Act
    const problems = problemsOf(envelope('secrets-remediator', SWEEP_SHARD_DETAIL_TYPE, { ...SHARD, account: '4444' }));

    // Assess
    expect(problems).toStrictEqual(['detail.account: expected a 12-digit account id']);
  });

  it.each([
    ['a continuation from another source', envelope('aws.events', SWEEP_CONTINUATION_DETAIL_TYPE, CONTINUATION)],
    ['a schedule from another source', envelope('secrets-remediator', 'Scheduled Event', {})],
    ['a finding', envelope('secrets-remediator', 'Secret Finding', {})],
  ])('refuses %s, saying what starts a sweep', (_label, raw) => {
    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toStrictEqual([ALLOWED]);
  });

  it('refuses what is not an EventBridge event, naming the envelope fields missing', () => {
    // Act
    const problems = problemsOf({ detail: CONTINUATION });

    // Assess
    expect(problems).toContain('detail-type: missing (expected string)');
    expect(problems).toContain('source: missing (expected string)');
  });
});
