/** The ledger and Config in memory, for the sandbox: same contract as the DynamoDB and Config adapters. */
import type { Claim, CompliancePort, LedgerPort } from '../ports/ledger.js';

export class MemoryLedger implements LedgerPort {
  readonly #claims = new Map<string, { expiresAt: Date; outcome?: string }>();
  readonly #writes = new Map<string, { count: number; expiresAt: Date }>();

  public constructor(private readonly now: () => Date) {}

  public async claim(key: string, expiresAt: Date): Promise<Claim> {
    const held = this.#claims.get(key);
    if (held && held.expiresAt > this.now()) return Promise.resolve({ claimed: false, ...(held.outcome ? { outcome: held.outcome } : {}) });
    this.#claims.set(key, { expiresAt });
    return Promise.resolve({ claimed: true });
  }

  public async complete(key: string, outcome: string, keepUntil: Date): Promise<void> {
    this.#claims.set(key, { expiresAt: keepUntil, outcome });
    return Promise.resolve();
  }

  public async release(key: string): Promise<void> {
    this.#claims.delete(key);
    return Promise.resolve();
  }

  public async takeWrite(scope: string, limit: number, expiresAt: Date): Promise<boolean> {
    const current = this.#writes.get(scope);
    const live = current && current.expiresAt > this.now() ? current : { count: 0, expiresAt };
    if (live.count >= limit) return Promise.resolve(false);
    this.#writes.set(scope, { count: live.count + 1, expiresAt: live.expiresAt });
    return Promise.resolve(true);
  }

  public async returnWrite(scope: string): Promise<void> {
    const current = this.#writes.get(scope);
    if (current && current.count > 0) current.count -= 1;
    return Promise.resolve();
  }

  readonly #counters = new Map<string, number>();

  public async count(scope: string, expiresAt: Date): Promise<number> {
    // Keyed by scope and expiry, like the DynamoDB item, so each window counts from zero.
    const key = `${scope}#${expiresAt.getTime()}`;
    const next = (this.#counters.get(key) ?? 0) + 1;
    this.#counters.set(key, next);
    return Promise.resolve(next);
  }

  public async counted(scope: string, expiresAt: Date): Promise<number> {
    return Promise.resolve(this.#counters.get(`${scope}#${expiresAt.getTime()}`) ?? 0);
  }
}

/** Config in the sandbox: it runs the rules named in `rules` (every name when undefined). */
export class RecordingCompliance implements CompliancePort {
  readonly reevaluated: string[][] = [];

  public constructor(private readonly rules?: ReadonlySet<string>) {}

  public async reevaluate(configRuleNames: readonly string[]): Promise<readonly string[]> {
    const started = configRuleNames.filter((name) => !this.rules || this.rules.has(name));
    this.reevaluated.push([...started]);
    return Promise.resolve(started);
  }
}
