/**
 * Where readers hand their pages to the consumer, one page each at most: a reader waits until
 * its page is taken (backpressure), so the pages in memory never outnumber the readers. A page
 * counts as read when it is taken: its `commit` runs then, and only then. See docs/sweep.md
 * ("Reading 500,000 secrets").
 */

interface Waiting<T> {
  readonly entries: readonly T[];
  readonly commit: () => void;
  readonly settle: (taken: boolean) => void;
}

/**
 * The hand-off between many readers and one consumer.
 * @example
 * const handOff = new HandOff<SecretState>(emitProgress);
 * // a reader:
 * const taken = await handOff.offer(page, () => (shard.token = nextToken));
 * // the consumer:
 * const entries = handOff.take() ?? (await handOff.arrival(), undefined);
 */
export class HandOff<T> {
  readonly #waiting: Waiting<T>[] = [];
  readonly #onCommit: () => void;
  #wakeConsumer: (() => void) | undefined;

  /** `onCommit` runs after each commit (progress reports). */
  public constructor(onCommit: () => void) {
    this.#onCommit = onCommit;
  }

  /**
   * Hands `entries` to the consumer; resolves true once taken (then `commit` has run), false when
   * dropped first. Nothing to hand over commits at once.
   */
  public offer(entries: readonly T[], commit: () => void): Promise<boolean> {
    if (entries.length === 0) {
      commit();
      this.#onCommit();
      return Promise.resolve(true);
    }
    return new Promise<boolean>((settle) => {
      this.#waiting.push({ entries, commit, settle });
      this.wakeConsumer();
    });
  }

  /** The consumer takes the oldest page waiting, committing it; undefined when none waits. */
  public take(): readonly T[] | undefined {
    const item = this.#waiting.shift();
    if (!item) return undefined;
    item.commit();
    item.settle(true);
    this.#onCommit();
    return item.entries;
  }

  /** Drops every page waiting, uncommitted: their readers learn they were not taken. */
  public drop(): void {
    for (const item of this.#waiting.splice(0)) item.settle(false);
  }

  /** Resolves when a page is offered, or `wakeConsumer` is called (the run changed). */
  public arrival(): Promise<void> {
    return new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
  }

  /** Wakes the consumer waiting in `arrival`, if it is. */
  public wakeConsumer(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = undefined;
    wake?.();
  }
}
