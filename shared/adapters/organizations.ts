/**
 * OrganisationAccountsPort over the AWS SDK v3 Organizations client: one call per page, errors
 * mapped like every other adapter's (AccessDenied → PermissionDeniedError naming the call).
 * Organizations answers from the management account or a delegated administrator only, which is
 * where the hub runs in organisation mode.
 */
import {
  type Account,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
  type OrganizationsClientConfig,
} from '@aws-sdk/client-organizations';
import type { OrganisationAccount, OrganisationAccountsPort } from '../ports/organisation-accounts.js';
import { callAws } from './aws-errors.js';

/** ACTIVE by the newer `State` when present, else by `Status` (which AWS is retiring in its favour). */
const toAccount = (account: Account): OrganisationAccount => ({
  id: account.Id ?? '',
  active: (account.State ?? account.Status) === 'ACTIVE',
});

export const organizationsAdapter = (client: OrganizationsClient): OrganisationAccountsPort => ({
  listAccounts: async (nextToken) => {
    const page = await callAws('organizations', 'ListAccounts', () =>
      client.send(new ListAccountsCommand({ ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    return { items: (page.Accounts ?? []).map(toAccount), nextToken: page.NextToken };
  },
  listAccountsForParent: async (parentId, nextToken) => {
    const page = await callAws('organizations', 'ListAccountsForParent', () =>
      client.send(new ListAccountsForParentCommand({ ParentId: parentId, ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    return { items: (page.Accounts ?? []).map(toAccount), nextToken: page.NextToken };
  },
  listOrganizationalUnitsForParent: async (parentId, nextToken) => {
    const page = await callAws('organizations', 'ListOrganizationalUnitsForParent', () =>
      client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    return { items: (page.OrganizationalUnits ?? []).flatMap((ou) => (ou.Id ? [ou.Id] : [])), nextToken: page.NextToken };
  },
});

/** The adapter on a client of its own, made with `config` (what the composition root loads with `import()` when first needed). */
export const organizationsAdapterFor = (config: OrganizationsClientConfig): OrganisationAccountsPort =>
  organizationsAdapter(new OrganizationsClient(config));
