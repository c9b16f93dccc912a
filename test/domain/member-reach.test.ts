/**
 * Reaching a member (organisation mode): its OUs read only when the scope needs them, a failed
 * read an answer that keeps the account out, and Secrets Manager through the function's own
 * credentials in the hub's own account and region, a member role's anywhere else.
 */
import { describe, expect, it } from 'vitest';
import { ancestryFor, type ReachRequest, secretsFor } from '../../shared/domain/member-reach.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import type { OrganisationPort } from '../../shared/ports/organisation.js';
import { HUB, organisationPolicy } from '../helpers/organisation.js';
import { singleAccountPolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const MEMBER = '444455556666';
const MEMBER_SECRET = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:orders/api-key-Or4dKy';
const byOus = organisationPolicy({ members: { organizationalUnits: ['ou-ab12-prod0001'] } });

/** Organizations answering `parents` for every account, counting the reads. */
const organisationAnswering = (parents: readonly string[]) => {
  const reads: string[] = [];
  const port: OrganisationPort = {
    parentsOf: (account) => {
      reads.push(account);
      return Promise.resolve(parents);
    },
  };
  return { port, reads };
};

describe('Function: ancestryFor', () => {
  it("reads a member's OUs when the scope is given by OUs", async () => {
    // Prepare
    const { port, reads } = organisationAnswering(['ou-ab12-prod0001', 'r-ab12']);

    // Act
    const ancestry = await ancestryFor(byOus, HUB, MEMBER, port);

    // Assess
    expect(ancestry).toStrictEqual({ known: true, parents: ['ou-ab12-prod0001', 'r-ab12'] });
    expect(reads).toStrictEqual([MEMBER]);
  });

  it.each([
    ['organisation mode is off', singleAccountPolicy, MEMBER],
    ['the scope lists no OUs', organisationPolicy(), MEMBER],
    ["the account is the hub's own", byOus, HUB.account],
    [
      'the account is listed by id',
      organisationPolicy({ members: { organizationalUnits: ['ou-ab12-prod0001'], accounts: [MEMBER] } }),
      MEMBER,
    ],
    ['the account is excluded', organisationPolicy({ members: { organizationalUnits: ['ou-ab12-prod0001'], exclude: [MEMBER] } }), MEMBER],
  ])('reads nothing when %s', async (_label, policy, account) => {
    // Prepare
    const { port, reads } = organisationAnswering(['ou-ab12-prod0001']);

    // Act
    const ancestry = await ancestryFor(policy, HUB, account, port);

    // Assess
    expect(ancestry).toBeUndefined();
    expect(reads).toStrictEqual([]);
  });

  it('answers unknown, saying why, when the function has no access to Organizations', async () => {
    // Act
    const ancestry = await ancestryFor(byOus, HUB, MEMBER, undefined);

    // Assess
    expect(ancestry).toStrictEqual({ known: false, reason: 'this function has no access to AWS Organizations' });
  });

  it('answers unknown with the error when the read fails, rather than guess the account in', async () => {
    // Prepare
    const port: OrganisationPort = {
      parentsOf: () => Promise.reject(new PermissionDeniedError('ListParents: AccessDeniedException: not allowed')),
    };

    // Act
    const ancestry = await ancestryFor(byOus, HUB, MEMBER, port);

    // Assess
    expect(ancestry).toStrictEqual({ known: false, reason: 'PermissionDeniedError: ListParents: AccessDeniedException: not allowed' });
  });
});

describe('Function: secretsFor', () => {
  const request = (overrides: Partial<ReachRequest> = {}): ReachRequest => ({
    policy: organisationPolicy(),
    stage: 'dev',
    hub: HUB,
    place: { account: MEMBER, region: 'eu-west-1' },
    own: false,
    role: 'read',
    session: 'secrets-remediator-classify',
    ...overrides,
  });

  it("answers the function's own Secrets Manager in the hub's own account and region", () => {
    // Prepare
    const account = defaultSandbox();

    // Act
    const secrets = secretsFor(request({ place: HUB, own: true }), account.secrets, account.members);

    // Assess
    expect(secrets).toBe(account.secrets);
  });

  it("reaches a member's secret through the member role of the stage, in the session asked for", async () => {
    // Prepare
    const account = defaultSandbox();

    // Act
    const secrets = secretsFor(request(), account.secrets, account.members);
    await secrets.describeSecret(MEMBER_SECRET);

    // Assess
    expect(account.members.calls).toStrictEqual([
      {
        operation: 'describeSecret',
        secretId: MEMBER_SECRET,
        account: MEMBER,
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-euw1',
        session: 'secrets-remediator-classify',
      },
    ]);
  });

  it.each([
    ['no member access is wired', undefined, 'dev'],
    ['the stage is not known', 'members', ''],
  ])('refuses to reach a member when %s, naming the place (a wiring bug)', (_label, members, stage) => {
    // Prepare
    const account = defaultSandbox();

    // Act
    const act = () => secretsFor(request({ stage }), account.secrets, members ? account.members : undefined);

    // Assess
    expect(act).toThrow('444455556666/eu-west-1 is a member: wire member access and the stage (organisation mode is on)');
  });
});
