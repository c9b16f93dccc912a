/**
 * The listing's book of work: one shard for a fresh run or exactly what a checkpoint left open,
 * lookups before shards and started shards before larger ones, splits counted, and a checkpoint
 * that reads back into the same book. Forged checkpoints are refused with the field named.
 */
import { describe, expect, it } from 'vitest';
import { InvalidCheckpointError, type ListCheckpoint, parseListCheckpoint, ShardBook } from '../../shared/sweep/shard-book.js';

const RESUMED: ListCheckpoint = {
  version: 1,
  shards: [
    { prefix: 'a', share: 0.5 },
    { prefix: 'b', chars: 'xy', share: 0.125, nextToken: 'token-b' },
  ],
  lookups: [{ name: 'c', listedUpTo: { createdMs: 1_700_000_000_000, names: ['c1'] } }],
};

describe('Class: ShardBook', () => {
  it('starts a fresh run with the whole account as one shard', () => {
    // Act
    const book = new ShardBook();

    // Assess
    expect(book.shardsKnown).toBe(1);
    expect(book.checkpoint()).toStrictEqual({ version: 1, shards: [{ prefix: '', share: 1 }], lookups: [] });
  });

  it('resumes exactly what a checkpoint left open, and writes it back the same', () => {
    // Act
    const book = new ShardBook(RESUMED);

    // Assess
    expect(book.shardsKnown).toBe(2);
    expect(book.checkpoint()).toStrictEqual({ ...RESUMED, shards: [RESUMED.shards[1], RESUMED.shards[0]] });
  });

  it('gives lookups first, then started shards, then the largest, each to one reader only', () => {
    // Prepare
    const book = new ShardBook(RESUMED);

    // Act
    const jobs = [book.take(), book.take(), book.take(), book.take()];

    // Assess
    expect(jobs[0]).toStrictEqual({ lookup: expect.objectContaining({ name: 'c' }) });
    expect(jobs[1]).toStrictEqual({ shard: expect.objectContaining({ token: 'token-b' }) });
    expect(jobs[2]).toStrictEqual({ shard: expect.objectContaining({ spec: { prefix: 'a' } }) });
    expect(jobs[3]).toBeUndefined();
    expect(book.hasUnownedWork()).toBe(false);
  });

  it('offers released work again and wakes the readers waiting for it', async () => {
    // Prepare
    const book = new ShardBook();
    const job = book.take();
    const waiting = book.changed();

    // Act
    if (job) book.release(job);
    await waiting;

    // Assess
    expect(book.hasUnownedWork()).toBe(true);
    expect(book.take()).toStrictEqual(job);
  });

  it('replaces a split shard by its children and lookups of the exact names not yet seen, counting each', () => {
    // Prepare
    const book = new ShardBook();
    const job = book.take();
    if (!job || !('shard' in job)) throw new Error('expected the first shard');
    const plan = {
      children: [
        { spec: { prefix: 'p' }, share: 0.75 },
        { spec: { prefix: 'q', chars: 'ab' }, share: 0.25 },
      ],
      exactNames: ['p', 'q'],
    };
    const mark = { createdMs: 5, names: ['p'] };

    // Act
    book.replace(job.shard, plan, mark, new Set(['q']));

    // Assess
    expect(book.shardsDone).toBe(1);
    expect(book.shardsKnown).toBe(3);
    expect(book.checkpoint()).toStrictEqual({
      version: 1,
      shards: [
        { prefix: 'p', share: 0.75, listedUpTo: mark },
        { prefix: 'q', chars: 'ab', share: 0.25, listedUpTo: mark },
      ],
      lookups: [{ name: 'p', listedUpTo: mark }],
    });
  });

  it('has no checkpoint once every shard and lookup is finished', () => {
    // Prepare
    const book = new ShardBook({ version: 1, shards: [{ prefix: 'a', share: 1 }], lookups: [{ name: 'b' }] });
    const lookup = book.take();
    const shard = book.take();

    // Act
    if (lookup && 'lookup' in lookup) book.finishLookup(lookup.lookup);
    if (shard && 'shard' in shard) book.finish(shard.shard);

    // Assess
    expect(book.checkpoint()).toBeUndefined();
    expect(book.shardsDone).toBe(1);
  });

  it('rounds shares in the checkpoint to three significant digits', () => {
    // Act
    const book = new ShardBook({ version: 1, shards: [{ prefix: 'a', share: 1 / 3 }], lookups: [] });

    // Assess
    expect(book.checkpoint()?.shards[0]?.share).toBe(0.333);
  });
});

describe('Function: parseListCheckpoint', () => {
  it('refuses a checkpoint this engine did not write, naming the fields', () => {
    // Act
    const act = () => parseListCheckpoint({ version: 1, shards: [{ prefix: 'a', share: 2 }], lookups: [], extra: true });

    // Assess
    expect(act).toThrow(InvalidCheckpointError);
    expect(act).toThrow(/shards\.0\.share/);
  });
});
