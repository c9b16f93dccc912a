/** The organisation sandbox: a member's view finds only the secrets of its account and region, records the role it went through, and can refuse. */
import { describe, expect, it } from 'vitest';
import { MemberAccessError, SecretNotFoundError } from '../../shared/errors.js';
import { SandboxMemberAccess } from '../../shared/sandbox/sandbox-member-access.js';
import { sandboxWith } from '../helpers/sandbox.js';

const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-rst-use1';
const inMember = {
  name: 'prod/crm/api-token',
  arn: 'arn:aws:secretsmanager:us-east-1:444455556666:secret:prod/crm/api-token-Mb1234',
  deletedDate: '2026-11-25T11:00:00Z',
  versions: { v1: ['AWSCURRENT'] },
};
const inHub = {
  name: 'prod/crm/api-token',
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Hb1234',
  versions: { v1: ['AWSCURRENT'] },
};

describe('SandboxMemberAccess', () => {
  it("resolves a name in the target's account and region only, and acts there", async () => {
    const account = sandboxWith(inMember, inHub);
    const members = new SandboxMemberAccess(account.secrets);
    const secrets = members.secrets({ account: '444455556666', region: 'us-east-1', roleArn: ROLE, session: 'finding-1' });

    await expect(secrets.describeSecret('prod/crm/api-token')).resolves.toMatchObject({ arn: inMember.arn });
    await secrets.restoreSecret('prod/crm/api-token');

    expect((await account.secrets.describeSecret(inMember.arn)).deletedDate).toBeUndefined();
    expect(members.calls).toEqual([
      {
        operation: 'describeSecret',
        secretId: 'prod/crm/api-token',
        account: '444455556666',
        region: 'us-east-1',
        roleArn: ROLE,
        session: 'finding-1',
      },
      {
        operation: 'restoreSecret',
        secretId: 'prod/crm/api-token',
        account: '444455556666',
        region: 'us-east-1',
        roleArn: ROLE,
        session: 'finding-1',
      },
    ]);
  });

  it('does not find a secret of another account or region, even by its ARN', async () => {
    const members = new SandboxMemberAccess(sandboxWith(inMember, inHub).secrets);
    const elsewhere = members.secrets({ account: '444455556666', region: 'eu-west-1', roleArn: ROLE, session: 'finding-1' });
    await expect(elsewhere.describeSecret('prod/crm/api-token')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(elsewhere.describeSecret(inHub.arn)).rejects.toBeInstanceOf(SecretNotFoundError);
  });

  it('lists only the secrets of its account and region', async () => {
    const members = new SandboxMemberAccess(sandboxWith(inMember, inHub).secrets);
    const page = await members.secrets({ account: '444455556666', region: 'us-east-1', roleArn: ROLE, session: 'sweep' }).listSecrets({});
    expect(page.secrets.map((secret) => secret.arn)).toEqual([inMember.arn]);
  });

  it('refuses like STS where the member stack is missing, naming the role', async () => {
    const account = sandboxWith(inMember);
    const members = new SandboxMemberAccess(account.secrets).refuse('444455556666', 'us-east-1');
    const error: unknown = await members
      .secrets({ account: '444455556666', region: 'us-east-1', roleArn: ROLE, session: 'finding-1' })
      .restoreSecret(inMember.arn)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MemberAccessError);
    expect((error as Error).message).toContain(`cannot assume ${ROLE} in us-east-1`);
    expect((await account.secrets.describeSecret(inMember.arn)).deletedDate).toBeDefined();
  });
});
