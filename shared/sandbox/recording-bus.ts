/**
 * The project bus as the replay sees it: every published event is kept in its full EventBridge
 * envelope (as a rule on the bus would receive it), and forwarded to a real bus when one is given.
 */
import { randomUUID } from 'node:crypto';
import { SERVICE_SOURCE } from '../contracts/finding.js';
import type { BusEvent, EventBusPort } from '../ports/bus.js';
import type { Clock } from '../ports/clock.js';

export interface DeliveredEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: unknown;
}

export class RecordingBus implements EventBusPort {
  readonly published: DeliveredEvent[] = [];

  public constructor(
    private readonly where: { account: string; region: string },
    private readonly clock: Clock,
    private readonly forwardTo?: EventBusPort,
  ) {}

  public async publish(events: readonly BusEvent[]): Promise<void> {
    if (this.forwardTo) await this.forwardTo.publish(events);
    for (const event of events) {
      this.published.push({
        version: '0',
        id: randomUUID(),
        'detail-type': event.detailType,
        source: SERVICE_SOURCE,
        account: this.where.account,
        time: this.clock
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        region: this.where.region,
        resources: [...event.resources],
        // Through JSON, as PutEvents would carry it: Dates become strings, undefined disappears.
        detail: event.detail === undefined ? undefined : (JSON.parse(JSON.stringify(event.detail)) as unknown),
      });
    }
  }
}
