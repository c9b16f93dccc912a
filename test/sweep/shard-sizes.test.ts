/**
 * The largest account-regions of the last organisation run, which the next coordinator publishes
 * first: recorded by the run's last shard (bounded, failed shards left out), read back leniently
 * (a record it cannot read gives no head start, never a failure), and used to reorder, never to
 * add or drop a shard.
 */
import { describe, expect, it } from 'vitest';
import { claimKey } from '../../shared/ledger/keys.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import type { ShardFigures } from '../../shared/sweep/coordinator-summary.js';
import { largestFirst, readShardSizes, recordShardSizes, SIZES_KEPT } from '../../shared/sweep/shard-sizes.js';
import { fixedClock } from '../helpers/sandbox.js';

const figures = (account: string, region: string, secrets: number, failed?: string): ShardFigures => ({
  account,
  region,
  secrets,
  exempt: 0,
  findings: 0,
  unjudged: 0,
  byRule: {},
  bySeverity: {},
  listCalls: Math.ceil(secrets / 100),
  closerLooks: 0,
  invocations: 1,
  finishedAt: fixedClock.now().toISOString(),
  ...(failed ? { failed } : {}),
});

const ports = () => ({ ledger: new MemoryLedger(fixedClock.now), clock: fixedClock });

describe('recordShardSizes and readShardSizes', () => {
  it('keep the largest account-regions read, largest first, at most SIZES_KEPT, and replace the previous run’s', async () => {
    // Prepare
    const p = ports();
    await recordShardSizes(p, 'run-1', [figures('111111111111', 'eu-west-1', 5)]);
    const many = Array.from({ length: SIZES_KEPT + 20 }, (_, i) => figures(String(200000000000 + i), 'us-east-1', i + 1));

    // Act
    await recordShardSizes(p, 'run-2', [
      ...many,
      figures('300000000000', 'us-east-1', 0),
      figures('400000000000', 'us-east-1', 9_999, 'AccessDenied'),
    ]);
    const sizes = await readShardSizes(p);

    // Assess
    expect(sizes?.runId).toBe('run-2');
    expect(sizes?.shards).toHaveLength(SIZES_KEPT);
    expect(sizes?.shards[0]).toStrictEqual({
      account: String(200000000000 + SIZES_KEPT + 19),
      region: 'us-east-1',
      secrets: SIZES_KEPT + 20,
    });
    expect(sizes?.shards.map((s) => s.account)).not.toContain('400000000000');
    expect(sizes?.shards.map((s) => s.account)).not.toContain('111111111111');
  });

  it('read nothing when no run recorded sizes, or the record is not sizes', async () => {
    // Prepare
    const empty = ports();
    const garbled = ports();
    await garbled.ledger.complete(claimKey.sweepOrgSizes(), '{"runId": 7}', new Date(fixedClock.now().getTime() + 60_000));

    // Act
    const read = [await readShardSizes(empty), await readShardSizes(garbled)];

    // Assess
    expect(read).toStrictEqual([undefined, undefined]);
  });
});

describe('largestFirst', () => {
  const targets = ['a', 'b', 'c', 'd'].map((account) => ({ account, region: 'eu-west-1' }));

  it('puts the account-regions with sizes first, largest first, and keeps the others in their order', () => {
    // Act
    const ordered = largestFirst(targets, {
      runId: 'run-1',
      shards: [
        { account: 'c', region: 'eu-west-1', secrets: 10 },
        { account: 'd', region: 'eu-west-1', secrets: 500 },
        { account: 'e', region: 'eu-west-1', secrets: 900 },
        { account: 'a', region: 'us-east-1', secrets: 700 },
      ],
    });

    // Assess: e (not a target now) is not added; a in us-east-1 is another account-region.
    expect(ordered.map((t) => t.account)).toStrictEqual(['d', 'c', 'a', 'b']);
  });

  it('keeps equal sizes in their usual order (a stable sort), and every unknown after every known, even a known 0', () => {
    // Act
    const ordered = largestFirst(targets, {
      runId: 'census',
      shards: [
        { account: 'd', region: 'eu-west-1', secrets: 0 },
        { account: 'c', region: 'eu-west-1', secrets: 40 },
        { account: 'a', region: 'eu-west-1', secrets: 40 },
      ],
    });

    // Assess
    expect(ordered.map((t) => t.account)).toStrictEqual(['a', 'c', 'd', 'b']);
  });

  it('keeps the usual order without sizes', () => {
    expect(largestFirst(targets, undefined)).toStrictEqual(targets);
  });
});
