/**
 * `replay --live` in organisation mode reaches members only as far as its operator honestly can:
 * as the hub that owns the alert topic, reading through a member's read role, never acting there
 * (an action role trusts the hub's function role alone). The end-to-end run against an
 * AWS-compatible endpoint is in test/cli/replay-live.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MemberAccessError, UsageError } from '../../shared/errors.js';
import { liveHub, liveReplayMembers } from '../../shared/replay/live-members.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const MEMBER = { account: '444455556666', region: 'eu-west-1' } as const;
const SECRET = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:orders/api-key-Or4dKy';
const role = (code: string) => `arn:aws:iam::444455556666:role/secrets-remediator-member-prod-${code}-euw1`;
const organisation = { roleNamePrefix: 'secrets-remediator-member' };

const world = (mode: 'dry-run' | 'enforce') => {
  const { members } = defaultSandbox();
  return { recorded: members, live: liveReplayMembers({ members, organisation, stage: 'prod', mode }) };
};

describe('liveHub', () => {
  it("stands in for the hub whose alert topic the replay publishes to: the topic's account and region", () => {
    expect(liveHub('arn:aws:sns:eu-west-1:111122223333:secrets-remediator-prod-alerts', undefined)).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
    });
    expect(liveHub('arn:aws:sns:eu-west-1:111122223333:secrets-remediator-prod-alerts', 'eu-west-1')).toEqual({
      account: '111122223333',
      region: 'eu-west-1',
    });
  });

  it('refuses a topic that is not an ARN, and a --region other than the hub topic’s, saying what to pass', () => {
    expect(() => liveHub('secrets-remediator-prod-alerts', undefined)).toThrow(UsageError);
    expect(() => liveHub('arn:aws:sns:eu-west-1:111122223333:alerts', 'us-east-1')).toThrow(
      /--region us-east-1, but the hub's topic is in eu-west-1: .*pass --region eu-west-1/,
    );
  });
});

describe('liveReplayMembers', () => {
  it("reads through a member's read role as it is, and with the replay's own credentials where no role is named", async () => {
    // Prepare
    const { recorded, live } = world('enforce');

    // Act
    await live.secrets({ ...MEMBER, roleArn: role('read'), session: 'secrets-remediator-classify' }).describeSecret(SECRET);
    await live.secrets({ ...MEMBER, session: 'own' }).describeSecret(SECRET);

    // Assess
    expect(recorded.calls.map((c) => [c.operation, c.roleArn])).toEqual([
      ['describeSecret', role('read')],
      ['describeSecret', undefined],
    ]);
  });

  it('in enforce mode, refuses every call through an action role before it reaches the member, naming the role and what to do', async () => {
    // Prepare
    const { recorded, live } = world('enforce');
    const secrets = live.secrets({ ...MEMBER, roleArn: role('rst'), session: 'finding-1' });

    // Act
    const outcomes = await Promise.allSettled([secrets.describeSecret(SECRET), secrets.restoreSecret(SECRET)]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as MemberAccessError;
      expect(error).toBeInstanceOf(MemberAccessError);
      expect(error.roleArn).toBe(role('rst'));
      expect(error.message).toContain('replay --live does not act in member account 444455556666/eu-west-1');
      expect(error.message).toContain('--mode dry-run');
    }
    expect(recorded.calls).toEqual([]);
  });

  it("in dry run, makes an action's reads through the member's read role, in the finding's session, and refuses its writes", async () => {
    // Prepare
    const { recorded, live } = world('dry-run');
    const secrets = live.secrets({ ...MEMBER, roleArn: role('rst'), session: 'finding-1' });

    // Act
    const state = await secrets.describeSecret(SECRET);
    const write = await secrets.restoreSecret(SECRET).catch((error: unknown) => error);

    // Assess
    expect(state.deletedDate).toBeDefined();
    expect(write).toBeInstanceOf(MemberAccessError);
    expect(recorded.calls).toEqual([expect.objectContaining({ operation: 'describeSecret', roleArn: role('read'), session: 'finding-1' })]);
  });
});
