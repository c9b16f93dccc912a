/**
 * Organisation mode in the sandbox: the replay runs as the hub (the seed's account and region),
 * acts on a member's event in that member's account and region through the member role of the
 * action, and never on an event from outside the scope.
 */
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../shared/contracts/finding.js';
import { stsSessionName } from '../../shared/adapters/member-access.js';
import { runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { routesFor } from '../../shared/rules/routes.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const HUB = { account: '123456789012', region: 'us-east-1' } as const;
const MEMBER_SECRET = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:orders/api-key-Or4dKy';
const OUTSIDE_SECRET = 'arn:aws:secretsmanager:us-east-1:999999999999:secret:legacy/db-password-Lg9cDb';
const MEMBER_SAMPLE = 'secret-deleted/fires.DeleteSecret.authored.member-account.json';
const OUTSIDE_SAMPLE = 'secret-deleted/silent.DeleteSecret.authored.outside-organisation-scope.json';

/** The chain as `npm start` runs it with the sample policy: as the hub. */
const asHub = (account: SandboxAccount, event: unknown) =>
  runChain(event, {
    handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce', stage: 'dev' }),
    bus: account.bus,
    notifier: account.notifier,
    routes: routesFor(samplePolicy),
    ...HUB,
  });

const resultsOf = (account: SandboxAccount): ActionResult[] =>
  account.bus.published
    .filter((event) => event['detail-type'] === 'Remediation Result')
    .map((event) => (event.detail as { result: ActionResult }).result);

describe('organisation mode: the hub acting in a member', () => {
  it("restores a member's deleted secret in the member's account and region, through the member's restore-secret role, the session named after the finding", async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent<{ id: string }>(MEMBER_SAMPLE);

    await asHub(account, event);

    const findingId = `${event.id}/secret-deleted`;
    expect(resultsOf(account)).toEqual([
      expect.objectContaining({ type: 'restore-secret', outcome: 'applied', account: '444455556666', region: 'eu-west-1' }),
    ]);
    expect((await account.secrets.describeSecret(MEMBER_SECRET)).deletedDate).toBeUndefined();
    const role = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-rst-euw1';
    expect(account.members.calls.filter((call) => call.operation === 'restoreSecret')).toEqual([
      {
        operation: 'restoreSecret',
        secretId: MEMBER_SECRET,
        account: '444455556666',
        region: 'eu-west-1',
        roleArn: role,
        session: findingId,
      },
    ]);
    // classify read the secret's tags through the member's read role; the action used only its own role.
    const read = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-euw1';
    expect(
      account.members.calls.filter((call) => call.session === 'secrets-remediator-classify').map((call) => [call.operation, call.roleArn]),
    ).toEqual([['describeSecret', read]]);
    expect(new Set(account.members.calls.filter((call) => call.session === findingId).map((call) => call.roleArn))).toEqual(
      new Set([role]),
    );
    expect(stsSessionName(findingId)).toMatch(/^5b0e2d1c-7a44-4f0e-9c61-3d2a1b0c9e81-secret-del.*-[0-9a-f]{12}$/);
  });

  it('reports an event from an account outside the scope as ignored, with the reason, and touches nothing', async () => {
    const account = defaultSandbox();

    const invocations = await asHub(account, loadSampleEvent(OUTSIDE_SAMPLE));

    expect(invocations.map((invocation) => invocation.target)).toEqual(['classify']);
    expect(invocations[0]?.output).toEqual({
      status: 'ignored',
      reason: expect.stringContaining('account 999999999999, which organisation.members.exclude leaves out') as unknown,
    });
    expect(account.bus.published).toEqual([]);
    expect(account.members.calls).toEqual([]);
    expect(account.secrets.calls).toEqual([]);
    expect((await account.secrets.describeSecret(OUTSIDE_SECRET)).deletedDate).toBeDefined();
  });

  it('fails the action, naming the role and what to check, when the member stack is missing there, and leaves the secret as it is', async () => {
    const account = defaultSandbox();
    account.members.refuse('444455556666', 'eu-west-1');

    await asHub(account, loadSampleEvent(MEMBER_SAMPLE));

    const [result] = resultsOf(account);
    expect(result).toMatchObject({ outcome: 'failed', account: '444455556666', region: 'eu-west-1' });
    expect(result?.reason).toContain('cannot assume arn:aws:iam::444455556666:role/secrets-remediator-member-dev-rst-euw1 in eu-west-1');
    expect(result?.reason).toContain('check that the member stack is deployed in account 444455556666 and region eu-west-1');
    expect((await account.secrets.describeSecret(MEMBER_SECRET)).deletedDate).toBeDefined();
  });

  it("recognises a write by the service's own member role in the member as its own, and never acts on it", async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent<{ detail: Record<string, unknown> }>(MEMBER_SAMPLE);
    const role = 'secrets-remediator-member-dev-rst-euw1';
    event.detail.userIdentity = {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEMEMBERRST:finding',
      arn: `arn:aws:sts::444455556666:assumed-role/${role}/finding`,
      accountId: '444455556666',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEMEMBERRST',
          arn: `arn:aws:iam::444455556666:role/${role}`,
          accountId: '444455556666',
          userName: role,
        },
      },
    };

    const invocations = await asHub(account, event);

    expect(invocations[0]?.output).toEqual({ status: 'ignored', reason: expect.stringContaining("this service's own role") as unknown });
    expect(account.members.calls).toEqual([]);
  });

  it("acts in the hub's own account in another guarded region through its member role there, not the hub's own credentials", async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent<{ account: string; detail: Record<string, unknown> }>(MEMBER_SAMPLE);
    const hubSecret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders/db-admin-Xy12Ab';
    event.account = HUB.account;
    event.detail.recipientAccountId = HUB.account;
    event.detail.requestParameters = { secretId: hubSecret, recoveryWindowInDays: 7 };
    event.detail.responseElements = { arn: hubSecret, name: 'prod/orders/db-admin', deletionDate: 'Dec 1, 2026, 11:05:00 AM' };

    await asHub(account, event);

    // The secret is not scheduled for deletion in the seed: the action looks, and leaves it.
    expect(resultsOf(account)).toEqual([expect.objectContaining({ type: 'restore-secret', account: HUB.account, region: 'eu-west-1' })]);
    expect(account.members.calls.map((call) => call.roleArn)).toContain(
      'arn:aws:iam::123456789012:role/secrets-remediator-member-dev-rst-euw1',
    );
  });
});
