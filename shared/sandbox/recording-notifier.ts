/** The alert topic as the replay sees it: keeps each message, and forwards it to a real topic when one is given. */
import type { AlertMessage, NotifierPort } from '../ports/notifier.js';

export class RecordingNotifier implements NotifierPort {
  readonly sent: AlertMessage[] = [];

  public constructor(private readonly forwardTo?: NotifierPort) {}

  public async publish(message: AlertMessage): Promise<void> {
    if (this.forwardTo) await this.forwardTo.publish(message);
    this.sent.push(message);
  }
}
