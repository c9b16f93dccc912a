/** OrganisationAccountsPort over Organizations: one call per page, ACTIVE by State or Status, errors mapped. */
import {
  AccessDeniedException,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { organizationsAdapter } from '../../shared/adapters/organizations.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import '../helpers/aws-matchers.js';
import { settle } from '../helpers/settle.js';

const organizations = mockClient(OrganizationsClient);
const port = organizationsAdapter(new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1 }));

beforeEach(() => {
  organizations.reset();
});

afterAll(() => {
  organizations.restore();
});

describe('Function: organizationsAdapter', () => {
  it('lists a page of accounts, active by the newer State and else by Status', async () => {
    // Prepare
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', State: 'ACTIVE', Status: 'SUSPENDED' },
        { Id: '222222222222', Status: 'ACTIVE' },
        { Id: '333333333333', State: 'SUSPENDED' },
        { Id: '444444444444', State: 'PENDING_CLOSURE', Status: 'ACTIVE' },
      ],
      NextToken: 'next',
    });

    // Act
    const page = await port.listAccounts(undefined);

    // Assess
    expect(page).toStrictEqual({
      items: [
        { id: '111111111111', active: true },
        { id: '222222222222', active: true },
        { id: '333333333333', active: false },
        { id: '444444444444', active: false },
      ],
      nextToken: 'next',
    });
    expect(organizations.commandCalls(ListAccountsCommand)[0]?.args[0].input).toStrictEqual({});
  });

  it('passes the page token on, and answers no token after the last page', async () => {
    // Prepare
    organizations.on(ListAccountsCommand).resolves({ Accounts: [] });

    // Act
    const page = await port.listAccounts('next');

    // Assess
    expect(page).toStrictEqual({ items: [], nextToken: undefined });
    expect(organizations).toHaveReceivedCommandExactlyOnceWith(ListAccountsCommand, { NextToken: 'next' });
  });

  it("lists the accounts of a parent, and the ids of a parent's organizational units", async () => {
    // Prepare
    organizations.on(ListAccountsForParentCommand).resolves({ Accounts: [{ Id: '555555555555', State: 'ACTIVE' }] });
    organizations
      .on(ListOrganizationalUnitsForParentCommand)
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-cd34ef56' }, {}], NextToken: 't' });

    // Act
    const accounts = await port.listAccountsForParent('ou-root-1', undefined);
    const units = await port.listOrganizationalUnitsForParent('r-ab12', 'from');

    // Assess
    expect(accounts).toStrictEqual({ items: [{ id: '555555555555', active: true }], nextToken: undefined });
    expect(units).toStrictEqual({ items: ['ou-ab12-cd34ef56'], nextToken: 't' });
    expect(organizations).toHaveReceivedCommandExactlyOnceWith(ListAccountsForParentCommand, { ParentId: 'ou-root-1' });
    expect(organizations).toHaveReceivedCommandExactlyOnceWith(ListOrganizationalUnitsForParentCommand, {
      ParentId: 'r-ab12',
      NextToken: 'from',
    });
  });

  it('maps AccessDeniedException to PermissionDeniedError naming the call, as from an account that is not the management account', async () => {
    // Prepare
    const denied = new AccessDeniedException({ message: 'You don’t have permissions to access this resource.', $metadata: {} });
    organizations.on(ListAccountsForParentCommand).rejects(denied);

    // Act
    const outcome = await settle(port.listAccountsForParent('ou-root-1', undefined));

    // Assess
    expect(outcome.error).toBeInstanceOf(PermissionDeniedError);
    expect(outcome.error).toMatchObject({
      cause: denied,
      message: expect.stringContaining('ListAccountsForParent: AccessDeniedException') as unknown,
    });
  });
});
