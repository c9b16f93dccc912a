/**
 * The wiring of `replay --from-cloudtrail`: which flags go with it, the read of the history with
 * a progress bar on a terminal, AWS errors turned into advice, and the ports it runs against
 * (the real Secrets Manager for reads only, everything else in memory). The replay command
 * calls these three functions and then runs the events like any file's.
 */
import { SingleBar } from 'cli-progress';
import { UsageError } from '../errors.js';
import type { Mode } from '../contracts/finding.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import type { SecretsPort } from '../ports/secrets.js';
import { type HistoryProgress, parseSince, readSecretsManagerHistory } from './cloudtrail-history.js';
import type { LoadedEvent } from './load-events.js';
import { readOnlyAccount } from './read-only-account.js';

/** The replay's flags that matter to a history replay. */
export interface HistoryReplayFlags {
  readonly fromCloudtrail: boolean;
  readonly since?: string | undefined;
  readonly mode?: Mode | undefined;
  readonly live: boolean;
  readonly account?: string | undefined;
  readonly busName?: string | undefined;
  readonly topicArn?: string | undefined;
  readonly ledgerTable?: string | undefined;
  /** Whether event files or folders were named on the command line. */
  readonly pathsGiven: boolean;
}

/** What `--since` is when not given. */
export const DEFAULT_SINCE = '7d';

/**
 * Refuses flags that cannot go with `--from-cloudtrail` (or need it), as usage errors: the
 * history replay is a dry run against the real account that writes nothing, so it takes no
 * enforce mode, no bus, topic or ledger table, no sandbox seed and no event files.
 */
export const checkHistoryReplayFlags = (flags: HistoryReplayFlags): void => {
  if (!flags.fromCloudtrail) {
    if (flags.since !== undefined) throw new UsageError('--since goes with --from-cloudtrail (e.g. --from-cloudtrail --since 7d)');
    return;
  }
  const conflicts = [
    flags.mode && flags.mode !== 'dry-run' ? `--mode ${flags.mode}` : undefined,
    flags.live ? '--live' : undefined,
    flags.account ? '--account' : undefined,
    flags.busName ? '--bus-name' : undefined,
    flags.topicArn ? '--topic-arn' : undefined,
    flags.ledgerTable ? '--ledger-table' : undefined,
    flags.pathsGiven ? 'event files or folders' : undefined,
  ].filter((c): c is string => c !== undefined);
  if (conflicts.length > 0) {
    throw new UsageError(
      `--from-cloudtrail cannot be used with ${conflicts.join(', ')}: it reads the account's own history and replays it in dry run, ` +
        'writing nothing (drop those, or replay files without --from-cloudtrail)',
    );
  }
};

/** The ports of a history replay: `secrets` (the real one) for reads only, the rest in memory. */
export const historyReplayPorts = (secrets: SecretsPort, region: string | undefined) =>
  readOnlyAccount(secrets, { account: 'live', region: region ?? process.env.AWS_REGION ?? 'unknown' });

const progressBar = () => {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'reading CloudTrail event history | {value} pages | {events} Secrets Manager events',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(0, 0, { events: 0 });
  return {
    update: ({ pages, events }: HistoryProgress) => {
      bar.setTotal(pages);
      bar.update(pages, { events });
    },
    stop: () => bar.stop(),
  };
};

export interface LoadHistoryOptions {
  /** The `--since` value, as typed. */
  readonly since: string;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly now?: Date;
  /** Show a progress bar on stderr (only when it is a terminal). */
  readonly progress?: boolean;
}

/**
 * The account's Secrets Manager history since `--since`, as one replay source (the events in
 * time order). A refused call becomes a usage error naming the permissions it needs; other AWS
 * errors go up to the CLI, which explains them (region, credentials, endpoint) and exits 2.
 */
export const loadHistory = async (history: CloudTrailHistoryPort, options: LoadHistoryOptions): Promise<LoadedEvent> => {
  const now = options.now ?? new Date();
  const since = parseSince(options.since, now);
  const file = `CloudTrail event history${options.region ? ` in ${options.region}` : ''}, ${since.toISOString()} to ${now.toISOString()}`;
  const bar = options.progress && process.stderr.isTTY ? progressBar() : undefined;
  try {
    const read = await readSecretsManagerHistory(history, { since, until: now, ...(bar ? { onPage: bar.update } : {}) });
    if (!read.ok) return { file, event: read };
    return { file, event: { ok: true, value: read.value, wrapped: read.wrapped }, ...(read.source ? { source: read.source } : {}) };
  } catch (error) {
    // A refusal gets the permissions this replay needs; the CLI turns any other AWS error
    // (region, credentials, endpoint) into advice where it handles every command's errors.
    throw refusal(error) ?? error;
  } finally {
    bar?.stop();
  }
};

const refusal = (error: unknown): UsageError | undefined => {
  const name = error instanceof Error ? error.name : '';
  if (!/AccessDenied|UnauthorizedOperation/.test(name)) return undefined;
  return new UsageError(
    `CloudTrail LookupEvents failed: ${name}: these credentials may not call cloudtrail:LookupEvents; the replay also needs secretsmanager:DescribeSecret, ListSecretVersionIds and GetResourcePolicy (never GetSecretValue)`,
    { cause: error },
  );
};
