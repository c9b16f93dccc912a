/**
 * AWS Organizations, read-only, one page at a time: what the organisation sweep's coordinator and
 * `scan --organization` need to learn which accounts are in scope. Callers page (`nextToken`), so
 * an organisation of thousands of accounts is never one call, and tests can give pages.
 */

/** An account as Organizations lists it. `active`: status ACTIVE (not SUSPENDED, not PENDING_CLOSURE). */
export interface OrganisationAccount {
  readonly id: string;
  readonly active: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string | undefined;
}

export interface OrganisationAccountsPort {
  /** ListAccounts: every account of the organisation. */
  listAccounts(nextToken?: string): Promise<Page<OrganisationAccount>>;
  /** ListAccountsForParent: the accounts directly under an OU (or the root). */
  listAccountsForParent(parentId: string, nextToken?: string): Promise<Page<OrganisationAccount>>;
  /** ListOrganizationalUnitsForParent: the OU ids directly under an OU (or the root). */
  listOrganizationalUnitsForParent(parentId: string, nextToken?: string): Promise<Page<string>>;
}
