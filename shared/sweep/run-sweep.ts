/**
 * One sweep of an account: list it in shards (`list-account.ts`), judge each secret as its page
 * arrives (`inspect-secret.ts`), hand each page's findings to `onFindings`, count. Memory holds
 * a page or two and the counts, never the account. When `shouldStop` says time is up, the run
 * ends with a checkpoint that a later run resumes from without reading any shard twice.
 *
 * Read-only: it needs the listing and the two closer-look reads, nothing that writes.
 */
import PQueue from 'p-queue';
import type { Finding } from '../contracts/finding.js';
import { TransientAwsError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { SecretsPort } from '../ports/secrets.js';
import { inspectSecret } from './inspect-secret.js';
import { type ListCheckpoint, type ListProgress, listAccount } from './list-account.js';
import { addInspection, emptyCounts, type SweepCounts } from './summary.js';

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
  /** Checked before each ListSecrets page: true ends the run with a checkpoint. */
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** ListSecrets calls per second (default: the policy's `sweep.listCallsPerSecond`). */
  readonly listCallsPerSecond?: number;
  /** Closer-look calls per second (ListSecretVersionIds, GetResourcePolicy). */
  readonly closerLooksPerSecond?: number;
  /** Shards listed at once. */
  readonly concurrency?: number;
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
}

/**
 * Closer looks have their own quotas (higher than ListSecrets' 100/s, but a resource-policy
 * requirement over a whole estate could still make thousands): paced, conservatively.
 */
export const DEFAULT_CLOSER_LOOKS_PER_SECOND = 50;
const CLOSER_LOOK_ATTEMPTS = 5;

export const runSweep = async (
  secrets: SweepReads,
  onFindings: (findings: readonly Finding[]) => Promise<void>,
  options: SweepOptions,
): Promise<SweepReport> => {
  const startedAt = options.resumeFrom?.startedAt ?? options.now.toISOString();
  const now = new Date(startedAt);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const listing = listAccount(secrets, {
    callsPerSecond: options.listCallsPerSecond ?? options.policy.sweep.listCallsPerSecond,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.resumeFrom ? { resumeFrom: options.resumeFrom.listing } : {}),
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    sleep,
  });
  const closerLooks = new PQueue({ intervalCap: options.closerLooksPerSecond ?? DEFAULT_CLOSER_LOOKS_PER_SECOND, interval: 1000 });
  const paced = <T>(call: () => Promise<T>): Promise<T> => closerLooks.add(() => retryTransient(call, sleep));
  const reads = {
    listVersions: (secretId: string) => paced(() => secrets.listVersions(secretId)),
    getResourcePolicy: (secretId: string) => paced(() => secrets.getResourcePolicy(secretId)),
  };
  const context = { policy: options.policy, now, runId: options.runId };

  let counts = options.resumeFrom?.counts ?? emptyCounts();
  for await (const page of listing.pages) {
    const inspections = await Promise.all(page.map((secret) => inspectSecret(secret, reads, context)));
    for (const inspection of inspections) counts = addInspection(counts, inspection);
    const findings = inspections.flatMap((inspection) => inspection.findings);
    if (findings.length > 0) await onFindings(findings);
    options.onProgress?.({ counts, listing: listing.progress() });
  }
  const rest = listing.checkpoint();
  return {
    runId: options.runId,
    startedAt,
    complete: rest === undefined,
    counts,
    listing: listing.progress(),
    ...(rest ? { checkpoint: { version: 1, runId: options.runId, startedAt, listing: rest, counts } } : {}),
  };
};

/** Retries throttling and 5xx with exponential backoff and jitter; anything else is final. */
const retryTransient = async <T>(call: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof TransientAwsError) || attempt >= CLOSER_LOOK_ATTEMPTS) throw error;
      await sleep(Math.random() * 100 * 2 ** attempt);
    }
  }
};
