/**
 * "Sweep Shard": the account-region of an organisation sweep the coordinator hands the sweep
 * function. A claim on the bus like any other, so its schema is strict: each field in the shape
 * AWS gives it, nothing else.
 */
import { describe, expect, it } from 'vitest';
import * as z from '../../shared/contracts/zod.js';
import { shardRunId, type SweepShard, SweepShardSchema } from '../../shared/contracts/sweep-shard.js';

const SHARD: SweepShard = { runId: 'sweep-20261125T1200Z-1a2b3c4d', account: '444455556666', region: 'eu-west-1' };

/** The problems of `detail` as a shard, `path: message`; a valid shard fails the test. */
const problemsOf = (detail: unknown): string[] => {
  const parsed = z.safeParse(SweepShardSchema, detail);
  if (parsed.success) throw new Error('expected the shard to be refused');
  return parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('Schema: SweepShardSchema', () => {
  it.each(['eu-west-1', 'us-gov-west-1', 'ap-southeast-2', 'il-central-1'])('takes a shard in %s', (region) => {
    // Act
    const parsed = SweepShardSchema.parse({ ...SHARD, region });

    // Assess
    expect(parsed).toStrictEqual({ ...SHARD, region });
  });

  it.each([
    ['an account id of 11 digits', { account: '44445555666' }, 'account: expected a 12-digit account id'],
    ['an account id with letters', { account: '44445555666x' }, 'account: expected a 12-digit account id'],
    ['a region that is no region name', { region: 'Europe' }, 'region: expected a region name such as eu-west-1'],
    ['a run id that is not a sweep run', { runId: 'run-1' }, 'runId: expected a sweep run id'],
    ['a run id of more than 80 characters after "sweep-"', { runId: `sweep-${'a'.repeat(81)}` }, 'runId: expected a sweep run id'],
    ['a field it does not know', { roleArn: 'arn:aws:iam::444455556666:role/admin' }, ': Unrecognized key: "roleArn"'],
  ])('refuses %s, naming the field', (_label, change, problem) => {
    // Act
    const problems = problemsOf({ ...SHARD, ...change });

    // Assess
    expect(problems).toStrictEqual([problem]);
  });
});

describe('Function: shardRunId', () => {
  it("names a shard's own run after the organisation run, the account and the region", () => {
    // Act
    const id = shardRunId(SHARD);

    // Assess
    expect(id).toBe('sweep-20261125T1200Z-1a2b3c4d-444455556666-eu-west-1');
  });

  it('gives two shards of one run different ids', () => {
    // Act
    const ids = new Set([SHARD, { ...SHARD, region: 'us-east-1' }, { ...SHARD, account: '123456789012' }].map(shardRunId));

    // Assess
    expect(ids.size).toBe(3);
  });
});
