/**
 * The listing's book of work: the shards not yet read to their end and the names still to look
 * up, which reader owns which, and the checkpoint that carries them to the next run. What a
 * shard is and how it splits is `shards.ts`; why the account is read in shards, docs/sweep.md
 * ("Reading 500,000 secrets").
 */
import * as z from '../contracts/zod.js';
import { RemediationError } from '../errors.js';
import { describeIssues } from '../contracts/zod-issues.js';
import { MAX_NAME_LENGTH, type ShardSpec, type SplitPlan } from './shards.js';

/**
 * Entries a shard must not yield, because the chain it was restarted from did: those created
 * before `createdMs`, and those created at `createdMs` named in `names`.
 */
export interface ListedUpTo {
  /** Epoch milliseconds. */
  readonly createdMs: number;
  readonly names: readonly string[];
}

/** A shard not read to its end. */
export interface CheckpointShard {
  /** The name prefix; with `chars`, the group of prefixes `prefix + c` for each c. */
  readonly prefix: string;
  readonly chars?: string | undefined;
  /** The estimated share of the account: orders the work and decides splits. */
  readonly share: number;
  /** Where to read on; absent: not started. */
  readonly nextToken?: string | undefined;
  readonly listedUpTo?: ListedUpTo | undefined;
}

/** A name equal to a split prefix, still to be looked up. */
export interface CheckpointLookup {
  readonly name: string;
  readonly listedUpTo?: ListedUpTo | undefined;
}

/**
 * Where an unfinished listing stands: JSON, and small (the shards not finished and the tokens of
 * those begun, at most `concurrency` of them), so it can travel in the event that continues the
 * run in the next invocation.
 */
export interface ListCheckpoint {
  readonly version: 1;
  readonly shards: readonly CheckpointShard[];
  readonly lookups: readonly CheckpointLookup[];
}

/** A checkpoint that is not one this engine wrote. */
export class InvalidCheckpointError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidCheckpointError';
  }
}

const ListedUpToSchema = z.strictObject({ createdMs: z.number(), names: z.array(z.string()) });

const ListCheckpointSchema = z.strictObject({
  version: z.literal(1),
  shards: z.array(
    z.strictObject({
      prefix: z.string().check(z.maxLength(MAX_NAME_LENGTH)),
      chars: z.optional(z.string().check(z.minLength(2), z.maxLength(10))),
      share: z.number().check(z.minimum(0), z.maximum(1)),
      nextToken: z.optional(z.string().check(z.minLength(1))),
      listedUpTo: z.optional(ListedUpToSchema),
    }),
  ),
  lookups: z.array(
    z.strictObject({ name: z.string().check(z.minLength(1), z.maxLength(MAX_NAME_LENGTH)), listedUpTo: z.optional(ListedUpToSchema) }),
  ),
});

/** Validates a checkpoint read back from storage or an event; throws InvalidCheckpointError naming the field. */
export const parseListCheckpoint = (value: unknown): ListCheckpoint => {
  const parsed = ListCheckpointSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new InvalidCheckpointError(`not a listing checkpoint: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return parsed.data;
};

/** What the book needs to know of the chain a reader is following through a shard. */
export interface ChainEstimate {
  /** Pages still to read, at the pace seen so far, until `nowMs`. */
  remainingPages(nowMs: number): number;
}

/** A shard in the book. */
export interface Shard {
  readonly spec: ShardSpec;
  readonly share: number;
  readonly listedUpTo?: ListedUpTo;
  /** The next page's token, advanced only when the consumer takes a page; absent: not started. */
  token?: string;
  /** Being read by a reader. */
  owned: boolean;
  /** What the reader has seen of the shard since it took it (for restarts). */
  chain?: ChainEstimate | undefined;
}

/** A name equal to a split prefix, in the book. */
export interface Lookup {
  readonly name: string;
  readonly listedUpTo?: ListedUpTo;
  owned: boolean;
}

/** Work a reader took: a lookup, or a shard to read. */
export type Job = { readonly lookup: Lookup } | { readonly shard: Shard };

/** Started shards first (their tokens are progress to keep), then the largest: the longest chains start first. */
const before = (a: Shard, b: Shard): boolean =>
  (a.token !== undefined) !== (b.token !== undefined) ? a.token !== undefined : a.share > b.share;

/** Rounded for the checkpoint: the estimate is rough anyway, and the checkpoint should be small. */
const roundShare = (share: number): number => Number(share.toPrecision(3));

const copyMark = (mark: ListedUpTo | undefined): { listedUpTo?: ListedUpTo } =>
  mark ? { listedUpTo: { createdMs: mark.createdMs, names: [...mark.names] } } : {};

/**
 * The open shards and lookups of one run. Readers take work from it and wait on it for more;
 * it counts the shards made and finished, and writes the checkpoint.
 * @example
 * const book = new ShardBook(options.resumeFrom);
 * const job = book.take(); // a lookup first, else the started or largest shard
 * book.finish(shard);
 * book.checkpoint(); // undefined once every shard was read to its end
 */
export class ShardBook {
  readonly #shards = new Set<Shard>();
  readonly #lookups = new Set<Lookup>();
  #known = 0;
  #done = 0;
  #wakeReaders: () => void = () => undefined;
  #changed = new Promise<void>((resolve) => (this.#wakeReaders = resolve));

  /** The whole account as one shard, or what `resumeFrom` left open (validated: InvalidCheckpointError). */
  public constructor(resumeFrom?: ListCheckpoint) {
    if (resumeFrom) {
      const checkpoint = parseListCheckpoint(resumeFrom);
      for (const s of checkpoint.shards) {
        this.#shards.add({
          spec: s.chars === undefined ? { prefix: s.prefix } : { prefix: s.prefix, chars: s.chars },
          share: s.share,
          ...(s.listedUpTo ? { listedUpTo: s.listedUpTo } : {}),
          ...(s.nextToken ? { token: s.nextToken } : {}),
          owned: false,
        });
      }
      for (const l of checkpoint.lookups)
        this.#lookups.add({ name: l.name, ...(l.listedUpTo ? { listedUpTo: l.listedUpTo } : {}), owned: false });
    } else {
      this.#shards.add({ spec: { prefix: '' }, share: 1, owned: false });
    }
    this.#known = this.#shards.size;
  }

  /** Shards this run has known of: the first, or those resumed, and every one made by a split. */
  public get shardsKnown(): number {
    return this.#known;
  }

  /** Shards read to their end, or split into smaller ones. */
  public get shardsDone(): number {
    return this.#done;
  }

  /** The shards not finished, owned or not. */
  public get openShards(): Iterable<Shard> {
    return this.#shards;
  }

  /** A shard read to its end (or split): out of the book. */
  public finish(shard: Shard): void {
    this.#shards.delete(shard);
    this.#done++;
  }

  /** A lookup done (found, absent or refused): out of the book. */
  public finishLookup(lookup: Lookup): void {
    this.#lookups.delete(lookup);
  }

  /** Replaces a shard by its children, and lookups of the exact names not in `seen`. */
  public replace(shard: Shard, plan: SplitPlan, listedUpTo: ListedUpTo | undefined, seen: ReadonlySet<string>): void {
    this.finish(shard);
    for (const child of plan.children) {
      this.#shards.add({ spec: child.spec, share: child.share, ...(listedUpTo ? { listedUpTo } : {}), owned: false });
      this.#known++;
    }
    for (const name of plan.exactNames)
      if (!seen.has(name)) this.#lookups.add({ name, ...(listedUpTo ? { listedUpTo } : {}), owned: false });
  }

  /** Whether some shard or lookup waits for a reader. */
  public hasUnownedWork(): boolean {
    return [...this.#lookups].some((l) => !l.owned) || [...this.#shards].some((s) => !s.owned);
  }

  /**
   * Gives a reader its next job, owned until `release`: lookups first (one cheap call each, and
   * DescribeSecret has its own, far larger quota), then the started or largest shard.
   */
  public take(): Job | undefined {
    for (const lookup of this.#lookups) {
      if (!lookup.owned) {
        lookup.owned = true;
        return { lookup };
      }
    }
    let best: Shard | undefined;
    for (const shard of this.#shards) if (!shard.owned && (best === undefined || before(shard, best))) best = shard;
    if (best) best.owned = true;
    return best && { shard: best };
  }

  /** A reader is done with its job (the work may remain, for another reader): wakes the waiting ones. */
  public release(job: Job): void {
    if ('lookup' in job) job.lookup.owned = false;
    else job.shard.owned = false;
    this.notify();
  }

  /** Resolves at the next change readers may care about (work released, the run halting). */
  public changed(): Promise<void> {
    return this.#changed;
  }

  /** Wakes every reader waiting in `changed`. */
  public notify(): void {
    const wake = this.#wakeReaders;
    this.#changed = new Promise<void>((resolve) => (this.#wakeReaders = resolve));
    wake();
  }

  /** What a next run reads on from, or undefined when nothing is left open. */
  public checkpoint(): ListCheckpoint | undefined {
    if (this.#shards.size === 0 && this.#lookups.size === 0) return undefined;
    const open = [...this.#shards].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return {
      version: 1,
      shards: open.map((s) => ({
        prefix: s.spec.prefix,
        ...(s.spec.chars !== undefined ? { chars: s.spec.chars } : {}),
        share: roundShare(s.share),
        ...(s.token !== undefined ? { nextToken: s.token } : {}),
        ...copyMark(s.listedUpTo),
      })),
      lookups: [...this.#lookups].map((l) => ({ name: l.name, ...copyMark(l.listedUpTo) })),
    };
  }
}
