/**
 * `replay --from-cloudtrail --since 7d`: the account's own recent Secrets Manager history, read
 * from CloudTrail's event history (LookupEvents) and replayed through the same chain as files,
 * in dry run, with nothing written anywhere. How a team sees what the service would have found
 * and done on its real account before deploying it.
 */
import PQueue from 'p-queue';
import { UsageError } from '../errors.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import { parseJsonText, SECRETS_MANAGER_EVENT_SOURCE, secretsManagerEvents, type DecodedEvents } from './event-formats.js';

/** How far back LookupEvents reaches. */
export const HISTORY_DAYS = 90;

/** LookupEvents' quota: two calls per second, per account and region. */
export const LOOKUP_CALLS_PER_SECOND = 2;

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The start of the history to read: `30m`, `12h`, `7d` before `now`, or an ISO 8601 date or
 * date-time. Refused (a usage error): anything else, a time in the future, and more than
 * {@link HISTORY_DAYS} days back, which LookupEvents cannot give.
 */
export const parseSince = (value: string, now: Date): Date => {
  const relative = /^(\d+)([mhd])$/.exec(value.trim());
  let since: Date;
  if (relative) {
    since = new Date(now.getTime() - Number(relative[1]) * (UNIT_MS[relative[2] ?? 'd'] ?? 0));
  } else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    since = new Date(value.trim());
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since: not a valid date; give e.g. 7d, 12h, 30m or 2026-11-01`);
  } else {
    throw new UsageError(`--since: expected a duration (7d, 12h, 30m) or an ISO date (2026-11-01, 2026-11-01T08:00Z)`);
  }
  if (since.getTime() > now.getTime()) throw new UsageError('--since: that time is in the future; give a time in the past 90 days');
  if (now.getTime() - since.getTime() > HISTORY_DAYS * UNIT_MS.d!) {
    throw new UsageError(
      `--since: CloudTrail's event history (LookupEvents) keeps ${HISTORY_DAYS} days; give ${HISTORY_DAYS}d or less, ` +
        "or replay older events from the trail's log files in S3 (download AWSLogs/<account>/CloudTrail/<region>/... and name the folder)",
    );
  }
  return since;
};

export interface HistoryProgress {
  readonly pages: number;
  readonly events: number;
}

export interface ReadHistoryOptions {
  readonly since: Date;
  readonly until: Date;
  /** Called after each page: for a progress bar. */
  readonly onPage?: (progress: HistoryProgress) => void;
}

export type HistoryEvents = DecodedEvents & { readonly pages: number };

/**
 * Every Secrets Manager event between `since` and `until`, oldest first, wrapped as EventBridge
 * delivers them. Pages are read one after the other (each needs the previous one's token), at
 * most {@link LOOKUP_CALLS_PER_SECOND} in any one second (a sliding window, so no burst at a
 * window's edge crosses the quota). An entry whose record cannot be read rejects the lot, named
 * by its position and event id.
 */
export const readSecretsManagerHistory = async (
  history: CloudTrailHistoryPort,
  { since, until, onPage }: ReadHistoryOptions,
): Promise<HistoryEvents> => {
  const queue = new PQueue({ concurrency: 1, intervalCap: LOOKUP_CALLS_PER_SECOND, interval: 1000, strict: true });
  const records: unknown[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const token = nextToken;
    const page = await queue.add(() =>
      history.lookupEvents({
        lookupAttribute: { key: 'EventSource', value: SECRETS_MANAGER_EVENT_SOURCE },
        startTime: since,
        endTime: until,
        ...(token ? { nextToken: token } : {}),
      }),
    );
    pages += 1;
    for (const entry of page.events) {
      const where = `LookupEvents page ${pages}, event ${entry.eventId ?? `#${records.length + 1}`}`;
      if (typeof entry.cloudTrailEvent !== 'string') return { ok: false, problem: `${where}: no CloudTrailEvent in it`, pages };
      const parsed = parseJsonText(entry.cloudTrailEvent, where);
      if (!parsed.ok) return { ...parsed, pages };
      records.push(parsed.value);
    }
    onPage?.({ pages, events: records.length });
    nextToken = page.nextToken;
  } while (nextToken);
  return { ...secretsManagerEvents(records, 'lookup-events', (index) => `LookupEvents event #${index + 1}`), pages };
};
