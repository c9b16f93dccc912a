/**
 * CloudTrail's event history in memory, for the sandbox and the tests: the same contract as
 * LookupEvents (filter on one attribute — event source, event name or resource name — and the
 * time range, newest first, pages of at most 50 with a token for the next).
 */
import type { CloudTrailHistoryPort, HistoryPage, HistoryRequest, LookupAttribute } from '../ports/cloudtrail-history.js';

const PAGE_SIZE = 50;

type TrailRecord = Readonly<Record<string, unknown>>;

/** The names CloudTrail files a record under: its `resources` (ARN), as event history's "Resource name". */
const resourceNames = (record: TrailRecord): string[] =>
  Array.isArray(record.resources)
    ? record.resources.flatMap((r: unknown) =>
        typeof (r as { ARN?: unknown } | null)?.ARN === 'string' ? [(r as { ARN: string }).ARN] : [],
      )
    : [];

const matches = (record: TrailRecord, { key, value }: LookupAttribute): boolean => {
  if (key === 'EventSource') return record.eventSource === value;
  if (key === 'EventName') return record.eventName === value;
  return resourceNames(record).includes(value);
};

export class MemoryCloudTrailHistory implements CloudTrailHistoryPort {
  /** Every request received, in order. */
  readonly requests: HistoryRequest[] = [];
  readonly #records: readonly TrailRecord[];

  /** `records`: CloudTrail records, as a trail's log file holds them. */
  public constructor(
    records: readonly TrailRecord[],
    private readonly pageSize = PAGE_SIZE,
  ) {
    this.#records = records;
  }

  public async lookupEvents(request: HistoryRequest): Promise<HistoryPage> {
    this.requests.push(request);
    const time = (record: TrailRecord) => Date.parse(String(record.eventTime));
    const matching = this.#records
      .filter((r) => matches(r, request.lookupAttribute) && time(r) >= request.startTime.getTime() && time(r) <= request.endTime.getTime())
      .sort((a, b) => time(b) - time(a));
    const offset = request.nextToken ? Number(request.nextToken) : 0;
    const page = matching.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize;
    return Promise.resolve({
      events: page.map((record) => ({
        ...(typeof record.eventID === 'string' ? { eventId: record.eventID } : {}),
        cloudTrailEvent: JSON.stringify(record),
      })),
      ...(next < matching.length ? { nextToken: String(next) } : {}),
    });
  }
}
