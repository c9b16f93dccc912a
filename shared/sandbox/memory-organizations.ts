/**
 * AWS Organizations in memory: a tree of OUs holding accounts, answered in pages as the API does
 * (`pageSize` per page, a NextToken in between), with every call recorded. For the sandbox, the
 * tests and the organisation bench.
 */
import type { OrganisationAccount, OrganisationAccountsPort, Page } from '../ports/organisation-accounts.js';

export interface MemoryOu {
  readonly id: string;
  readonly accounts?: readonly OrganisationAccount[];
  readonly children?: readonly MemoryOu[];
}

export class MemoryOrganizations implements OrganisationAccountsPort {
  readonly calls: { readonly operation: string; readonly parentId?: string; readonly nextToken?: string }[] = [];
  readonly #byId = new Map<string, MemoryOu>();

  /** `root`: the organisation's root (an `r-` id) and everything under it. */
  public constructor(
    private readonly root: MemoryOu,
    private readonly pageSize = 20,
  ) {
    const index = (ou: MemoryOu): void => {
      this.#byId.set(ou.id, ou);
      ou.children?.forEach(index);
    };
    index(root);
  }

  public async listAccounts(nextToken?: string): Promise<Page<OrganisationAccount>> {
    this.calls.push({ operation: 'listAccounts', ...(nextToken ? { nextToken } : {}) });
    const all: OrganisationAccount[] = [];
    const walk = (ou: MemoryOu): void => {
      all.push(...(ou.accounts ?? []));
      ou.children?.forEach(walk);
    };
    walk(this.root);
    return Promise.resolve(this.page(all, nextToken));
  }

  public async listAccountsForParent(parentId: string, nextToken?: string): Promise<Page<OrganisationAccount>> {
    this.calls.push({ operation: 'listAccountsForParent', parentId, ...(nextToken ? { nextToken } : {}) });
    return Promise.resolve(this.page(this.ou(parentId).accounts ?? [], nextToken));
  }

  public async listOrganizationalUnitsForParent(parentId: string, nextToken?: string): Promise<Page<string>> {
    this.calls.push({ operation: 'listOrganizationalUnitsForParent', parentId, ...(nextToken ? { nextToken } : {}) });
    return Promise.resolve(
      this.page(
        (this.ou(parentId).children ?? []).map((child) => child.id),
        nextToken,
      ),
    );
  }

  private ou(id: string): MemoryOu {
    const ou = this.#byId.get(id);
    // What Organizations answers for an unknown parent.
    if (!ou) throw Object.assign(new Error(`ParentNotFoundException: no OU or root ${id}`), { name: 'ParentNotFoundException' });
    return ou;
  }

  private page<T>(items: readonly T[], nextToken?: string): Page<T> {
    const start = nextToken ? Number(nextToken.replace('page-', '')) : 0;
    const end = start + this.pageSize;
    return { items: items.slice(start, end), ...(end < items.length ? { nextToken: `page-${end}` } : {}) };
  }
}
