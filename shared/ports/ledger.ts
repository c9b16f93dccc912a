/**
 * What the actions remember between invocations: which findings they already handled (so a
 * duplicate delivery yields one action and one alert) and how many writes each secret had in
 * the current hour (the blast-radius limit). DynamoDB with conditional writes in AWS, a Map in
 * the sandbox. Both operations are atomic, so concurrent invocations cannot both win.
 */
export type Claim =
  | { readonly claimed: true }
  /** Already claimed; `outcome` is what the first handler recorded when it finished, if it did. */
  | { readonly claimed: false; readonly outcome?: string };

export interface LedgerPort {
  /**
   * Marks `key` as being handled until `expiresAt` — a short in-progress window, so that an
   * invocation that dies half-way does not hold the key for long.
   */
  claim(key: string, expiresAt: Date): Promise<Claim>;
  /** Records the outcome of a claimed key (JSON) and keeps it until `keepUntil`, so a redelivery reports it again instead of acting again. */
  complete(key: string, outcome: string, keepUntil: Date): Promise<void>;
  /** Forgets a claim, so a retry after a transient failure may act. */
  release(key: string): Promise<void>;
  /** Counts one write against `scope` until `expiresAt`; false (nothing counted) when `limit` writes are counted already. */
  takeWrite(scope: string, limit: number, expiresAt: Date): Promise<boolean>;
  /** Gives back a write taken for an attempt that failed and will be retried. */
  returnWrite(scope: string, expiresAt: Date): Promise<void>;
  /**
   * Adds one to the counter `scope` (created at 0, kept until `expiresAt`) and answers the new
   * value. Atomic: concurrent callers each see a distinct value, so exactly one sees `n`.
   */
  count(scope: string, expiresAt: Date): Promise<number>;
  /** The counter `scope` (the one kept until `expiresAt`) as it stands, without adding to it; 0 when nothing was counted. */
  counted(scope: string, expiresAt: Date): Promise<number>;
}

/** AWS Config, to re-evaluate a managed rule after a fix so Security Hub catches up. */
export interface CompliancePort {
  /** StartConfigRulesEvaluation for each rule; answers the ones the account has (others are left out, not failed). */
  reevaluate(configRuleNames: readonly string[]): Promise<readonly string[]>;
}
