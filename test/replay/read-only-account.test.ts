/**
 * The account as a history replay sees it: Secrets Manager read through, every write refused
 * before it reaches the account.
 */
import { describe, expect, it } from 'vitest';
import { readOnlySecrets, WriteRefusedError } from '../../shared/replay/read-only-account.js';
import { defaultSandbox } from '../helpers/sandbox.js';

describe('the read-only Secrets Manager of a history replay', () => {
  it('reads through to the account', async () => {
    const account = defaultSandbox();

    await expect(readOnlySecrets(account.secrets).describeSecret('prod/payments/db')).resolves.toMatchObject({ name: 'prod/payments/db' });
  });

  it.each([
    ['removeStagingLabel', { secretId: 'prod/payments/db', label: 'AWSPENDING', versionId: 'v' }],
    ['enableRotation', { secretId: 'prod/payments/db', scheduleExpression: 'rate(30 days)', rotateImmediately: false }],
    ['restoreSecret', 'prod/crm/api-token'],
    ['putResourcePolicy', { secretId: 'prod/payments/db', policy: '{}' }],
    ['deleteResourcePolicy', 'prod/payments/db'],
  ] as const)('refuses %s, and the account is not touched', async (method, argument) => {
    const account = defaultSandbox();
    const secret = typeof argument === 'string' ? argument : argument.secretId;
    const before = await account.secrets.describeSecret(secret);

    await expect((readOnlySecrets(account.secrets)[method] as (a: unknown) => Promise<void>)(argument)).rejects.toThrow(WriteRefusedError);

    expect(await account.secrets.describeSecret(secret)).toEqual(before);
  });
});
