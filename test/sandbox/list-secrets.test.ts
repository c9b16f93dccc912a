/**
 * The sandbox's ListSecrets, where it goes beyond what the contract suite can script of AWS: the
 * `name` filter's rules on many secrets, the token bound to its filter, and the opt-in simulation
 * of latency and quota the sweep's tests and benchmark rely on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidSecretStateError, ThrottlingError } from '../../shared/errors.js';
import type { ListSecretsRequest, SecretsPort } from '../../shared/ports/secrets.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { FIXED_NOW, sandboxWith } from '../helpers/sandbox.js';
import { settle } from '../helpers/settle.js';

const VERSIONS = { v1: ['AWSCURRENT'] };

/** A secret created `minute` minutes into 2026. */
const secret = (name: string, minute = 0, extra: Partial<SecretSeed> = {}): SecretSeed => ({
  name,
  createdDate: new Date(Date.parse('2026-01-01T00:00:00Z') + minute * 60_000).toISOString(),
  versions: VERSIONS,
  ...extra,
});

/** Every page of a filter, as names. */
const listNames = async (
  port: Pick<SecretsPort, 'listSecrets'>,
  request: Omit<ListSecretsRequest, 'nextToken'> = {},
): Promise<string[][]> => {
  const pages: string[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await port.listSecrets({ ...request, ...(nextToken ? { nextToken } : {}) });
    pages.push(page.secrets.map((s) => s.name));
    nextToken = page.nextToken;
  } while (nextToken);
  return pages;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('Class: SandboxSecrets, listSecrets', () => {
  it('lists 100 a page by creation date, then name, each secret once, those scheduled for deletion included', async () => {
    // Prepare: created in reverse name order, two at each minute.
    const names = Array.from({ length: 250 }, (_, i) => `app/${String(i).padStart(3, '0')}`);
    const { secrets } = sandboxWith(
      ...names.map((name, i) => secret(name, Math.floor((249 - i) / 2), i === 7 ? { deletedDate: '2026-11-01T00:00:00Z' } : {})),
    );

    // Act
    const pages = await listNames(secrets);

    // Assess
    expect(pages.map((p) => p.length)).toStrictEqual([100, 100, 50]);
    const expected = names
      .map((name, i) => ({ name, minute: Math.floor((249 - i) / 2) }))
      .sort((a, b) => a.minute - b.minute || (a.name < b.name ? -1 : 1));
    expect(pages.flat()).toStrictEqual(expected.map((e) => e.name));
  });

  it('matches a name filter as case-sensitive prefixes, ORed, and `!` as "does not start with"', async () => {
    // Prepare
    const { secrets } = sandboxWith(
      secret('prod/a', 1),
      secret('Prod/b', 2),
      secret('production', 3),
      secret('staging/c', 4),
      secret('dev/d', 5),
    );

    // Act
    const [byPrefix, ored, negated] = [
      await listNames(secrets, { namePrefixes: ['prod'] }),
      await listNames(secrets, { namePrefixes: ['prod/', 'staging/'] }),
      await listNames(secrets, { namePrefixes: ['!prod'] }),
    ];

    // Assess
    expect(byPrefix).toStrictEqual([['prod/a', 'production']]);
    expect(ored).toStrictEqual([['prod/a', 'staging/c']]);
    expect(negated).toStrictEqual([['Prod/b', 'staging/c', 'dev/d']]);
  });

  it('refuses a NextToken used with another filter, or one it did not issue', async () => {
    // Prepare
    const { secrets } = sandboxWith(...Array.from({ length: 120 }, (_, i) => secret(`app/${i}`, i)));
    const first = await secrets.listSecrets({ namePrefixes: ['app/'] });
    expect(first.nextToken).toBeDefined();

    // Act
    const outcomes = [
      await settle(secrets.listSecrets({ namePrefixes: ['app/1'], nextToken: first.nextToken })),
      await settle(secrets.listSecrets({ nextToken: first.nextToken })),
      await settle(secrets.listSecrets({ namePrefixes: ['app/'], nextToken: 'not-a-token' })),
      await settle(secrets.listSecrets({ namePrefixes: ['app/'], nextToken: first.nextToken })),
    ];

    // Assess
    for (const outcome of outcomes.slice(0, 3)) {
      expect(outcome.error).toBeInstanceOf(InvalidSecretStateError);
      expect(outcome.error).toMatchObject({ message: expect.stringContaining('ListSecrets: InvalidParameterException') });
    }
    expect(outcomes[3]?.value).toMatchObject({ secrets: expect.any(Array) });
  });

  it.each([
    ['no value', []],
    ['11 values', Array.from({ length: 11 }, (_, i) => `p${i}`)],
    ['a value AWS does not allow', ['prod#']],
    ['a value over 512 characters', ['p'.repeat(513)]],
  ])('refuses a filter with %s as AWS does', async (_label, namePrefixes) => {
    // Prepare
    const { secrets } = sandboxWith(secret('prod/a'));

    // Act
    const outcome = await settle(secrets.listSecrets({ namePrefixes }));

    // Assess
    expect(outcome.error).toBeInstanceOf(InvalidSecretStateError);
  });

  it('records each call with its request, and fails the one failNext names', async () => {
    // Prepare
    const { secrets } = sandboxWith(secret('prod/a'));
    const throttled = new ThrottlingError('ListSecrets: ThrottlingException: Rate exceeded');
    secrets.failNext('listSecrets', throttled, { skip: 1 });

    // Act
    const outcomes = [
      await settle(secrets.listSecrets({})),
      await settle(secrets.listSecrets({ namePrefixes: ['prod/'] })),
      await settle(secrets.listSecrets({})),
    ];

    // Assess
    expect(outcomes.map((o) => o.error)).toStrictEqual([undefined, throttled, undefined]);
    expect(secrets.calls).toStrictEqual([
      { operation: 'listSecrets', secretId: '', request: {} },
      { operation: 'listSecrets', secretId: '', request: { namePrefixes: ['prod/'] } },
      { operation: 'listSecrets', secretId: '', request: {} },
    ]);
  });

  it('throttles, when asked to simulate a quota, the calls over it within a rolling second', async () => {
    // Prepare
    let now = 0;
    const { secrets } = sandboxWith(secret('prod/a'));
    secrets.simulateListSecrets({ callsPerSecond: 3, now: () => now });

    // Act
    const burst = [
      await settle(secrets.listSecrets({})),
      await settle(secrets.listSecrets({})),
      await settle(secrets.listSecrets({})),
      await settle(secrets.listSecrets({})),
    ];
    now = 999;
    const justBefore = await settle(secrets.listSecrets({}));
    now = 1000;
    const aSecondLater = await settle(secrets.listSecrets({}));

    // Assess
    expect(burst.map((o) => o.error === undefined)).toStrictEqual([true, true, true, false]);
    expect(burst[3]?.error).toBeInstanceOf(ThrottlingError);
    expect(burst[3]?.error).toMatchObject({ message: 'ListSecrets: ThrottlingException: Rate exceeded' });
    expect(justBefore.error).toBeInstanceOf(ThrottlingError);
    expect(aSecondLater.error).toBeUndefined();
    expect(secrets.listSecretsSimulation?.throttled).toBe(2);
  });

  it('takes the simulated latency on each call', async () => {
    // Prepare
    vi.useFakeTimers();
    const { secrets } = sandboxWith(secret('prod/a'));
    secrets.simulateListSecrets({ latencyMs: 150 });
    let done = false;

    // Act
    const call = secrets.listSecrets({}).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(149);
    const before = done;
    await vi.advanceTimersByTimeAsync(1);
    await call;

    // Assess
    expect(before).toBe(false);
    expect(done).toBe(true);
  });
});

describe('Class: SandboxSecrets, the dates ListSecrets added', () => {
  it('reports createdDate, lastAccessedDate and nextRotationDate; createdDate defaults to lastChangedDate, else the sandbox clock', async () => {
    // Prepare
    const { secrets } = sandboxWith(
      secret('seeded', 0, { lastAccessedDate: '2026-11-24T00:00:00Z', nextRotationDate: '2026-12-01T00:00:00Z' }),
      { name: 'changed', lastChangedDate: '2026-05-05T05:05:05Z', versions: VERSIONS },
      { name: 'unknown', versions: VERSIONS },
    );

    // Act
    const states = [
      await secrets.describeSecret('seeded'),
      await secrets.describeSecret('changed'),
      await secrets.describeSecret('unknown'),
    ];

    // Assess
    expect(states[0]).toMatchObject({
      createdDate: new Date('2026-01-01T00:00:00Z'),
      lastAccessedDate: new Date('2026-11-24T00:00:00Z'),
      nextRotationDate: new Date('2026-12-01T00:00:00Z'),
    });
    expect(states[1]?.createdDate).toStrictEqual(new Date('2026-05-05T05:05:05Z'));
    expect(states[2]?.createdDate).toStrictEqual(FIXED_NOW);
    expect((await secrets.listSecrets({ namePrefixes: ['seeded'] })).secrets).toStrictEqual([states[0]]);
  });
});
