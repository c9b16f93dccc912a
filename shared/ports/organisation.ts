/**
 * AWS Organizations, read from the hub (organisation mode): where an account sits, for a scope
 * given by organizational units. Only the management account, or a delegated administrator that
 * the organization's resource policy lets call ListParents, can answer.
 */
export interface OrganisationPort {
  /**
   * The account's parents, nearest first, up to the root (`ou-...`, ..., `r-...`): ListParents,
   * repeated. Throws PermissionDeniedError when the hub may not read the organization.
   */
  parentsOf(account: string): Promise<readonly string[]>;
}
