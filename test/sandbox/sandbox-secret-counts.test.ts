/** The sandbox's CloudWatch secret counts: each account-region's own secrets, refusals and unpublished counts as configured. */
import { describe, expect, it } from 'vitest';
import { MemberAccessError } from '../../shared/errors.js';
import { SandboxSecretCounts } from '../../shared/sandbox/sandbox-secret-counts.js';
import { sandboxWith } from '../helpers/sandbox.js';

const ROLE = 'arn:aws:iam::444455556666:role/secrets-remediator-member-dev-read-use1';
const secret = (account: string, region: string, name: string, deletedDate?: string) => ({
  name,
  arn: `arn:aws:secretsmanager:${region}:${account}:secret:${name}-Ab1234`,
  versions: { v1: ['AWSCURRENT'] },
  ...(deletedDate ? { deletedDate } : {}),
});
const window = { start: new Date('2026-11-25T06:00:00Z'), end: new Date('2026-11-25T12:00:00Z') };

describe('SandboxSecretCounts', () => {
  const account = () =>
    sandboxWith(
      secret('444455556666', 'us-east-1', 'a'),
      secret('444455556666', 'us-east-1', 'b'),
      secret('444455556666', 'us-east-1', 'c', '2026-11-25T11:00:00Z'),
      secret('444455556666', 'eu-west-1', 'd'),
      secret('123456789012', 'us-east-1', 'e'),
    );

  it("counts the target account-region's secrets, those scheduled for deletion left out, and records the call", async () => {
    // Prepare
    const counts = new SandboxSecretCounts(account().secrets);
    const target = { account: '444455556666', region: 'us-east-1', roleArn: ROLE, session: 'run-1' };

    // Act
    const count = await counts.secretCount(target, window);

    // Assess
    expect(count).toBe(2);
    expect(await counts.secretCount({ account: '444455556666', region: 'eu-west-1', session: 'run-1' }, window)).toBe(1);
    expect(counts.calls[0]).toStrictEqual({ target, window });
  });

  it('refuses through a refused role and answers undefined where nothing is published', async () => {
    // Prepare
    const counts = new SandboxSecretCounts(account().secrets).refuse('444455556666', 'us-east-1').unpublished('123456789012', 'us-east-1');

    // Act
    const refused = counts.secretCount({ account: '444455556666', region: 'us-east-1', roleArn: ROLE, session: 'run-1' }, window);

    // Assess
    await expect(refused).rejects.toBeInstanceOf(MemberAccessError);
    expect(await counts.secretCount({ account: '123456789012', region: 'us-east-1', session: 'run-1' }, window)).toBeUndefined();
  });
});
