/**
 * One sweep of an account: list it in shards (`list-account.ts`), judge each secret as its page
 * arrives (`inspect-secret.ts`), hand each page's findings to `onFindings`, count. Memory holds
 * a page or two and the counts, never the account. When `shouldStop` says time is up, the run
 * ends with a checkpoint that a later run resumes from, judging no secret twice.
 *
 * Stopping. `shouldStop` is asked before each ListSecrets call and after each page is judged and
 * published; once it says stop, the run judges no further page, even one already fetched: each
 * costs up to 100 secrets' closer looks and a PutEvents, and the time kept back for stopping is
 * for the continuation, not for pages. Pages fetched but not taken are not committed (a shard's
 * token advances only when its page is taken), so the next invocation reads them again.
 *
 * Refusals. A closer look refused (AccessDenied, InvalidRequest) leaves its checks unjudged and
 * the run goes on; so does an exact-name lookup refused with AccessDenied. Both are counted
 * (`SweepCounts.unjudged`) and shown in the summary. A closer look still throttled after its
 * retries fails the run, which Lambda retries from the same checkpoint.
 *
 * Read-only: it needs the listing and the two closer-look reads, nothing that writes.
 */
import { retry } from '../retry.js';
import { sleep as wait } from '../time.js';
import PQueue from 'p-queue';
import * as z from '../contracts/zod.js';
import type { Finding } from '../contracts/finding.js';
import { describeIssues } from '../contracts/zod-issues.js';
import type { Policy } from '../policy/schema.js';
import type { SecretsPort } from '../ports/secrets.js';
import { inspectSecret } from './inspect-secret.js';
import { type ListProgress, listAccount } from './list-account.js';
import { InvalidCheckpointError, type ListCheckpoint, parseListCheckpoint } from './shard-book.js';
import { addInspection, addUnreadable, emptyCounts, type SweepCounts, SweepCountsSchema } from './summary.js';

/** The Secrets Manager reads a sweep makes: listing, and the closer looks. */
export type SweepReads = Pick<SecretsPort, 'listSecrets' | 'describeSecret' | 'listVersions' | 'getResourcePolicy'>;

/** Where an unfinished sweep stands: JSON, small, carried to the next invocation. */
export interface SweepCheckpoint {
  readonly version: 1;
  readonly runId: string;
  /** When the run began: its findings are dated by it, so a resumed run keeps the same day. */
  readonly startedAt: string;
  readonly listing: ListCheckpoint;
  readonly counts: SweepCounts;
}

export interface SweepProgress {
  readonly counts: SweepCounts;
  readonly listing: ListProgress;
}

export interface SweepOptions {
  readonly policy: Policy;
  /** The moment the checks judge against (a resumed run keeps its checkpoint's `startedAt`). */
  readonly now: Date;
  readonly runId: string;
  readonly resumeFrom?: SweepCheckpoint;
  /** Checked before each ListSecrets page and after each page judged: true ends the run with a checkpoint. */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** ListSecrets calls per second (default: the policy's `sweep.listCallsPerSecond`). */
  readonly listCallsPerSecond?: number;
  /** Closer-look calls per second (ListSecretVersionIds, GetResourcePolicy). */
  readonly closerLooksPerSecond?: number;
  /** Shards listed at once. */
  readonly concurrency?: number;
  /** Passed to the listing (`ListAccountOptions.minSplitPages`). */
  readonly minSplitPages?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface SweepReport {
  readonly runId: string;
  readonly startedAt: string;
  readonly complete: boolean;
  readonly counts: SweepCounts;
  readonly listing: ListProgress;
  /** Set when the run stopped before the end: where the next run continues. */
  readonly checkpoint?: SweepCheckpoint;
  /** With `checkpoint`: its size as JSON, in bytes (`checkpointBytes`). */
  readonly checkpointBytes?: number;
}

/**
 * The checkpoint's size as the JSON that carries it, in UTF-8 bytes. A continuation travels in
 * one PutEvents entry, at most 256 KB with its envelope: a caller that sends one refuses clearly
 * above its own budget, rather than have PutEvents fail the entry.
 *
 * How big it gets. NextTokens: at most one per reader (32 by default), up to 4,096 characters
 * each (the API's limit), so at most ~131 KB however large the account. Open shards: ~45 bytes
 * each as usually seen (a short prefix, a share), up to ~560 with a 512-character prefix; ~450
 * of them mid-way through 100,000 or 500,000 synthetic secrets, ~29 KB in all with their tokens.
 * Restart marks: on the shards under a restarted chain only, each at most 1,024 characters of
 * names (`MAX_LISTED_NAMES_CHARS`), usually one name. Counts: under 4 KB (five sampled names
 * at most). So ~160 KB in the worst case of the tokens with a usual shard count; what has no
 * fixed bound is the number of shards, which is why the size is reported rather than assumed.
 * @example
 * if (report.checkpoint && checkpointBytes(report.checkpoint) > 200 * 1024) throw new Error('checkpoint too large');
 */
export const checkpointBytes = (checkpoint: SweepCheckpoint): number => Buffer.byteLength(JSON.stringify(checkpoint), 'utf8');

const SweepCheckpointSchema = z.object({
  version: z.literal(1),
  runId: z.string().check(z.minLength(1)),
  startedAt: z.iso.datetime({ offset: true }),
  // Validated by the listing engine itself (`parseListCheckpoint`), which names the field.
  listing: z.unknown(),
  counts: SweepCountsSchema,
});

/**
 * Validates a checkpoint read back from an event (JSON), filling what older versions did not
 * write (see `SweepCountsSchema`); throws InvalidCheckpointError naming the field.
 */
export const parseSweepCheckpoint = (value: unknown): SweepCheckpoint => {
  const parsed = SweepCheckpointSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new InvalidCheckpointError(`not a sweep checkpoint: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return { ...parsed.data, listing: parseListCheckpoint(parsed.data.listing) };
};

/**
 * Closer looks have their own quotas (higher than ListSecrets' 100/s, but a resource-policy
 * requirement over a whole estate could still make thousands): paced, conservatively.
 */
export const DEFAULT_CLOSER_LOOKS_PER_SECOND = 50;
/** Attempts per closer look for throttling and 5xx; with the capped backoff, at most ~3 s of waiting. */
export const CLOSER_LOOK_ATTEMPTS = 5;

export const runSweep = async (
  secrets: SweepReads,
  onFindings: (findings: readonly Finding[]) => Promise<void>,
  options: SweepOptions,
): Promise<SweepReport> => {
  // The function passes the checkpoint on from an event: checked here, with older ones completed.
  const resumeFrom = options.resumeFrom && parseSweepCheckpoint(options.resumeFrom);
  const startedAt = resumeFrom?.startedAt ?? options.now.toISOString();
  const now = new Date(startedAt);
  const sleep = options.sleep ?? wait;
  let counts = resumeFrom?.counts ?? emptyCounts();
  const listing = listAccount(secrets, {
    callsPerSecond: options.listCallsPerSecond ?? options.policy.sweep.listCallsPerSecond,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.minSplitPages ? { minSplitPages: options.minSplitPages } : {}),
    ...(resumeFrom ? { resumeFrom: resumeFrom.listing } : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    // Called when the skip is committed, so the count always matches the checkpoint.
    onUnreadable: (name) => {
      counts = addUnreadable(counts, name);
    },
    sleep,
  });
  const closerLooks = new PQueue({ intervalCap: options.closerLooksPerSecond ?? DEFAULT_CLOSER_LOOKS_PER_SECOND, interval: 1000 });
  // Throttling and 5xx are retried (retry's default), anything else is final. Each attempt takes
  // its own slot in the queue, so retries are paced like first calls (a retry goes first); the
  // backoff is waited outside the queue, holding no slot.
  const paced = <T>(call: () => Promise<T>): Promise<T> =>
    retry((attempt) => closerLooks.add(call, { priority: attempt > 1 ? 1 : 0 }), { maxAttempts: CLOSER_LOOK_ATTEMPTS, sleep });
  const reads = {
    listVersions: (secretId: string) => paced(() => secrets.listVersions(secretId)),
    getResourcePolicy: (secretId: string) => paced(() => secrets.getResourcePolicy(secretId)),
  };
  const context = { policy: options.policy, now, runId: options.runId };

  for await (const page of listing.pages) {
    const inspections = await Promise.all(page.map((secret) => inspectSecret(secret, reads, context)));
    inspections.forEach((inspection, index) => {
      counts = addInspection(counts, inspection, page[index]?.name);
    });
    const findings = inspections.flatMap((inspection) => inspection.findings);
    if (findings.length > 0) await onFindings(findings);
    options.onProgress?.({ counts, listing: listing.progress() });
    // After the page, never before it: taking a page commits it, so a page taken is judged.
    // Breaking off leaves the pages fetched but not taken uncommitted: the next run reads them.
    if (options.shouldStop?.() === true) break;
  }
  const rest = listing.checkpoint();
  const checkpoint: SweepCheckpoint | undefined = rest && { version: 1, runId: options.runId, startedAt, listing: rest, counts };
  return {
    runId: options.runId,
    startedAt,
    complete: rest === undefined,
    counts,
    listing: listing.progress(),
    ...(checkpoint ? { checkpoint, checkpointBytes: checkpointBytes(checkpoint) } : {}),
  };
};
