/** The digest store in memory, for the sandbox and the replay: same contract as the DynamoDB adapter. */
import type { DigestPort, DigestWindow, HeldAlert } from '../ports/digest.js';

/** DynamoDB orders sort keys by their bytes, not by locale. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryDigest implements DigestPort {
  readonly #open = new Map<string, DigestWindow>();
  readonly #held = new Map<string, Map<string, HeldAlert>>();

  public async hold(window: DigestWindow, alert: HeldAlert): Promise<void> {
    this.#open.set(window.key, window);
    const held = this.#held.get(window.key) ?? new Map<string, HeldAlert>();
    held.set(alert.findingId, alert);
    this.#held.set(window.key, held);
    return Promise.resolve();
  }

  public async closedWindows(endedBy: Date, limit: number): Promise<readonly DigestWindow[]> {
    const bound = endedBy.toISOString();
    // Oldest first, like the table's sort key `<end>#<key>`.
    const closed = [...this.#open.values()]
      .filter((w) => w.end <= bound)
      .sort((a, b) => byCodeUnit(`${a.end}#${a.key}`, `${b.end}#${b.key}`))
      .slice(0, limit);
    return Promise.resolve(closed);
  }

  public async held(window: DigestWindow): Promise<readonly HeldAlert[]> {
    const held = [...(this.#held.get(window.key)?.values() ?? [])].sort((a, b) => byCodeUnit(a.findingId, b.findingId));
    return Promise.resolve(held);
  }

  public async forget(window: DigestWindow): Promise<void> {
    this.#open.delete(window.key);
    return Promise.resolve();
  }

  /** Held alerts live in this process only: no command can list them. */
  public listCommand(_window: DigestWindow): readonly string[] | undefined {
    return undefined;
  }

  /** Windows registered and not yet forgotten (for tests and the replay's summary). */
  public get openWindows(): readonly DigestWindow[] {
    return [...this.#open.values()];
  }
}
