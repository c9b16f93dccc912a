/**
 * Security Hub, for the findings the service imports into it (BatchImportFindings). The
 * documents are ASFF findings (shared/securityhub/asff.ts builds them); the port needs only
 * their `Id` to say which ones Security Hub refused.
 */

/** An ASFF finding as the port carries it. */
export type AsffDocument = { readonly Id: string } & Readonly<Record<string, unknown>>;

/** A finding Security Hub refused, as its answer names it. */
export interface RefusedFinding {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export interface SecurityHubImport {
  readonly imported: number;
  readonly refused: readonly RefusedFinding[];
}

/** Where findings go: an account and Region's Security Hub (findings import only from their own account). */
export interface SecurityHubTarget {
  readonly account: string;
  readonly region: string;
}

export interface SecurityHubPort {
  /**
   * Imports the findings, in as many calls as the API's limits need. Refused findings are in the
   * answer; a call that fails outright throws (`ThrottlingError` when Security Hub throttled it).
   */
  importFindings(findings: readonly AsffDocument[]): Promise<SecurityHubImport>;
}

/**
 * The Security Hub of an account and Region, or undefined when this deployment cannot write
 * there (single account: only its own; organisation: a member in scope, through its role).
 * `deployment` is where the asking function runs (the hub): its own Security Hub needs no role.
 */
export type SecurityHubFor = (target: SecurityHubTarget, deployment?: SecurityHubTarget) => SecurityHubPort | undefined;
