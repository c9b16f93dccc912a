/**
 * CloudTrail's event history in memory, for the sandbox and the tests: the same contract as
 * LookupEvents (filter on the event source and the time range, newest first, pages of at most
 * 50 with a token for the next).
 */
import type { CloudTrailHistoryPort, HistoryPage, HistoryRequest } from '../ports/cloudtrail-history.js';

const PAGE_SIZE = 50;

export class MemoryCloudTrailHistory implements CloudTrailHistoryPort {
  /** Every request received, in order. */
  readonly requests: HistoryRequest[] = [];
  readonly #records: readonly Record<string, unknown>[];

  /** `records`: CloudTrail records, as a trail's log file holds them. */
  public constructor(records: readonly Record<string, unknown>[], private readonly pageSize = PAGE_SIZE) {
    this.#records = records;
  }

  public async lookupEvents(request: HistoryRequest): Promise<HistoryPage> {
    this.requests.push(request);
    const time = (record: Record<string, unknown>) => Date.parse(String(record.eventTime));
    const matching = this.#records
      .filter((r) => r.eventSource === request.eventSource && time(r) >= request.startTime.getTime() && time(r) <= request.endTime.getTime())
      .sort((a, b) => time(b) - time(a));
    const offset = request.nextToken ? Number(request.nextToken) : 0;
    const page = matching.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize;
    return Promise.resolve({
      events: page.map((record) => ({ ...(typeof record.eventID === 'string' ? { eventId: record.eventID } : {}), cloudTrailEvent: JSON.stringify(record) })),
      ...(next < matching.length ? { nextToken: String(next) } : {}),
    });
  }
}
