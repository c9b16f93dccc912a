import { join } from 'node:path';
import { tmpdir } from 'node:os';
/**
 * The sandbox account: every port in memory, built from a seed and wired to one clock, and the
 * seed file read and checked, a bad one named.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { loadAccountSeed, sandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { parseAccountSeed } from '../../shared/sandbox/seed.js';
import { tempFile } from '../helpers/policy.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:prod/db-Ab12Cd';

/** One secret in account 210987654321, eu-west-1, with one DeleteSecret in its CloudTrail history. */
const seed = () =>
  parseAccountSeed(
    {
      account: '210987654321',
      region: 'eu-west-1',
      secrets: [{ name: 'prod/db', arn: ARN, versions: { v1: ['AWSCURRENT'] } }],
      cloudTrail: [
        { eventID: 'e-1', eventSource: 'secretsmanager.amazonaws.com', eventName: 'DeleteSecret', eventTime: '2026-11-24T10:00:00Z' },
      ],
    },
    'test seed',
  );

describe('Function: sandboxAccount', () => {
  it("holds the seed's secrets, answers with its CloudTrail history, and publishes as its account and region", async () => {
    // Prepare
    const clock = { now: () => new Date('2026-11-25T12:00:00Z') };
    const account = sandboxAccount(seed(), clock);

    // Act
    const secret = await account.secrets.describeSecret(ARN);
    const history = await account.history.lookupEvents({
      lookupAttribute: { key: 'EventName', value: 'DeleteSecret' },
      startTime: new Date('2026-11-24T00:00:00Z'),
      endTime: new Date('2026-11-25T00:00:00Z'),
    });
    await account.bus.publish([{ detailType: 'Secret Finding', detail: { id: 'f-1' }, resources: [ARN] }]);

    // Assess
    expect(secret).toMatchObject({ arn: ARN, name: 'prod/db', versions: { v1: ['AWSCURRENT'] } });
    expect(history.events.map((event) => event.eventId)).toStrictEqual(['e-1']);
    expect(account.bus.published).toMatchObject([{ account: '210987654321', region: 'eu-west-1', time: '2026-11-25T12:00:00Z' }]);
    expect(account.clock).toBe(clock);
  });

  it('runs the ledger on the clock it is given, so a test that moves the clock expires claims', async () => {
    // Prepare
    let now = new Date('2026-11-25T12:00:00Z');
    const account = sandboxAccount(seed(), { now: () => now });
    await account.ledger.claim('f-1#restore-secret', new Date('2026-11-25T12:15:00Z'));

    // Act
    const held = await account.ledger.claim('f-1#restore-secret', new Date('2026-11-25T12:15:00Z'));
    now = new Date('2026-11-25T12:15:00Z');
    const expired = await account.ledger.claim('f-1#restore-secret', new Date('2026-11-25T12:30:00Z'));

    // Assess
    expect(held.claimed).toBe(false);
    expect(expired.claimed).toBe(true);
  });

  it('gives each account fresh ports: nothing one records reaches another', async () => {
    // Prepare
    const first = sandboxAccount(seed());
    const second = sandboxAccount(seed());

    // Act
    await first.bus.publish([{ detailType: 'Secret Finding', detail: {}, resources: [] }]);
    await first.secrets.describeSecret(ARN);

    // Assess
    expect(second.bus.published).toStrictEqual([]);
    expect(second.secrets.calls).toStrictEqual([]);
    expect(first.secrets.calls).toHaveLength(1);
  });
});

describe('Function: loadAccountSeed', () => {
  it('loads the default seed, which holds a secret for every sample event', () => {
    const seed = loadAccountSeed();

    expect(seed.secrets.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'IcaSecretsPortal',
        'Appuser-pyodbc',
        'prod/orders/db-admin',
        'staging/reporting/readonly',
        'prod/payments/db',
      ]),
    );
  });

  it('refuses a file that is not there, naming it and what to give instead', () => {
    // Prepare
    const file = join(tmpdir(), 'no-such-dir-for-the-seed', 'account.json');

    // Act
    const act = () => loadAccountSeed(file);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(`${file}: cannot read the account seed (no such file); give --account a JSON seed file`);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    // Prepare
    const file = tempFile('account.json', '{ "secrets": [ ');

    // Act
    const act = () => loadAccountSeed(file);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(`${file}: not JSON (`);
  });

  it('refuses a seed that does not validate, naming the file and the field', () => {
    // Prepare
    const file = tempFile('account.json', JSON.stringify({ secrets: [{ name: 'prod/db', versions: { v1: ['AWSPENDING'] } }] }));

    // Act
    const act = () => loadAccountSeed(file);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(`${file}: invalid sandbox account: secrets.0.versions: no version holds AWSCURRENT`);
  });
});
