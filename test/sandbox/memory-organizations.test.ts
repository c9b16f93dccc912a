/**
 * AWS Organizations in memory: a tree of OUs holding accounts, answered in pages as the API does,
 * every call recorded, and an unknown parent refused as Organizations refuses it.
 */
import { describe, expect, it } from 'vitest';
import type { OrganisationAccount, Page } from '../../shared/ports/organisation-accounts.js';
import { MemoryOrganizations } from '../../shared/sandbox/memory-organizations.js';

const active = (id: string): OrganisationAccount => ({ id, active: true });

/** root (111…, 222…) → OU prod (333…) → OU prod/eu (444…); OU sandbox (555…, suspended). */
const tree = (pageSize?: number) =>
  new MemoryOrganizations(
    {
      id: 'r-ab12',
      accounts: [active('111111111111'), active('222222222222')],
      children: [
        {
          id: 'ou-ab12-prod0001',
          accounts: [active('333333333333')],
          children: [{ id: 'ou-ab12-eu000001', accounts: [active('444444444444')] }],
        },
        { id: 'ou-ab12-sandbox1', accounts: [{ id: '555555555555', active: false }] },
      ],
    },
    pageSize,
  );

/** Every item of a paged listing, following its tokens. */
const all = async <T>(list: (nextToken?: string) => Promise<Page<T>>): Promise<T[]> => {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    items.push(...page.items);
    token = page.nextToken;
  } while (token);
  return items;
};

describe('Class: MemoryOrganizations', () => {
  it('lists every account of the organisation, suspended ones too, across pages', async () => {
    // Prepare
    const organizations = tree(2);

    // Act
    const accounts = await all((token) => organizations.listAccounts(token));

    // Assess
    expect(accounts.map((account) => account.id)).toStrictEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
    expect(accounts.find((account) => account.id === '555555555555')?.active).toBe(false);
    expect(organizations.calls).toStrictEqual([
      { operation: 'listAccounts' },
      { operation: 'listAccounts', nextToken: 'page-2' },
      { operation: 'listAccounts', nextToken: 'page-4' },
    ]);
  });

  it('lists only the accounts directly under a parent, and its child OUs by id', async () => {
    // Prepare
    const organizations = tree();

    // Act
    const underRoot = await organizations.listAccountsForParent('r-ab12');
    const underProd = await organizations.listAccountsForParent('ou-ab12-prod0001');
    const ous = await organizations.listOrganizationalUnitsForParent('r-ab12');
    const leaf = await organizations.listOrganizationalUnitsForParent('ou-ab12-eu000001');

    // Assess
    expect(underRoot).toStrictEqual({ items: [active('111111111111'), active('222222222222')] });
    expect(underProd).toStrictEqual({ items: [active('333333333333')] });
    expect(ous).toStrictEqual({ items: ['ou-ab12-prod0001', 'ou-ab12-sandbox1'] });
    expect(leaf).toStrictEqual({ items: [] });
    expect(organizations.calls.map((call) => [call.operation, call.parentId])).toStrictEqual([
      ['listAccountsForParent', 'r-ab12'],
      ['listAccountsForParent', 'ou-ab12-prod0001'],
      ['listOrganizationalUnitsForParent', 'r-ab12'],
      ['listOrganizationalUnitsForParent', 'ou-ab12-eu000001'],
    ]);
  });

  it('pages the OUs under a parent as it pages accounts', async () => {
    // Prepare
    const organizations = tree(1);

    // Act
    const first = await organizations.listOrganizationalUnitsForParent('r-ab12');
    const second = await organizations.listOrganizationalUnitsForParent('r-ab12', first.nextToken);

    // Assess
    expect(first).toStrictEqual({ items: ['ou-ab12-prod0001'], nextToken: 'page-1' });
    expect(second).toStrictEqual({ items: ['ou-ab12-sandbox1'] });
  });

  it('refuses a parent it does not hold with ParentNotFoundException, naming it', async () => {
    // Prepare
    const organizations = tree();

    // Act
    const act = organizations.listAccountsForParent('ou-ab12-gone0001');

    // Assess
    await expect(act).rejects.toMatchObject({
      name: 'ParentNotFoundException',
      message: 'ParentNotFoundException: no OU or root ou-ab12-gone0001',
    });
  });
});
