/** Slack as the sandbox sees it: keeps each message; can be told to fail, like a webhook that is down. */
import type { ChatPort, SlackMessage } from '../ports/notifier.js';

export class RecordingChat implements ChatPort {
  readonly sent: SlackMessage[] = [];
  #failures: Error[] = [];

  /** The next `times` posts throw `error` (a webhook answering 500, a revoked URL, ...). */
  public failNext(error: Error, times = 1): this {
    this.#failures.push(...Array.from({ length: times }, () => error));
    return this;
  }

  public async post(message: SlackMessage): Promise<void> {
    const failure = this.#failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
    return Promise.resolve();
  }
}
