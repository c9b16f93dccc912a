/** remove-public-statements through the real runner on the sandbox account: remove what offends now, keep the rest as it was. */
import { describe, expect, it, vi } from 'vitest';
import { removePublicStatementsAction } from '../../shared/actions/remove-public-statements.js';
import type { ActionResult, Finding, Mode } from '../../shared/contracts/finding.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { loadSampleEvent } from '../helpers/events.js';
import { findingFromRecord } from '../helpers/records.js';
import { sandboxWith } from '../helpers/sandbox.js';
import { actionResult } from '../helpers/remediation.js';

const GATEWAY_KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shared/api-gateway-key-Sh4rEd';
const PUBLIC_SAMPLE = 'policy-public/fires.PutResourcePolicy.authored.public.json';
const UNKNOWN_ACCOUNT_SAMPLE = 'policy-public/fires.PutResourcePolicy.authored.unknown-account.json';

type Statement = Record<string, unknown>;

const OWN_ROLE: Statement = {
  Sid: 'AllowGatewayRole',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::123456789012:role/api-gateway-role' },
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
};
const EVERYONE: Statement = {
  Sid: 'AllowEveryone',
  Effect: 'Allow',
  Principal: '*',
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
};
const PARTNER: Statement = {
  Sid: 'AllowPartner',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::999988887777:role/partner-integration' },
  Action: 'secretsmanager:GetSecretValue',
  Resource: '*',
};
const EVERYONE_IN_ORG: Statement = { ...EVERYONE, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } };

/** The document the sample event put, as the secret holds it now. */
const samplePolicyText = (sample: string): string => {
  const event = loadSampleEvent<{ detail: { requestParameters: { resourcePolicy: string } } }>(sample);
  return event.detail.requestParameters.resourcePolicy;
};

/** policy-public: bob put AllowGatewayRole (own account) and AllowEveryone (`*`) on prod/shared/api-gateway-key. */
const publicFinding = (): Finding => findingFromRecord(PUBLIC_SAMPLE, 'policy-public');

const accountWith = (resourcePolicy?: string): SandboxAccount =>
  sandboxWith({
    name: 'prod/shared/api-gateway-key',
    arn: GATEWAY_KEY_ARN,
    versions: { v1: ['AWSCURRENT'] },
    ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
  });

const documentOf = (...statements: Statement[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

const run = (account: SandboxAccount, finding: Finding, mode: Mode): Promise<ActionResult> =>
  actionResult(removePublicStatementsAction, account, finding, mode);

const operations = (account: SandboxAccount): string[] => account.secrets.calls.map((c) => c.operation);

const currentPolicy = async (account: SandboxAccount): Promise<unknown> => {
  const text = await account.secrets.getResourcePolicy(GATEWAY_KEY_ARN);
  return text === undefined ? undefined : JSON.parse(text);
};

describe('Action: remove-public-statements', () => {
  it('needs exactly GetResourcePolicy, PutResourcePolicy and DeleteResourcePolicy, and no Config rule covers it', () => {
    // Prepare
    const { type, permissions, configRule } = removePublicStatementsAction;

    // Act
    const declared = { type, permissions, configRule };

    // Assess
    expect(declared).toEqual({
      type: 'remove-public-statements',
      permissions: ['secretsmanager:GetResourcePolicy', 'secretsmanager:PutResourcePolicy', 'secretsmanager:DeleteResourcePolicy'],
      configRule: undefined,
    });
  });

  it('in enforce mode removes the public statement, puts the other back exactly as it was, and verifies it', async () => {
    // Prepare
    const original = samplePolicyText(PUBLIC_SAMPLE);
    const account = accountWith(original);
    const put = vi.spyOn(account.secrets, 'putResourcePolicy');

    // Act
    const result = await run(account, publicFinding(), 'enforce');
    const calls = operations(account);

    // Assess
    expect(result).toMatchObject({
      type: 'remove-public-statements',
      mode: 'enforce',
      outcome: 'applied',
      reason:
        'remove AllowEveryone from the resource policy and put back the other 1 statement with BlockPublicPolicy ' +
        '(removed AllowEveryone: grants access to everyone (*))',
    });
    expect(calls).toEqual(['describeSecret', 'getResourcePolicy', 'putResourcePolicy', 'describeSecret', 'getResourcePolicy']);
    const originalDocument = JSON.parse(original) as { Version: string; Statement: Statement[] };
    expect(put).toHaveBeenCalledWith({
      secretId: GATEWAY_KEY_ARN,
      policy: JSON.stringify({ Version: originalDocument.Version, Statement: [originalDocument.Statement[0]] }),
    });
    expect(await currentPolicy(account)).toEqual({ Version: '2012-10-17', Statement: [OWN_ROLE] });
    expect(account.compliance.reevaluated).toEqual([]);
  });

  it('in dry-run mode says what it would remove and writes nothing', async () => {
    // Prepare
    const original = samplePolicyText(PUBLIC_SAMPLE);
    const account = accountWith(original);

    // Act
    const result = await run(account, publicFinding(), 'dry-run');

    // Assess
    expect(result).toMatchObject({
      mode: 'dry-run',
      outcome: 'planned',
      reason: expect.stringMatching(/^dry run: would remove AllowEveryone from the resource policy and put back the other 1 statement/),
    });
    expect(operations(account)).toEqual(['describeSecret', 'getResourcePolicy']);
    expect(await account.secrets.getResourcePolicy(GATEWAY_KEY_ARN)).toBe(original);
  });

  it('deletes the policy when every statement offends (a Sid-less grant to an unknown account)', async () => {
    // Prepare
    const account = accountWith(samplePolicyText(UNKNOWN_ACCOUNT_SAMPLE));

    // Act
    const result = await run(account, findingFromRecord(UNKNOWN_ACCOUNT_SAMPLE, 'policy-public'), 'enforce');
    const calls = operations(account);

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      reason:
        'delete the resource policy: every statement in it grants access outside the allowed accounts (#0) ' +
        '(removed #0: grants access to arn:aws:iam::999988887777:role/partner-integration in account 999988887777, which is not allowed)',
    });
    expect(calls).toEqual(['describeSecret', 'getResourcePolicy', 'deleteResourcePolicy', 'describeSecret', 'getResourcePolicy']);
    expect(await currentPolicy(account)).toBeUndefined();
  });

  it('keeps Version, Id and every other statement in order, their contents untouched', async () => {
    // Prepare
    const deny: Statement = {
      Sid: 'DenyOutsideVpce',
      Effect: 'Deny',
      Principal: '*',
      Action: 'secretsmanager:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f67890' } },
    };
    const partnerAccount: Statement = {
      Sid: 'AllowPartnerAccount',
      Effect: 'Allow',
      Principal: { AWS: '210987654321' },
      Action: ['secretsmanager:GetSecretValue'],
      Resource: '*',
    };
    const document = { Version: '2012-10-17', Id: 'gateway-key-policy', Statement: [deny, EVERYONE, OWN_ROLE, PARTNER, partnerAccount] };
    const account = accountWith(JSON.stringify(document, null, 2));

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      reason: expect.stringMatching(/^remove AllowEveryone, AllowPartner from the resource policy and put back the other 3 statements /),
    });
    const after = await account.secrets.getResourcePolicy(GATEWAY_KEY_ARN);
    expect(after).toBe(JSON.stringify({ Version: '2012-10-17', Id: 'gateway-key-policy', Statement: [deny, OWN_ROLE, partnerAccount] }));
  });

  it('removes what offends now and says which statements of the finding were fixed since', async () => {
    // Prepare: AllowEveryone is confined to the organisation now, and someone added a grant to a partner.
    const account = accountWith(documentOf(OWN_ROLE, EVERYONE_IN_ORG, PARTNER));

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({ outcome: 'applied' });
    expect(result.reason).toMatch(
      /^remove AllowPartner from the resource policy and put back the other 2 statements with BlockPublicPolicy \(removed AllowPartner: /,
    );
    expect(result.reason).toContain('; no longer offending since the finding: AllowEveryone)');
    expect(await currentPolicy(account)).toEqual({ Version: '2012-10-17', Statement: [OWN_ROLE, EVERYONE_IN_ORG] });
  });

  it('leaves a policy that no longer grants access outside the allowed accounts', async () => {
    // Prepare
    const account = accountWith(documentOf(OWN_ROLE, EVERYONE_IN_ORG));

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'the policy no longer grants access outside the allowed accounts' });
    expect(operations(account)).toEqual(['describeSecret', 'getResourcePolicy']);
  });

  it('leaves a secret that has no resource policy any more', async () => {
    // Prepare
    const account = accountWith(undefined);

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'the secret has no resource policy any more' });
    expect(operations(account)).toEqual(['describeSecret', 'getResourcePolicy']);
  });

  it('removes Sid-less statements by their position', async () => {
    // Prepare
    const { Sid: _own, ...ownRole } = OWN_ROLE;
    const { Sid: _everyone, ...everyone } = EVERYONE;
    const { Sid: _partner, ...partner } = PARTNER;
    const account = accountWith(documentOf(everyone, ownRole, partner));

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      reason: expect.stringMatching(/^remove #0, #2 from the resource policy and put back the other 1 statement /),
    });
    expect(result.reason).toContain('no longer offending since the finding: AllowEveryone');
    expect(await currentPolicy(account)).toEqual({ Version: '2012-10-17', Statement: [ownRole] });
  });

  it('removes only the offending one of two statements that share a Sid', async () => {
    // Prepare
    const allowedAccount: Statement = {
      Sid: 'Share',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::210987654321:root' },
      Action: 'secretsmanager:GetSecretValue',
      Resource: '*',
    };
    const everyone: Statement = { ...EVERYONE, Sid: 'Share' };
    const account = accountWith(documentOf(allowedAccount, everyone));

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      reason: expect.stringMatching(
        /^remove Share \(#1\) from the resource policy .*\(removed Share \(#1\): grants access to everyone \(\*\);/,
      ),
    });
    expect(await currentPolicy(account)).toEqual({ Version: '2012-10-17', Statement: [allowedAccount] });
  });

  it('refuses a policy that has become unreadable, and writes nothing', async () => {
    // Prepare
    const account = accountWith(JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Broken', Principal: '*', Action: '*' }] }));

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'blocked',
      reason: 'the current resource policy cannot be read (Statement[0]: no Effect): review it by hand, nothing was removed',
    });
    expect(operations(account)).toEqual(['describeSecret', 'getResourcePolicy']);
  });

  it('reports failed when AWS accepts PutResourcePolicy but the policy read back still offends', async () => {
    // Prepare
    const account = accountWith(samplePolicyText(PUBLIC_SAMPLE));
    vi.spyOn(account.secrets, 'putResourcePolicy').mockResolvedValue(undefined);

    // Act
    const result = await run(account, publicFinding(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'applied, but not verified: the resource policy still grants access outside the allowed accounts: AllowEveryone',
    });
  });

  it('reports failed when AWS accepts DeleteResourcePolicy but the secret still has a policy', async () => {
    // Prepare
    const account = accountWith(samplePolicyText(UNKNOWN_ACCOUNT_SAMPLE));
    vi.spyOn(account.secrets, 'deleteResourcePolicy').mockResolvedValue(undefined);

    // Act
    const result = await run(account, findingFromRecord(UNKNOWN_ACCOUNT_SAMPLE, 'policy-public'), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'applied, but not verified: DeleteResourcePolicy succeeded, but the secret still has a resource policy',
    });
  });
});
