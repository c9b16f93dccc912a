/**
 * The member roles assumed with STS (organisation mode), over mocked SDK clients: which role and
 * session name, in which region, how long credentials are kept, and what a refusal becomes.
 */
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  memberAccess,
  REFRESH_BEFORE_MS,
  REFUSAL_MEMORY_MS,
  STS_SESSION_NAME,
  stsSessionName,
} from '../../shared/adapters/member-access.js';
import { MemberAccessError, PermissionDeniedError, ThrottlingError } from '../../shared/errors.js';
import type { MemberTarget } from '../../shared/ports/member-access.js';
import '../helpers/aws-matchers.js';

const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-rst-euw1';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/orders/api-key-Ab12Cd';
const FINDING = 'e7c1a0f4-8a55-4c1e-9d3b-2f6a7b8c9d01/secret-deleted';
const member: MemberTarget = { account: '444455556666', region: 'eu-west-1', roleArn: ROLE, session: FINDING };

const sts = mockClient(STSClient);
const secretsManager = mockClient(SecretsManagerClient);

/** A clock the test moves. */
const clock = (start = Date.parse('2026-12-07T06:00:00Z')) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const issued = (at: number, minutes = 60, key = 'ASIAMEMBER1') => ({
  Credentials: { AccessKeyId: key, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(at + minutes * 60_000) },
});

const stsError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client' as const, $metadata: {} });

beforeEach(() => {
  sts.reset();
  secretsManager.reset();
  secretsManager
    .on(DescribeSecretCommand)
    .resolves({ ARN: SECRET, Name: 'prod/orders/api-key', VersionIdsToStages: { v1: ['AWSCURRENT'] } });
});

afterAll(() => {
  sts.restore();
  secretsManager.restore();
});

describe('stsSessionName', () => {
  it('keeps an id STS accepts as it is', () => {
    expect(stsSessionName('rotation-overdue.2026-12-07@acct')).toBe('rotation-overdue.2026-12-07@acct');
  });

  it('turns a finding id with a slash into a name STS accepts, ending in a hash of the id', () => {
    const name = stsSessionName(FINDING);
    expect(name).toMatch(STS_SESSION_NAME);
    expect(name.startsWith('e7c1a0f4-8a55-4c1e-9d3b-2f6a7b8c9d01-secret-del')).toBe(true);
    expect(name).toMatch(/-[0-9a-f]{12}$/);
  });

  it('shortens a long id to 64 characters and keeps two ids that share their first 51 apart', () => {
    const long = `${'a'.repeat(60)}/access-denied-burst/one`;
    const other = `${'a'.repeat(60)}/access-denied-burst/two`;
    expect(stsSessionName(long)).toHaveLength(64);
    expect(stsSessionName(long)).toMatch(STS_SESSION_NAME);
    expect(stsSessionName(long)).not.toBe(stsSessionName(other));
    expect(stsSessionName(long)).toBe(stsSessionName(long));
  });

  it('makes a name of an id too short or with no accepted character', () => {
    expect(stsSessionName('x')).toMatch(STS_SESSION_NAME);
    expect(stsSessionName('')).toMatch(STS_SESSION_NAME);
    expect(stsSessionName('秘密')).toMatch(STS_SESSION_NAME);
  });
});

describe('memberAccess', () => {
  it("assumes the target's role with the finding's session name, through STS in the target's region", async () => {
    const time = clock();
    sts.on(AssumeRoleCommand).resolves(issued(time.now()));
    const regions: string[] = [];
    const access = memberAccess({ now: time.now, sts: (region) => (regions.push(region), new STSClient({ region })) });

    const state = await access.secrets(member).describeSecret(SECRET);

    expect(state.name).toBe('prod/orders/api-key');
    expect(regions).toEqual(['eu-west-1']);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE, RoleSessionName: stsSessionName(FINDING) });
    // The member call is signed with the member session's keys, in the member's region.
    const call = secretsManager.commandCalls(DescribeSecretCommand)[0];
    const client = call?.thisValue as SecretsManagerClient;
    await expect(client.config.region()).resolves.toBe('eu-west-1');
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAMEMBER1', sessionToken: 'token' });
  });

  it("uses the function's own credentials, assuming nothing, for a target without a role (the hub's own account and region)", async () => {
    const access = memberAccess();
    const hub: MemberTarget = { account: '123456789012', region: 'us-east-1', session: FINDING };

    expect(access.credentialsFor(hub)).toBeUndefined();
    await access.secrets(hub).describeSecret(SECRET);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });

  it('keeps the credentials until five minutes before they expire, then assumes the role again', async () => {
    const time = clock();
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(issued(time.now(), 60, 'ASIAFIRST'))
      .resolvesOnce(issued(time.now() + 60 * 60_000, 60, 'ASIASECOND'));
    const provider = memberAccess({ now: time.now }).credentialsFor(member);
    if (!provider) throw new Error('expected a provider for a member target');

    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIAFIRST' });
    time.advance(60 * 60_000 - REFRESH_BEFORE_MS - 1);
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIAFIRST' });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    time.advance(1);
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIASECOND' });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('asks STS once for calls that need the same session at the same time', async () => {
    const time = clock();
    sts.on(AssumeRoleCommand).resolves(issued(time.now()));
    const access = memberAccess({ now: time.now });
    await Promise.all([1, 2, 3].map(() => access.secrets(member).describeSecret(SECRET)));
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('caches one client per account, region, role and session', () => {
    const access = memberAccess();
    const made: string[] = [];
    const make = (config: { region: string }) => (made.push(config.region), { region: config.region });
    const first = access.clientFor(member, 'test', make);
    expect(access.clientFor({ ...member }, 'test', make)).toBe(first);
    expect(access.clientFor({ ...member, region: 'us-east-1', roleArn: ROLE.replace('euw1', 'use1') }, 'test', make)).not.toBe(first);
    expect(access.clientFor({ ...member, session: 'another-finding' }, 'test', make)).not.toBe(first);
    expect(access.clientFor(member, 'other-kind', make)).not.toBe(first);
    expect(made).toEqual(['eu-west-1', 'us-east-1', 'eu-west-1', 'eu-west-1']);
  });

  it('turns a refused AssumeRole into a MemberAccessError naming the role and what to check, without retrying', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        stsError(
          'AccessDenied',
          'User: arn:aws:sts::123456789012:assumed-role/secrets-remediator-dev-rst-use1/x is not authorized to perform: sts:AssumeRole',
        ),
      );
    const access = memberAccess();

    const error: unknown = await access
      .secrets(member)
      .describeSecret(SECRET)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MemberAccessError);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as MemberAccessError).retryable).toBe(false);
    expect((error as MemberAccessError).roleArn).toBe(ROLE);
    expect((error as Error).message).toContain(`cannot assume ${ROLE} in eu-west-1`);
    expect((error as Error).message).toContain('member stack is deployed in account 444455556666 and region eu-west-1');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(secretsManager).toHaveReceivedCommandTimes(DescribeSecretCommand, 0);
  });

  it('remembers a refusal for a minute, so a storm of findings asks STS once', async () => {
    const time = clock();
    sts.on(AssumeRoleCommand).rejects(stsError('AccessDenied', 'not authorized'));
    const access = memberAccess({ now: time.now });
    const sessions = ['finding-1', 'finding-2', 'finding-3'];
    for (const session of sessions) {
      await expect(access.secrets({ ...member, session }).describeSecret(SECRET)).rejects.toBeInstanceOf(MemberAccessError);
    }
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    time.advance(REFUSAL_MEMORY_MS + 1);
    await expect(access.secrets({ ...member, session: 'finding-4' }).describeSecret(SECRET)).rejects.toBeInstanceOf(MemberAccessError);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it("says to activate the region's STS when STS is off there", async () => {
    sts.on(AssumeRoleCommand).rejects(stsError('RegionDisabledException', 'STS is not activated in this region for account:123456789012.'));
    const error: unknown = await memberAccess()
      .secrets(member)
      .describeSecret(SECRET)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MemberAccessError);
    expect((error as Error).message).toContain('STS is not activated in eu-west-1');
  });

  it('lets throttling of STS through as retryable, and asks again on the next call', async () => {
    const time = clock();
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(stsError('Throttling', 'Rate exceeded'), { $metadata: { httpStatusCode: 400 } }))
      .resolves(issued(time.now()));
    const access = memberAccess({ now: time.now, sts: (region) => new STSClient({ region, maxAttempts: 1 }) });
    await expect(access.secrets(member).describeSecret(SECRET)).rejects.toBeInstanceOf(ThrottlingError);
    await expect(access.secrets(member).describeSecret(SECRET)).resolves.toMatchObject({ arn: SECRET });
  });
});
