/** Which accounts and regions a deployment guards, and which role reaches each: single account, and organisation mode. */
import { describe, expect, it } from 'vitest';
import {
  type Ancestry,
  guardedRegions,
  memberRoleArn,
  memberTarget,
  needsAncestry,
  scopeOf,
} from '../../shared/domain/organisation-scope.js';
import { PolicySchema } from '../../shared/policy/schema.js';

const hub = { account: '123456789012', region: 'us-east-1' } as const;
const OU = 'ou-ab12-cd34ef56';

const organisation = (section: Record<string, unknown> = {}) =>
  PolicySchema.parse({ organisation: { enabled: true, organizationId: 'o-a1b2c3d4e5', ...section } }).organisation;
const singleAccount = PolicySchema.parse({}).organisation;
const known = (...parents: string[]): Ancestry => ({ known: true, parents });

describe('scopeOf, single account (organisation mode off)', () => {
  it("guards the deployment's own account and region, with its own credentials", () => {
    expect(scopeOf(singleAccount, hub, hub)).toEqual({ guarded: true, own: true });
  });

  it('leaves another account out, saying so', () => {
    expect(scopeOf(singleAccount, hub, { account: '444455556666', region: 'us-east-1' })).toEqual({
      guarded: false,
      reason: expect.stringContaining('account 444455556666, not in this account 123456789012') as unknown,
    });
  });

  it('leaves another region of its own account out', () => {
    const verdict = scopeOf(singleAccount, hub, { account: hub.account, region: 'eu-west-1' });
    expect(verdict).toMatchObject({
      guarded: false,
      reason: expect.stringContaining('region eu-west-1, not in this region us-east-1') as unknown,
    });
  });
});

describe('scopeOf, organisation mode', () => {
  it('guards every account of the organisation when neither accounts nor OUs are listed, but not an excluded one', () => {
    const section = organisation({ members: { exclude: ['999999999999'] } });
    expect(scopeOf(section, hub, { account: '444455556666', region: 'us-east-1' })).toEqual({ guarded: true, own: false });
    expect(scopeOf(section, hub, { account: '999999999999', region: 'us-east-1' })).toMatchObject({
      guarded: false,
      reason: expect.stringContaining('organisation.members.exclude') as unknown,
    });
  });

  it("guards only the hub's region when no region is listed", () => {
    const section = organisation();
    expect(guardedRegions(section, hub)).toEqual(['us-east-1']);
    expect(scopeOf(section, hub, { account: '444455556666', region: 'eu-west-1' })).toMatchObject({
      guarded: false,
      reason: expect.stringContaining("none listed, so the hub's region us-east-1 only") as unknown,
    });
  });

  it("counts the hub's own account in another listed region as a member, reached through its member role", () => {
    const section = organisation({ regions: ['us-east-1', 'eu-west-1'] });
    expect(scopeOf(section, hub, hub)).toEqual({ guarded: true, own: true });
    expect(scopeOf(section, hub, { account: hub.account, region: 'eu-west-1' })).toEqual({ guarded: true, own: false });
    expect(scopeOf(section, hub, { account: hub.account, region: 'ap-southeast-2' })).toMatchObject({ guarded: false });
  });

  it('guards a listed account and leaves an unlisted one out', () => {
    const section = organisation({ members: { accounts: ['444455556666'] } });
    expect(scopeOf(section, hub, { account: '444455556666', region: 'us-east-1' })).toEqual({ guarded: true, own: false });
    expect(scopeOf(section, hub, { account: '555566667777', region: 'us-east-1' })).toMatchObject({
      guarded: false,
      reason: expect.stringContaining('not a member account listed in organisation.members.accounts') as unknown,
    });
  });

  it('lets exclude win over a listed account', () => {
    const section = organisation({ members: { accounts: ['444455556666'], exclude: ['444455556666'] } });
    expect(scopeOf(section, hub, { account: '444455556666', region: 'us-east-1' })).toMatchObject({ guarded: false });
  });

  it('guards an account under a listed OU, nested or not, and not one elsewhere', () => {
    const section = organisation({ members: { organizationalUnits: [OU] } });
    const member = { account: '444455556666', region: 'us-east-1' };
    expect(scopeOf(section, hub, member, known(OU, 'r-ab12'))).toEqual({ guarded: true, own: false });
    expect(scopeOf(section, hub, member, known('ou-ab12-zz99yy88', OU, 'r-ab12'))).toEqual({ guarded: true, own: false });
    expect(scopeOf(section, hub, member, known('ou-ab12-zz99yy88', 'r-ab12'))).toMatchObject({
      guarded: false,
      reason: expect.stringContaining('its parents: ou-ab12-zz99yy88 < r-ab12') as unknown,
    });
  });

  it('leaves an account out when its OUs could not be read, with the reason', () => {
    const section = organisation({ members: { organizationalUnits: [OU] } });
    const verdict = scopeOf(
      section,
      hub,
      { account: '444455556666', region: 'us-east-1' },
      { known: false, reason: 'AccessDeniedException on ListParents' },
    );
    expect(verdict).toMatchObject({
      guarded: false,
      reason: expect.stringContaining('could not be read (AccessDeniedException on ListParents)') as unknown,
    });
  });

  it('asks for the OUs only when they decide', () => {
    const section = organisation({ members: { organizationalUnits: [OU], accounts: ['444455556666'], exclude: ['999999999999'] } });
    expect(needsAncestry(section, hub, '555566667777')).toBe(true);
    expect(needsAncestry(section, hub, '444455556666')).toBe(false);
    expect(needsAncestry(section, hub, '999999999999')).toBe(false);
    expect(needsAncestry(section, hub, hub.account)).toBe(false);
    expect(needsAncestry(organisation(), hub, '555566667777')).toBe(false);
    expect(needsAncestry({ ...section, enabled: false }, hub, '555566667777')).toBe(false);
  });
});

describe('memberTarget', () => {
  const section = organisation({ regions: ['us-east-1', 'eu-west-1'] });

  it("names the member role for the action in the target's account, region and partition", () => {
    expect(
      memberTarget({
        organisation: section,
        stage: 'prod',
        hub,
        place: { account: '444455556666', region: 'eu-west-1' },
        role: 'restore-secret',
        session: 'f-1',
      }),
    ).toEqual({
      account: '444455556666',
      region: 'eu-west-1',
      session: 'f-1',
      roleArn: 'arn:aws:iam::444455556666:role/secrets-remediator-member-prod-rst-euw1',
    });
    expect(memberRoleArn(section, 'prod', 'read', { account: '444455556666', region: 'cn-north-1' })).toBe(
      'arn:aws-cn:iam::444455556666:role/secrets-remediator-member-prod-read-cnn1',
    );
  });

  it("assumes nothing in the hub's own account and region", () => {
    expect(memberTarget({ organisation: section, stage: 'prod', hub, place: hub, role: 'read', session: 'classify' })).toEqual({
      ...hub,
      session: 'classify',
    });
  });
});
