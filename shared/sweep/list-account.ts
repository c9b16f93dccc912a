/**
 * Reads a whole account with ListSecrets, fast and exactly once: the listing engine behind the
 * scheduled sweep and the `scan` command. Why and how (shards, splits, restarts, exactly once,
 * pacing, memory): docs/sweep.md, "Reading 500,000 secrets".
 *
 * This file is the listing loop: readers take work from the shard book (`shard-book.ts`), call
 * AWS at the pace `paced-calls.ts` keeps, and hand their pages to the consumer through
 * `hand-off.ts`; they decide when a shard is split or a long chain restarted.
 */
import { retry } from '../retry.js';
import { sleep as wait } from '../time.js';
import { PermissionDeniedError, RemediationError, SecretNotFoundError, ThrottlingError } from '../errors.js';
import type { SecretPage, SecretState, SecretsPort } from '../ports/secrets.js';
import { HandOff } from './hand-off.js';
import { PacedCalls } from './paced-calls.js';
import { type ListCheckpoint, type ListedUpTo, type Lookup, type Shard, ShardBook } from './shard-book.js';
import { describeShard, inShard, planSplit, prefixesOf } from './shards.js';

/** How far this run has come (this invocation only: a resumed run counts from zero). */
export interface ListProgress {
  /** Secrets yielded. */
  readonly secrets: number;
  /** ListSecrets calls sent, retries and splits included: what the quota counts. */
  readonly calls: number;
  /** Shards read to their end, or split into smaller ones. */
  readonly shardsDone: number;
  /** Shards this run has known of: the first, or those resumed, and every one made by a split. */
  readonly shardsKnown: number;
  /** Calls throttled (and retried). */
  readonly throttled: number;
  /** Retries made, after throttling or a 5xx. */
  readonly retried: number;
  /** Names equal to a split prefix that DescribeSecret refused (AccessDenied): skipped, see `onUnreadable`. */
  readonly unreadable: number;
}

export interface ListAccountOptions {
  /** ListSecrets calls per second, retries included (the sweep uses ≤ 100, the regional quota); `Infinity`: unpaced. */
  readonly callsPerSecond: number;
  /** Shards read at once (default 32): at least the quota times the call's latency (100/s × 0.15 s = 15), with room. */
  readonly concurrency?: number;
  readonly resumeFrom?: ListCheckpoint;
  /** Checked before each page: true → the pages in flight finish, then the listing ends with a checkpoint. */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (progress: ListProgress) => void;
  /**
   * A name equal to a split prefix that DescribeSecret refused with AccessDenied: it is skipped
   * (not yielded, not looked up again by a resumed run) and reported here, when the skip is
   * committed, so a caller counting it keeps its count in step with the checkpoint.
   */
  readonly onUnreadable?: (name: string, error: PermissionDeniedError) => void;
  /** Waits between retries (injectable for tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts per page for a TransientAwsError (default 8); any other error ends the run at once. */
  readonly maxAttempts?: number;
  /**
   * A shard estimated to hold fewer pages is read on, never split, and a chain expected to run
   * fewer pages more is never restarted (default 10). Higher where the calls matter more than one
   * account's speed: an organisation's shards run side by side, and splitting an account-region
   * costs probes and partial pages that reading it on does not.
   */
  readonly minSplitPages?: number;
}

export interface AccountListing {
  /** The secrets, a page at a time, each exactly once. Read it once; it fetches only as fast as it is read. */
  readonly pages: AsyncIterable<readonly SecretState[]>;
  /** After `pages` ended: where a next run continues, or undefined when every shard was read to its end. */
  checkpoint(): ListCheckpoint | undefined;
  progress(): ListProgress;
}

/** Listing failed for a reason retrying does not fix (or retries ran out); names the shard. */
export class ListAccountError extends RemediationError {
  /** The shard (or the looked-up name) whose call failed. */
  public readonly shard: string;

  public constructor(message: string, shard: string, options?: ErrorOptions & { retryable?: boolean }) {
    super(message, options);
    this.name = 'ListAccountError';
    this.shard = shard;
  }
}

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_MAX_ATTEMPTS = 8;
const PAGE_SIZE = 100;
/** A shard expected to hold fewer pages than this is read on, never split: splitting would cost more calls than its chain takes time (~1.5 s at 150 ms). */
const MIN_SPLIT_PAGES = 10;
/** A chain is judged for a restart only after this many pages: fewer say too little about its pace. */
const MIN_CHAIN_PAGES = 10;
/** A chain is restarted only when it is expected to run at least this many more pages (~3 s at 150 ms), and more than it has read (what its children read again). */
const MIN_RESTART_PAGES = 20;
/**
 * A restart's mark (`ListedUpTo`) is copied into every child, and so into the checkpoint once per
 * open shard: a chain is restarted only when the names created at its last instant add up to at
 * most this many characters (two dozen typical names, or two of the longest: 512 each).
 * Usually it is one name; many secrets created in the same millisecond are a bulk import, and
 * then the chain is read to its end, as an unordered one is, rather than bloat the checkpoint.
 */
export const MAX_LISTED_NAMES_CHARS = 1_024;

/**
 * What one reader has seen of its shard: enough to restart it as its children (the last instant
 * and the names listed at it) and to guess how long it will still run.
 */
class Chain {
  public pages = 0;
  #entries = 0;
  #firstMs: number | undefined;
  #lastMs: number | undefined;
  #namesAtLast: string[] = [];
  #ordered = true;
  /** The last page's names: a sample of what is left, for the children's shares. */
  public sample: readonly string[] = [];

  public observe(returned: readonly SecretState[]): void {
    this.pages++;
    this.sample = returned.map((s) => s.name);
    for (const secret of returned) {
      const ms = secret.createdDate?.getTime();
      if (ms === undefined || (this.#lastMs !== undefined && ms < this.#lastMs)) {
        // Not in creation order (or no date): what it listed cannot be told by date. Never restart it.
        this.#ordered = false;
        return;
      }
      this.#entries++;
      this.#firstMs ??= ms;
      if (ms === this.#lastMs) this.#namesAtLast.push(secret.name);
      else {
        this.#lastMs = ms;
        this.#namesAtLast = [secret.name];
      }
    }
  }

  /**
   * What the chain has listed, when a restart can tell it by date: entries in order, and the last
   * instant later than the first (so every name at the last instant was seen in this chain, even
   * when it resumed a shard another run began, whose entries all came before). Undefined too while
   * the names at the last instant are too many to copy into each child (`MAX_LISTED_NAMES_CHARS`).
   */
  public listedUpTo(): ListedUpTo | undefined {
    if (!this.#ordered || this.#firstMs === undefined || this.#lastMs === undefined || this.#lastMs <= this.#firstMs) return undefined;
    const mark = { createdMs: this.#lastMs, names: [...this.#namesAtLast] };
    return isSmallMark(mark) ? mark : undefined;
  }

  /** Pages still to read, if the shard's secrets were created at the pace seen so far, until `nowMs`. */
  public remainingPages(nowMs: number): number {
    if (this.listedUpTo() === undefined || this.#firstMs === undefined || this.#lastMs === undefined) return 0;
    return (this.#entries * Math.max(0, nowMs - this.#lastMs)) / (this.#lastMs - this.#firstMs) / PAGE_SIZE;
  }
}

/**
 * The pages a shard holds, guessed from its first page: AWS lists oldest first, so the page is the
 * shard's first secrets, and if the shard kept being added to at the pace they were, up to now,
 * it holds this many. Rough (an estate that grows faster lately is underestimated, one created in
 * bursts overestimated), and only ever used to decide whether splitting is worth its cost.
 * Infinity when the page cannot tell (no dates, not in order, all at one instant).
 */
const estimatedPages = (page: readonly SecretState[], nowMs: number): number => {
  const times = page.map((s) => s.createdDate?.getTime());
  const first = times[0];
  const last = times.at(-1);
  if (
    first === undefined ||
    last === undefined ||
    last <= first ||
    times.some((t, i) => t === undefined || (i > 0 && t < (times[i - 1] ?? t)))
  ) {
    return Number.POSITIVE_INFINITY;
  }
  return (page.length + (Math.max(0, nowMs - last) * (page.length - 1)) / (last - first)) / PAGE_SIZE;
};

/** Whether an entry is still to be yielded by a shard restarted from a chain that listed up to `upTo`. */
const isNew = (secret: SecretState, upTo: ListedUpTo | undefined): boolean => {
  if (upTo === undefined) return true;
  const ms = secret.createdDate?.getTime();
  // Without a date it cannot be placed; yielding it twice is the lesser harm than never.
  if (ms === undefined || ms > upTo.createdMs) return true;
  return ms === upTo.createdMs && !upTo.names.includes(secret.name);
};

/** The stronger of two "already listed" marks: the later instant, or both name lists at the same one. */
const combine = (earlier: ListedUpTo | undefined, later: ListedUpTo): ListedUpTo => {
  if (earlier === undefined || later.createdMs > earlier.createdMs) return later;
  if (later.createdMs < earlier.createdMs) return earlier;
  return { createdMs: later.createdMs, names: [...new Set([...earlier.names, ...later.names])] };
};

/** Whether a restart mark is small enough to copy into each child (`MAX_LISTED_NAMES_CHARS`). */
const isSmallMark = (mark: ListedUpTo): boolean => mark.names.reduce((chars, name) => chars + name.length, 0) <= MAX_LISTED_NAMES_CHARS;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Lists every secret of the account exactly once, in parallel shards paced under the ListSecrets
 * quota, as a consumer-paced stream of pages; stops on request with a checkpoint to resume from.
 *
 * @example
 * ```ts
 * const listing = listAccount(secrets, { callsPerSecond: 100, shouldStop: () => context.getRemainingTimeInMillis() < 60_000 });
 * for await (const page of listing.pages) await inspect(page);
 * const rest = listing.checkpoint(); // undefined: the whole account was read
 * ```
 */
export const listAccount = (secrets: Pick<SecretsPort, 'listSecrets' | 'describeSecret'>, options: ListAccountOptions): AccountListing => {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const minSplitPages = options.minSplitPages ?? MIN_SPLIT_PAGES;
  const { callsPerSecond } = options;
  if (!(callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be above 0, got ${callsPerSecond}`);
  if (!(Number.isInteger(concurrency) && concurrency >= 1))
    throw new RangeError(`concurrency must be a whole number from 1, got ${concurrency}`);
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new RangeError(`maxAttempts must be a whole number from 1, got ${maxAttempts}`);
  const sleep = options.sleep ?? wait;
  /** A shard estimated above this is split: no shard should hold more than a reader's part of the work. */
  const maxShare = 1 / concurrency;
  /** Small children are packed up to this: ten never-seen children of the whole account (~1%) fit in one call. */
  const maxGroupShare = maxShare / 2;

  const paced = new PacedCalls(callsPerSecond, sleep);
  const book = new ShardBook(options.resumeFrom);
  const counters = { secrets: 0, calls: 0, throttled: 0, retried: 0, unreadable: 0 };
  const progress = (): ListProgress => ({
    secrets: counters.secrets,
    calls: counters.calls,
    shardsDone: book.shardsDone,
    shardsKnown: book.shardsKnown,
    throttled: counters.throttled,
    retried: counters.retried,
    unreadable: counters.unreadable,
  });
  const emit = (): void => options.onProgress?.(progress());
  const handOff = new HandOff<SecretState>(emit);

  /** The newest creation date seen; with the clock, "now" for guessing how long a shard runs. */
  let newestMs = Number.NEGATIVE_INFINITY;
  const nowMs = (): number => Math.max(newestMs, Date.now());

  /** How the run stands: stopping on request, the consumer broke off, or a reader failed. */
  const run = {
    stopping: false,
    aborted: false,
    failure: undefined as Error | undefined,
    failureThrown: false,
    started: false,
    finished: false,
  };
  /** Readers that have ended, readers busy with a shard or a lookup, and readers waiting for one. */
  const readers = { exited: 0, running: 0, idle: 0 };

  const halted = (): boolean => run.stopping || run.aborted || run.failure !== undefined;
  const checkStop = (): boolean => {
    if (!run.stopping && !run.aborted && options.shouldStop?.() === true) run.stopping = true;
    return halted();
  };

  const fail = (error: unknown): void => {
    run.failure ??= error instanceof Error ? error : new Error(String(error));
    book.notify();
    handOff.wakeConsumer();
  };

  /**
   * One call with retries: a TransientAwsError is retried after a backoff, anything else ends the
   * run. Undefined when the run is stopping or over (the page is then left for the next run).
   * `paced`: a ListSecrets call, whose throttling pauses all of them.
   */
  const withRetries = <T>(what: string, call: (attempt: number) => Promise<T>, isPaced: boolean): Promise<T | undefined> =>
    retry(
      async (attempt) => {
        try {
          return await call(attempt);
        } catch (error) {
          // Every throttle counts, the last one too (not retried, it ends the run).
          if (error instanceof ThrottlingError) counters.throttled++;
          throw error;
        }
      },
      {
        maxAttempts,
        sleep,
        shouldStop: checkStop,
        beforeWait: ({ error, delayMs }) => {
          counters.retried++;
          emit();
          if (isPaced && error instanceof ThrottlingError) paced.pauseFor(delayMs);
        },
        finalError: (error, { reason, attempts }) =>
          reason === 'final'
            ? new ListAccountError(`${what}: ${messageOf(error)}`, what, {
                cause: error,
                retryable: error instanceof RemediationError && error.retryable,
              })
            : new ListAccountError(`${what}: gave up after ${attempts} attempts: ${messageOf(error)}`, what, {
                cause: error,
                retryable: true,
              }),
      },
    );

  const listPage = (shard: Shard): Promise<SecretPage | undefined> => {
    const namePrefixes = prefixesOf(shard.spec);
    const request = { ...(namePrefixes ? { namePrefixes } : {}), ...(shard.token ? { nextToken: shard.token } : {}) };
    return withRetries(
      `ListSecrets of ${describeShard(shard.spec)}`,
      (attempt) =>
        paced.run(
          () => {
            counters.calls++;
            return secrets.listSecrets(request);
          },
          // Shares are at most 1: a retry goes first, so a page met by throttling is not starved by the others.
          attempt > 1 ? 2 : shard.share,
        ),
      true,
    );
  };

  /** Readers wait with nothing to start: more shards would be read at once, not one after another. */
  const starving = (): boolean => readers.idle > 0 && !book.hasUnownedWork();

  /**
   * A full first page: split rather than read on when the shard is more than a reader's part of
   * the account, or when readers are starving (the share may be wrong, and splitting then costs a
   * page and a few probes where reading on might cost a long chain at the end). Never a shard too
   * small for splitting to pay: the share is relative, this is what keeps a small account whole.
   */
  const wantsSplit = (shard: Shard, page: readonly SecretState[]): boolean =>
    (shard.share > maxShare || starving()) && estimatedPages(page, nowMs()) >= minSplitPages;

  /**
   * Readers starve: restart the chain expected to run longest, when it has run long enough to
   * judge its pace, and is expected to read more pages still than its children read again, and
   * than a shard must hold to be split at all (a restart is a split, and a dearer one: its
   * children page again through what the chain listed).
   */
  const wantsRestart = (shard: Shard, chain: Chain): boolean => {
    if (chain.pages < MIN_CHAIN_PAGES || !starving()) return false;
    const now = nowMs();
    const remaining = chain.remainingPages(now);
    if (remaining < Math.max(MIN_RESTART_PAGES, chain.pages, minSplitPages)) return false;
    return ![...book.openShards].some(
      (other) => other !== shard && other.chain !== undefined && other.chain.remainingPages(now) > remaining,
    );
  };

  const read = async (shard: Shard): Promise<void> => {
    const chain = new Chain();
    shard.chain = chain;
    try {
      for (;;) {
        if (checkStop()) return;
        const first = shard.token === undefined;
        const page = await listPage(shard);
        // Stopped while retrying, or the run is over: the page stays unread, its token kept.
        if (page === undefined || run.aborted || run.failure) return;
        const returned = page.secrets.filter((secret) => inShard(shard.spec, secret.name));
        for (const secret of returned) newestMs = Math.max(newestMs, secret.createdDate?.getTime() ?? newestMs);

        if (first && page.nextToken !== undefined && wantsSplit(shard, returned)) {
          const plan = planSplit(
            shard.spec,
            shard.share,
            returned.map((s) => s.name),
            { maxGroupShare },
          );
          if (plan) {
            // The page is dropped: its entries belong to the children. Only the names equal to a
            // prefix split at do not; yield those from here when the page holds them, else look them up.
            const exact = returned.filter((s) => plan.exactNames.includes(s.name));
            const yielded = exact.filter((s) => isNew(s, shard.listedUpTo));
            await handOff.offer(yielded, () => {
              book.replace(shard, plan, shard.listedUpTo, new Set(exact.map((s) => s.name)));
              counters.secrets += yielded.length;
            });
            return;
          }
        }

        const fresh = returned.filter((secret) => isNew(secret, shard.listedUpTo));
        chain.observe(returned);
        const taken = await handOff.offer(fresh, () => {
          counters.secrets += fresh.length;
          if (page.nextToken === undefined) book.finish(shard);
          else shard.token = page.nextToken;
        });
        if (!taken || page.nextToken === undefined) return;

        const upTo = chain.listedUpTo();
        const mark = upTo && wantsRestart(shard, chain) ? combine(shard.listedUpTo, upTo) : undefined;
        if (mark && isSmallMark(mark)) {
          const plan = planSplit(shard.spec, shard.share, chain.sample, { maxGroupShare });
          if (plan) {
            // Every name, the prefix's own included, is checked against what this chain listed.
            book.replace(shard, plan, mark, new Set());
            emit();
            return;
          }
        }
      }
    } finally {
      shard.chain = undefined;
    }
  };

  const lookUp = async (lookup: Lookup): Promise<void> => {
    if (checkStop()) return;
    const what = `DescribeSecret of ${JSON.stringify(lookup.name)} (the name equal to a split prefix)`;
    const found = await withRetries(
      what,
      async () => {
        try {
          return await secrets.describeSecret(lookup.name);
        } catch (error) {
          if (error instanceof SecretNotFoundError) return null;
          // Skipped and reported, not fatal. ListSecrets, which the role is allowed, found the
          // prefix; a denial of DescribeSecret on one name is then that secret's resource policy
          // denying everyone but its application's role (a pattern AWS recommends). Ending the
          // run there would leave the whole account unswept, every day, for one locked secret.
          // A role that lacks DescribeSecret altogether has every such name reported, which the
          // sweep's summary shows. Not retried: the same policy gives the same answer.
          if (error instanceof PermissionDeniedError) return error;
          throw error;
        }
      },
      false,
    );
    if (found === undefined || run.aborted || run.failure) return;
    if (found instanceof PermissionDeniedError) {
      await handOff.offer([], () => {
        book.finishLookup(lookup);
        counters.unreadable++;
        options.onUnreadable?.(lookup.name, found);
      });
      return;
    }
    const yielded = found !== null && found.name === lookup.name && isNew(found, lookup.listedUpTo) ? [found] : [];
    await handOff.offer(yielded, () => {
      book.finishLookup(lookup);
      counters.secrets += yielded.length;
    });
  };

  const reader = async (): Promise<void> => {
    try {
      while (!halted()) {
        const job = book.take();
        if (!job) {
          // Nothing to start: done when nobody is reading (nobody can split), else wait for a change.
          if (readers.running === 0) break;
          readers.idle++;
          await book.changed();
          readers.idle--;
          continue;
        }
        readers.running++;
        try {
          if ('lookup' in job) await lookUp(job.lookup);
          else await read(job.shard);
        } finally {
          readers.running--;
          book.release(job);
        }
      }
    } catch (error) {
      fail(error);
    } finally {
      readers.exited++;
      if (readers.exited === concurrency) run.finished = true;
      book.notify();
      handOff.wakeConsumer();
    }
  };

  const start = (): void => {
    if (run.started) return;
    run.started = true;
    for (let i = 0; i < concurrency; i++) void reader();
  };

  const iterator: AsyncIterator<readonly SecretState[]> = {
    next: async (): Promise<IteratorResult<readonly SecretState[]>> => {
      start();
      for (;;) {
        if (run.failure && !run.failureThrown) {
          run.failureThrown = true;
          handOff.drop();
          throw run.failure;
        }
        if (run.aborted || run.failureThrown) return { done: true, value: undefined };
        const entries = handOff.take();
        if (entries) return { done: false, value: entries };
        if (run.finished) return { done: true, value: undefined };
        await handOff.arrival();
      }
    },
    // The consumer broke off: stop, and leave the pages not taken for the next run.
    return: (): Promise<IteratorResult<readonly SecretState[]>> => {
      run.aborted = true;
      handOff.drop();
      book.notify();
      return Promise.resolve({ done: true, value: undefined });
    },
  };

  let iterated = false;
  return {
    pages: {
      [Symbol.asyncIterator]: () => {
        if (iterated) throw new Error('listAccount: pages can be read once');
        iterated = true;
        return iterator;
      },
    },
    checkpoint: () => book.checkpoint(),
    progress,
  };
};
