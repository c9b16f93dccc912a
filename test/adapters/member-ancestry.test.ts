/** Where an account sits in the organization (OU scopes), read with ListParents over a mocked Organizations client. */
import { ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ANCESTRY_TTL_MS, organisationAncestry } from '../../shared/adapters/member-ancestry.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import '../helpers/aws-matchers.js';

const organizations = mockClient(OrganizationsClient);

beforeEach(() => {
  organizations.reset();
  organizations
    .on(ListParentsCommand, { ChildId: '444455556666' })
    .resolves({ Parents: [{ Id: 'ou-ab12-child111', Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations
    .on(ListParentsCommand, { ChildId: 'ou-ab12-child111' })
    .resolves({ Parents: [{ Id: 'ou-ab12-parent22', Type: 'ORGANIZATIONAL_UNIT' }] });
  organizations.on(ListParentsCommand, { ChildId: 'ou-ab12-parent22' }).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
});

afterAll(() => organizations.restore());

describe('organisationAncestry', () => {
  it("lists an account's parents, nearest first, up to the root, and asks again only after ten minutes", async () => {
    let now = 0;
    const ancestry = organisationAncestry({ client: new OrganizationsClient({ region: 'us-east-1' }), now: () => now });

    await expect(ancestry.parentsOf('444455556666')).resolves.toEqual(['ou-ab12-child111', 'ou-ab12-parent22', 'r-ab12']);
    await ancestry.parentsOf('444455556666');
    expect(organizations).toHaveReceivedCommandTimes(ListParentsCommand, 3);
    now += ANCESTRY_TTL_MS + 1;
    await ancestry.parentsOf('444455556666');
    expect(organizations).toHaveReceivedCommandTimes(ListParentsCommand, 6);
  });

  it('fails with PermissionDeniedError where the hub may not read the organization', async () => {
    organizations.on(ListParentsCommand).rejects(
      Object.assign(new Error('You don’t have permissions to access this resource.'), {
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
      }),
    );
    await expect(
      organisationAncestry({ client: new OrganizationsClient({ region: 'us-east-1' }) }).parentsOf('444455556666'),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  });
});
