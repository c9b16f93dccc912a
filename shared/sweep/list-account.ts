/**
 * Reads a whole account with ListSecrets, fast and exactly once: the listing engine behind the
 * scheduled sweep and the `scan` command.
 *
 * Why shards. ListSecrets returns 100 secrets a call, its pages are sequential (each NextToken
 * comes from the page before), and the region allows 100 calls a second. One paged read of
 * 500,000 secrets is 5,000 calls one after another: at ~150 ms a call, over 12 minutes. Split by
 * name prefix (the `name` filter), the account becomes shards read side by side, so the quota
 * rather than the latency sets the pace: 5,000 calls at 100/s is 50 s.
 *
 * How shards are made. It starts with one shard, the whole account. When a shard's first page
 * comes back full (a NextToken follows) and the shard is more than a reader's share of the
 * account, or readers have nothing else to do, it is split instead of read on (`shards.ts`): that
 * page is dropped and the children take its place. The names equal to a prefix split at belong to
 * no child: they are yielded from the dropped page when it holds them, else looked up with
 * DescribeSecret (its own quota, 40,000/s). The page is a sample of the shard's names, so the
 * children's sizes are estimated from it: large ones are read alone, small and empty ones up to 10
 * per call with an ORed filter, and a prefix every sampled name shares is gone down in one step
 * (`prod/` from `p`). Shares are relative (the whole account is 1), so a skewed account splits
 * deeper where it is dense; what keeps a small account from being split into needless probes is
 * an absolute guess from the first page's creation dates (`estimatedPages`).
 *
 * When the estimate was wrong. A sample can mislead: AWS lists by creation date, and when
 * creation order follows names (a `legacy/` estate created first), a shard judged small can turn
 * out huge, and a long chain of pages is what remains at the end. When readers go idle with
 * nothing left to start, the chain expected to run longest is restarted as its children: as AWS
 * lists by creation date, what the chain has listed is exactly what was created up to the last
 * entry it saw (and the names at that instant), so the children skip those. Only a chain whose
 * entries all carried a creation date, in order, is restarted; any other is read to its end.
 *
 * Exactly once. Shards are disjoint and cover the account (`shards.ts`); an entry outside its
 * shard is dropped, not trusted to the filter. A page counts as read when the consumer takes it:
 * the shard's NextToken advances then, and only then. A stopped run (`shouldStop`) lets the pages
 * in flight finish and be taken, and its checkpoint holds each unfinished shard's next token, so
 * the next run reads on from there and never reads a page twice. A run that ends early in
 * another way (the consumer breaks off, an error) drops the pages not yet taken; its checkpoint
 * still holds what was taken, so nothing is lost or yielded twice, though those pages are read again.
 * (The sweep breaks off once it is told to stop, rather than judge pages it has no time left
 * for: see `run-sweep.ts`.)
 *
 * A name equal to a split prefix whose DescribeSecret is refused (AccessDenied) is skipped and
 * reported (`onUnreadable`, `ListProgress.unreadable`), not fatal: see `lookUp`.
 *
 * Pacing. Every ListSecrets call, retries included, goes through one p-queue in strict mode
 * (a sliding window): never more than `callsPerSecond` calls in any rolling second, which is how
 * AWS's per-second quota is met rather than tested. Larger shards get their calls first, so the
 * long chains are not starved by the short ones at the end (longest-first). Throttling and 5xx are
 * retried with exponential backoff and jitter, on the same NextToken, so no page is skipped; a
 * retry goes before any other call. Throttling also pauses every call for the backoff: the quota
 * is the account's, shared with whatever else lists secrets there, so when it runs out the whole
 * listing slows down, not only the page that met it.
 *
 * Memory. Each reader holds at most one page until the consumer takes it (backpressure), so at
 * most `concurrency` pages are in memory, whatever the size of the account; the shards not yet
 * finished are a few hundred small objects even at 500,000 secrets (and so is the checkpoint).
 */
import PQueue from 'p-queue';
import * as z from 'zod';
import { PermissionDeniedError, RemediationError, SecretNotFoundError, ThrottlingError, TransientAwsError } from '../errors.js';
import type { SecretPage, SecretState, SecretsPort } from '../ports/secrets.js';
import { describeShard, inShard, MAX_NAME_LENGTH, planSplit, prefixesOf, type ShardSpec, type SplitPlan } from './shards.js';

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
  readonly chars?: string;
  /** The estimated share of the account: orders the work and decides splits. */
  readonly share: number;
  /** Where to read on; absent: not started. */
  readonly nextToken?: string;
  readonly listedUpTo?: ListedUpTo;
}

/** A name equal to a split prefix, still to be looked up. */
export interface CheckpointLookup {
  readonly name: string;
  readonly listedUpTo?: ListedUpTo;
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

/** A checkpoint that is not one this engine wrote. */
export class InvalidCheckpointError extends RemediationError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidCheckpointError';
  }
}

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_MAX_ATTEMPTS = 8;
/** Backoff before retry n: up to BASE × 2^(n-1), at most CAP; half of it fixed, half random ("equal jitter"). */
const BACKOFF_BASE_MS = 200;
export const BACKOFF_CAP_MS = 5_000;
const PAGE_SIZE = 100;
/** A shard expected to hold fewer pages than this is read on, never split: splitting would cost more calls than its chain takes time (~1.5 s at 150 ms). */
const MIN_SPLIT_PAGES = 10;
/**
 * Added to the pacing window: calls spaced exactly 1 s apart by our clock can reach AWS closer
 * together (network jitter; a clock read a millisecond apart), and a throttle costs a backoff.
 */
const PACING_MARGIN_MS = 20;
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

const ListedUpToSchema = z.object({ createdMs: z.number(), names: z.array(z.string()) }).strict();

const ListCheckpointSchema = z
  .object({
    version: z.literal(1),
    shards: z.array(
      z
        .object({
          prefix: z.string().max(MAX_NAME_LENGTH),
          chars: z.string().min(2).max(10).optional(),
          share: z.number().min(0).max(1),
          nextToken: z.string().min(1).optional(),
          listedUpTo: ListedUpToSchema.optional(),
        })
        .strict(),
    ),
    lookups: z.array(z.object({ name: z.string().min(1).max(MAX_NAME_LENGTH), listedUpTo: ListedUpToSchema.optional() }).strict()),
  })
  .strict();

/** Validates a checkpoint read back from storage or an event; throws InvalidCheckpointError naming the field. */
export const parseListCheckpoint = (value: unknown): ListCheckpoint => {
  const parsed = ListCheckpointSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`);
    throw new InvalidCheckpointError(`not a listing checkpoint: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return parsed.data;
};

interface Shard {
  readonly spec: ShardSpec;
  readonly share: number;
  readonly listedUpTo?: ListedUpTo;
  /** The next page's token, advanced only when the consumer takes a page; absent: not started. */
  token?: string;
  /** Being read by a reader. */
  owned: boolean;
  /** What the reader has seen of the shard since it took it (for restarts). */
  chain?: Chain;
}

interface Lookup {
  readonly name: string;
  readonly listedUpTo?: ListedUpTo;
  owned: boolean;
}

/** A page waiting for the consumer, and what taking it commits. */
interface Ready {
  readonly entries: readonly SecretState[];
  readonly commit: () => void;
  readonly settle: (taken: boolean) => void;
}

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
  if (first === undefined || last === undefined || last <= first || times.some((t, i) => t === undefined || (i > 0 && t < (times[i - 1] ?? t)))) {
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

/**
 * The wait before retry `attempt` (1 for the first retry): exponential, capped at
 * `BACKOFF_CAP_MS`, with equal jitter (half fixed, half random) so that retries spread out
 * but never come back at once. Shared by every retry of the sweep: ListSecrets, the
 * DescribeSecret lookups, and the closer looks (`run-sweep.ts`).
 * @example
 * await sleep(backoffDelay(attempt)); // 100–200 ms, 200–400 ms, ... never above 5 s
 */
export const backoffDelay = (attempt: number, random: () => number = Math.random): number => {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
};

/** Whether a restart mark is small enough to copy into each child (`MAX_LISTED_NAMES_CHARS`). */
const isSmallMark = (mark: ListedUpTo): boolean => mark.names.reduce((chars, name) => chars + name.length, 0) <= MAX_LISTED_NAMES_CHARS;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Started shards first (their tokens are progress to keep), then the largest: the longest chains start first. */
const before = (a: Shard, b: Shard): boolean => (a.token !== undefined) !== (b.token !== undefined) ? a.token !== undefined : a.share > b.share;

/** Rounded for the checkpoint: the estimate is rough anyway, and the checkpoint should be small. */
const roundShare = (share: number): number => Number(share.toPrecision(3));

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
  const { callsPerSecond } = options;
  if (!(callsPerSecond > 0)) throw new RangeError(`callsPerSecond must be above 0, got ${callsPerSecond}`);
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new RangeError(`concurrency must be a whole number from 1, got ${concurrency}`);
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError(`maxAttempts must be a whole number from 1, got ${maxAttempts}`);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** A shard estimated above this is split: no shard should hold more than a reader's part of the work. */
  const maxShare = 1 / concurrency;
  /** Small children are packed up to this: ten never-seen children of the whole account (~1%) fit in one call. */
  const maxGroupShare = maxShare / 2;

  // Strict mode is a sliding window: no burst of 2 × cap across a window boundary, which a
  // fixed window allows and a per-second quota would throttle.
  const rate = !Number.isFinite(callsPerSecond)
    ? new PQueue()
    : callsPerSecond >= 1
      ? new PQueue({ intervalCap: Math.floor(callsPerSecond), interval: 1000 + PACING_MARGIN_MS, strict: true })
      : new PQueue({ intervalCap: 1, interval: Math.ceil(1000 / callsPerSecond) + PACING_MARGIN_MS, strict: true });

  const shards = new Set<Shard>();
  const lookups = new Set<Lookup>();
  const counters = { secrets: 0, calls: 0, shardsDone: 0, shardsKnown: 0, throttled: 0, retried: 0, unreadable: 0 };
  /** The newest creation date seen; with the clock, "now" for guessing how long a shard runs. */
  let newestMs = Number.NEGATIVE_INFINITY;
  const nowMs = (): number => Math.max(newestMs, Date.now());

  if (options.resumeFrom) {
    const checkpoint = parseListCheckpoint(options.resumeFrom);
    for (const s of checkpoint.shards) {
      shards.add({
        spec: s.chars === undefined ? { prefix: s.prefix } : { prefix: s.prefix, chars: s.chars },
        share: s.share,
        ...(s.listedUpTo ? { listedUpTo: s.listedUpTo } : {}),
        ...(s.nextToken ? { token: s.nextToken } : {}),
        owned: false,
      });
    }
    for (const l of checkpoint.lookups) lookups.add({ name: l.name, ...(l.listedUpTo ? { listedUpTo: l.listedUpTo } : {}), owned: false });
  } else {
    shards.add({ spec: { prefix: '' }, share: 1, owned: false });
  }
  counters.shardsKnown = shards.size;

  let stopping = false;
  let aborted = false;
  let failure: Error | undefined;
  let failureThrown = false;
  let started = false;
  let finished = false;
  /** Readers that have ended, readers busy with a shard or a lookup, and readers waiting for one. */
  let exited = 0;
  let running = 0;
  let idle = 0;

  const progress = (): ListProgress => ({ ...counters });
  const emit = (): void => options.onProgress?.(progress());
  const halted = (): boolean => stopping || aborted || failure !== undefined;
  const checkStop = (): boolean => {
    if (!stopping && !aborted && options.shouldStop?.() === true) stopping = true;
    return halted();
  };

  // Readers wait on `changed` for work; the consumer waits on its own wake-up for pages.
  let wakeReaders: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wakeReaders = resolve));
  const notify = (): void => {
    const wake = wakeReaders;
    changed = new Promise<void>((resolve) => (wakeReaders = resolve));
    wake();
  };
  let wakeConsumer: (() => void) | undefined;
  const signalConsumer = (): void => {
    const wake = wakeConsumer;
    wakeConsumer = undefined;
    wake?.();
  };

  const ready: Ready[] = [];
  const dropReady = (): void => {
    for (const item of ready.splice(0)) item.settle(false);
  };

  /** Hands entries to the consumer; resolves true once taken (then `commit` has run), false if the run ended first. */
  const deliver = (entries: readonly SecretState[], commit: () => void): Promise<boolean> => {
    if (entries.length === 0) {
      commit();
      emit();
      return Promise.resolve(true);
    }
    return new Promise<boolean>((settle) => {
      ready.push({ entries, commit, settle });
      signalConsumer();
    });
  };

  /** Pauses every ListSecrets call for `ms` (overlapping pauses end with the last one). */
  let pauses = 0;
  const pauseCalls = (ms: number): void => {
    pauses++;
    rate.pause();
    void sleep(ms).then(() => {
      if (--pauses === 0) rate.start();
    });
  };

  const fail = (error: unknown): void => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    notify();
    signalConsumer();
  };

  /**
   * One call with retries: a TransientAwsError is retried after a backoff, anything else ends the
   * run. Undefined when the run is stopping or over (the page is then left for the next run).
   * `paced`: a ListSecrets call, whose throttling pauses all of them.
   */
  const withRetries = async <T>(what: string, call: (attempt: number) => Promise<T>, paced: boolean): Promise<T | undefined> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(attempt);
      } catch (error) {
        if (!(error instanceof TransientAwsError)) {
          throw new ListAccountError(`${what}: ${messageOf(error)}`, what, { cause: error, retryable: error instanceof RemediationError && error.retryable });
        }
        const throttled = error instanceof ThrottlingError;
        if (throttled) counters.throttled++;
        if (attempt >= maxAttempts) throw new ListAccountError(`${what}: gave up after ${attempt} attempts: ${error.message}`, what, { cause: error, retryable: true });
        if (checkStop()) return undefined;
        counters.retried++;
        emit();
        const delay = backoffDelay(attempt);
        if (paced && throttled) pauseCalls(delay);
        await sleep(delay);
        if (checkStop()) return undefined;
      }
    }
  };

  const listPage = (shard: Shard): Promise<SecretPage | undefined> => {
    const namePrefixes = prefixesOf(shard.spec);
    const request = { ...(namePrefixes ? { namePrefixes } : {}), ...(shard.token ? { nextToken: shard.token } : {}) };
    return withRetries(
      `ListSecrets of ${describeShard(shard.spec)}`,
      (attempt) =>
        rate.add(
          () => {
            counters.calls++;
            return secrets.listSecrets(request);
          },
          // Shares are at most 1: a retry goes first, so a page met by throttling is not starved by the others.
          { priority: attempt > 1 ? 2 : shard.share },
        ),
      true,
    );
  };

  const addShard = (shard: Omit<Shard, 'owned'>): void => {
    shards.add({ ...shard, owned: false });
    counters.shardsKnown++;
  };

  const finishShard = (shard: Shard): void => {
    shards.delete(shard);
    counters.shardsDone++;
  };

  /** Replaces a shard by its children, and lookups of the exact names not in `seen`. */
  const replace = (shard: Shard, plan: SplitPlan, listedUpTo: ListedUpTo | undefined, seen: ReadonlySet<string>): void => {
    finishShard(shard);
    for (const child of plan.children) addShard({ spec: child.spec, share: child.share, ...(listedUpTo ? { listedUpTo } : {}) });
    for (const name of plan.exactNames) if (!seen.has(name)) lookups.add({ name, ...(listedUpTo ? { listedUpTo } : {}), owned: false });
  };

  const hasUnownedWork = (): boolean => [...lookups].some((l) => !l.owned) || [...shards].some((s) => !s.owned);

  /** Readers wait with nothing to start: more shards would be read at once, not one after another. */
  const starving = (): boolean => idle > 0 && !hasUnownedWork();

  /**
   * A full first page: split rather than read on when the shard is more than a reader's part of
   * the account, or when readers are starving (the share may be wrong, and splitting then costs a
   * page and a few probes where reading on might cost a long chain at the end). Never a shard too
   * small for splitting to pay: the share is relative, this is what keeps a small account whole.
   */
  const wantsSplit = (shard: Shard, page: readonly SecretState[]): boolean =>
    (shard.share > maxShare || starving()) && estimatedPages(page, nowMs()) >= MIN_SPLIT_PAGES;

  /**
   * Readers starve: restart the chain expected to run longest, when it has run long enough to
   * judge its pace, and is expected to read more pages still than its children read again.
   */
  const wantsRestart = (shard: Shard, chain: Chain): boolean => {
    if (chain.pages < MIN_CHAIN_PAGES || !starving()) return false;
    const now = nowMs();
    const remaining = chain.remainingPages(now);
    if (remaining < Math.max(MIN_RESTART_PAGES, chain.pages)) return false;
    return ![...shards].some((other) => other !== shard && other.chain !== undefined && other.chain.remainingPages(now) > remaining);
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
        if (page === undefined || aborted || failure) return;
        const returned = page.secrets.filter((secret) => inShard(shard.spec, secret.name));
        for (const secret of returned) newestMs = Math.max(newestMs, secret.createdDate?.getTime() ?? newestMs);

        if (first && page.nextToken !== undefined && wantsSplit(shard, returned)) {
          const plan = planSplit(shard.spec, shard.share, returned.map((s) => s.name), { maxGroupShare });
          if (plan) {
            // The page is dropped: its entries belong to the children. Only the names equal to a
            // prefix split at do not; yield those from here when the page holds them, else look them up.
            const exact = returned.filter((s) => plan.exactNames.includes(s.name));
            const yielded = exact.filter((s) => isNew(s, shard.listedUpTo));
            await deliver(yielded, () => {
              replace(shard, plan, shard.listedUpTo, new Set(exact.map((s) => s.name)));
              counters.secrets += yielded.length;
            });
            return;
          }
        }

        const fresh = returned.filter((secret) => isNew(secret, shard.listedUpTo));
        chain.observe(returned);
        const taken = await deliver(fresh, () => {
          counters.secrets += fresh.length;
          if (page.nextToken === undefined) finishShard(shard);
          else shard.token = page.nextToken;
        });
        if (!taken || page.nextToken === undefined) return;

        const upTo = chain.listedUpTo();
        const mark = upTo && wantsRestart(shard, chain) ? combine(shard.listedUpTo, upTo) : undefined;
        if (mark && isSmallMark(mark)) {
          const plan = planSplit(shard.spec, shard.share, chain.sample, { maxGroupShare });
          if (plan) {
            // Every name, the prefix's own included, is checked against what this chain listed.
            replace(shard, plan, mark, new Set());
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
    if (found === undefined || aborted || failure) return;
    if (found instanceof PermissionDeniedError) {
      await deliver([], () => {
        lookups.delete(lookup);
        counters.unreadable++;
        options.onUnreadable?.(lookup.name, found);
      });
      return;
    }
    const yielded = found !== null && found.name === lookup.name && isNew(found, lookup.listedUpTo) ? [found] : [];
    await deliver(yielded, () => {
      lookups.delete(lookup);
      counters.secrets += yielded.length;
    });
  };

  const take = (): { readonly lookup: Lookup } | { readonly shard: Shard } | undefined => {
    // Lookups first: one cheap call each (DescribeSecret has its own, far larger quota).
    for (const lookup of lookups) {
      if (!lookup.owned) {
        lookup.owned = true;
        return { lookup };
      }
    }
    let best: Shard | undefined;
    for (const shard of shards) if (!shard.owned && (best === undefined || before(shard, best))) best = shard;
    if (best) best.owned = true;
    return best && { shard: best };
  };

  const reader = async (): Promise<void> => {
    try {
      while (!halted()) {
        const job = take();
        if (!job) {
          // Nothing to start: done when nobody is reading (nobody can split), else wait for a change.
          if (running === 0) break;
          idle++;
          await changed;
          idle--;
          continue;
        }
        running++;
        try {
          if ('lookup' in job) await lookUp(job.lookup);
          else await read(job.shard);
        } finally {
          running--;
          if ('lookup' in job) job.lookup.owned = false;
          else job.shard.owned = false;
          notify();
        }
      }
    } catch (error) {
      fail(error);
    } finally {
      exited++;
      if (exited === concurrency) finished = true;
      notify();
      signalConsumer();
    }
  };

  const start = (): void => {
    if (started) return;
    started = true;
    for (let i = 0; i < concurrency; i++) void reader();
  };

  const iterator: AsyncIterator<readonly SecretState[]> = {
    next: async (): Promise<IteratorResult<readonly SecretState[]>> => {
      start();
      for (;;) {
        if (failure && !failureThrown) {
          failureThrown = true;
          dropReady();
          throw failure;
        }
        if (aborted || failureThrown) return { done: true, value: undefined };
        const item = ready.shift();
        if (item) {
          item.commit();
          item.settle(true);
          emit();
          return { done: false, value: item.entries };
        }
        if (finished) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    },
    // The consumer broke off: stop, and leave the pages not taken for the next run.
    return: (): Promise<IteratorResult<readonly SecretState[]>> => {
      aborted = true;
      dropReady();
      notify();
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
    checkpoint: () => {
      if (shards.size === 0 && lookups.size === 0) return undefined;
      const open = [...shards].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
      return {
        version: 1,
        shards: open.map((s) => ({
          prefix: s.spec.prefix,
          ...(s.spec.chars !== undefined ? { chars: s.spec.chars } : {}),
          share: roundShare(s.share),
          ...(s.token !== undefined ? { nextToken: s.token } : {}),
          ...(s.listedUpTo ? { listedUpTo: { createdMs: s.listedUpTo.createdMs, names: [...s.listedUpTo.names] } } : {}),
        })),
        lookups: [...lookups].map((l) => ({ name: l.name, ...(l.listedUpTo ? { listedUpTo: { createdMs: l.listedUpTo.createdMs, names: [...l.listedUpTo.names] } } : {}) })),
      };
    },
    progress,
  };
};
