/**
 * The listing engine against the sandbox account (and, at scale, the synthetic one): every secret
 * exactly once whatever the names, however the account is split; throttling and failing pages
 * retried on the same token; stop, checkpoint and resume without a page read twice; pacing under
 * the quota, checked on a fake clock (speed itself belongs to `npm run bench`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PermissionDeniedError, ThrottlingError, TransientAwsError } from '../../shared/errors.js';
import type { ListSecretsRequest, SecretPage, SecretState, SecretsPort } from '../../shared/ports/secrets.js';
import type { SandboxSecrets } from '../../shared/sandbox/sandbox-secrets.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { SyntheticSecrets } from '../../shared/sandbox/synthetic-secrets.js';
import {
  type AccountListing,
  type ListAccountOptions,
  ListAccountError,
  listAccount,
  MAX_LISTED_NAMES_CHARS,
} from '../../shared/sweep/list-account.js';
import { InvalidCheckpointError, type ListCheckpoint } from '../../shared/sweep/shard-book.js';
import { SHARD_MIN_SPLIT_PAGES } from '../../shared/sweep/sweep-use-case.js';
import { sandboxWith } from '../helpers/sandbox.js';

type Port = Pick<SecretsPort, 'listSecrets' | 'describeSecret'>;

const VERSIONS = { v1: ['AWSCURRENT'] };
const FIRST_CREATED = Date.parse('2025-01-01T00:00:00Z');

/**
 * Seeds for these names, created a minute apart in an order unrelated to the names (a page is then
 * a fair sample of its shard's names, as in most accounts), or at the minutes `createdAt` says.
 */
const seedsFor = (names: readonly string[], createdAt: (index: number) => number = (i) => (i * 7919) % names.length): SecretSeed[] =>
  names.map((name, i) => ({ name, createdDate: new Date(FIRST_CREATED + createdAt(i) * 60_000).toISOString(), versions: VERSIONS }));

const range = (count: number, name: (i: number) => string): string[] => Array.from({ length: count }, (_, i) => name(i));

/**
 * An account with names of every kind: most under `prod/` (skewed across services), names
 * starting with each digit and each of `/ _ + = . @ -`, both cases, RDS-managed ones, and short
 * names equal to the prefixes a split goes through.
 */
const MIXED_NAMES = [
  ...range(700, (i) => `prod/${['payments', 'payments', 'payments', 'orders', 'search'][i % 5]}/db-${i}`),
  ...range(200, (i) => `staging/app/${i}`),
  ...[...'0123456789/_+=.@-'].flatMap((c) => range(12, (i) => `${c}${c === '-' ? 'scratch' : 'x'}-${i}`)),
  ...range(40, (i) => `Prod/Legacy/${i}`),
  ...range(15, (i) => `APP_KEY_${i}`),
  ...range(15, (i) => `alpha-${i}`),
  ...range(25, (i) => `rds!db-${i}`),
  'prod',
  'prod/',
  'p',
  'P',
  '-',
  '_',
  'rds',
  'staging/app',
];

/** Reads a listing to its end (or its error): the names in the order yielded, and the pages. */
const drain = async (listing: AccountListing): Promise<{ names: string[]; pages: number; error?: unknown }> => {
  const names: string[] = [];
  let pages = 0;
  try {
    for await (const page of listing.pages) {
      pages++;
      names.push(...page.map((s) => s.name));
    }
    return { names, pages };
  } catch (error) {
    return { names, pages, error };
  }
};

const expectExactlyOnce = (listed: readonly string[], expected: readonly string[]): void => {
  const counts = new Map<string, number>();
  for (const name of listed) counts.set(name, (counts.get(name) ?? 0) + 1);
  expect([...counts].filter(([, n]) => n > 1).map(([name]) => name)).toStrictEqual([]);
  expect([...listed].sort()).toStrictEqual([...expected].sort());
};

/**
 * Shards restarted as their children: read past their first page, then a first page read inside
 * what they hold under another filter (a split at the first page never reads on, so only a restart does).
 */
const restartedShards = (requests: readonly ListSecretsRequest[]): string[] => {
  const keyOf = (r: ListSecretsRequest) => (r.namePrefixes ?? ['']).join('|');
  const restarted = new Set<string>();
  requests.forEach((request, index) => {
    if (request.nextToken === undefined) return;
    const held = request.namePrefixes ?? [''];
    const later = requests
      .slice(index + 1)
      .some(
        (r) =>
          r.nextToken === undefined &&
          keyOf(r) !== keyOf(request) &&
          (r.namePrefixes ?? ['']).every((p) => held.some((q) => p.startsWith(q))),
      );
    if (later) restarted.add(keyOf(request));
  });
  return [...restarted];
};

const listRequests = (secrets: SandboxSecrets): ListSecretsRequest[] =>
  secrets.calls.flatMap((c) => (c.operation === 'listSecrets' && c.request ? [c.request] : []));

/** Sleeps that return at once, recording what was asked: the backoff, without waiting for it. */
const recordingSleep = () => {
  const delays: number[] = [];
  return { delays, sleep: (ms: number) => (delays.push(ms), Promise.resolve()) };
};

const UNPACED = { callsPerSecond: Number.POSITIVE_INFINITY } satisfies Partial<ListAccountOptions>;

afterEach(() => {
  vi.useRealTimers();
});

describe('Function: listAccount', () => {
  describe('covers every secret exactly once', () => {
    it('with one reader, as one chain (nothing would be read at once)', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));

      // Act
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 1 });
      const { names } = await drain(listing);

      // Assess
      expectExactlyOnce(names, MIXED_NAMES);
      expect(listing.progress()).toMatchObject({ shardsKnown: 1, shardsDone: 1, calls: Math.ceil(MIXED_NAMES.length / 100) });
    });

    it.each([2, 4, 16])('with every kind of name, split into shards, %i read at once', async (concurrency) => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));

      // Act
      const listing = listAccount(secrets, { ...UNPACED, concurrency });
      const { names, error } = await drain(listing);

      // Assess
      expect(error).toBeUndefined();
      expectExactlyOnce(names, MIXED_NAMES);
      expect(listing.checkpoint()).toBeUndefined();
      const progress = listing.progress();
      expect(progress).toMatchObject({ secrets: MIXED_NAMES.length, throttled: 0, retried: 0 });
      expect(progress.shardsDone).toBe(progress.shardsKnown);
      expect(progress.calls).toBe(listRequests(secrets).length);
      // It did split, and probed small shards several prefixes to a call.
      expect(progress.shardsKnown).toBeGreaterThan(10);
      expect(listRequests(secrets).some((r) => (r.namePrefixes?.length ?? 0) > 1)).toBe(true);
    });

    it.each([
      ['first (on the page that is dropped)', (i: number) => (i === 0 ? 0 : i + 1), false],
      ['last (so it is looked up)', (i: number) => (i === 0 ? 10_000 : i), true],
    ])('with a name equal to a prefix split at, created %s', async (_when, createdAt, lookedUp) => {
      // Prepare: everything under prod/, and the secret named "prod" itself.
      const names = ['prod', ...range(400, (i) => `prod/${['a', 'b', 'c', 'd'][i % 4]}/${i}`)];
      const { secrets } = sandboxWith(...seedsFor(names, createdAt));

      // Act
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 4 });
      const { names: listed } = await drain(listing);

      // Assess
      expectExactlyOnce(listed, names);
      // The split went below "prod": no shard holds the name "prod"...
      expect(listRequests(secrets).some((r) => r.namePrefixes?.some((p) => p.startsWith('prod/')))).toBe(true);
      // ...so it came from the page that was dropped, or from DescribeSecret.
      expect(secrets.calls.some((c) => c.operation === 'describeSecret' && c.secretId === 'prod')).toBe(lookedUp);
    });

    it('of a skewed account (everything under prod/), read as many shards at once', async () => {
      // Prepare
      vi.useFakeTimers();
      const names = range(
        3000,
        (i) => `prod/${['payments', 'orders', 'search', 'auth', 'billing', 'ledger'][i % 6]}/${i % 7 === 0 ? 'db' : 'api-key'}-${i}`,
      );
      const { secrets } = sandboxWith(...seedsFor(names));
      secrets.simulateListSecrets({ latencyMs: 100 });
      let inFlight = 0;
      let mostInFlight = 0;
      const port: Port = {
        listSecrets: async (request) => {
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          try {
            return await secrets.listSecrets(request);
          } finally {
            inFlight--;
          }
        },
        describeSecret: (id) => secrets.describeSecret(id),
      };

      // Act
      const listing = listAccount(port, { ...UNPACED, concurrency: 8 });
      const drained = drain(listing);
      await vi.runAllTimersAsync();
      const { names: listed } = await drained;

      // Assess
      expectExactlyOnce(listed, names);
      expect(mostInFlight).toBeGreaterThanOrEqual(6);
      // Read under prefixes below prod/<service>/, not as one chain of 30 pages.
      expect(
        listRequests(secrets).filter((r) => r.nextToken === undefined && r.namePrefixes?.some((p) => p.length > 'prod/'.length)).length,
      ).toBeGreaterThan(8);
    });

    it('when a page holds entries outside its shard (a filter applied loosely): each is yielded by its own shard only', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      const stray = await secrets.describeSecret('alpha-3');
      const port: Port = {
        listSecrets: async (request): Promise<SecretPage> => {
          const page = await secrets.listSecrets(request);
          const excluded = request.namePrefixes !== undefined && !request.namePrefixes.some((p) => stray.name.startsWith(p));
          return excluded ? { ...page, secrets: [...page.secrets, stray] } : page;
        },
        describeSecret: (id) => secrets.describeSecret(id),
      };

      // Act
      const { names } = await drain(listAccount(port, { ...UNPACED, concurrency: 4 }));

      // Assess
      expectExactlyOnce(names, MIXED_NAMES);
    });

    it('when readers starve on a long chain (secrets created in name order), restarting it as shards', async () => {
      // Prepare: creation follows names, so every first page misjudges its shard.
      vi.useFakeTimers();
      const account = new SyntheticSecrets({ count: 5000, seed: 3, creationOrder: 'by-name' });
      const requests: ListSecretsRequest[] = [];
      const port: Port = {
        listSecrets: (request) => (requests.push(request), account.listSecrets(request)),
        describeSecret: (id) => account.describeSecret(id),
      };

      // Act
      const { names } = await drain(listAccount(port, { ...UNPACED, concurrency: 8 }));

      // Assess
      expectExactlyOnce(
        names,
        range(5000, (i) => account.nameOf(i)),
      );
      expect(restartedShards(requests).length).toBeGreaterThan(0);
    });

    it('when readers starve, restarting no chain with fewer pages left than minSplitPages (a restart is a split whose children page again through what it listed)', async () => {
      // Prepare: the account above, whose chains restart with the default minSplitPages.
      vi.useFakeTimers();
      const account = new SyntheticSecrets({ count: 5000, seed: 3, creationOrder: 'by-name' });
      const requests: ListSecretsRequest[] = [];
      const port: Port = {
        listSecrets: (request) => (requests.push(request), account.listSecrets(request)),
        describeSecret: (id) => account.describeSecret(id),
      };

      // Act
      const listing = listAccount(port, { ...UNPACED, concurrency: 8, minSplitPages: 25 });
      const { names } = await drain(listing);

      // Assess: split at the first page, then every chain read to its end: 50 pages, a dropped
      // page and a partial last page per shard at most.
      expectExactlyOnce(
        names,
        range(5000, (i) => account.nameOf(i)),
      );
      expect(listing.progress().shardsKnown).toBeGreaterThan(1);
      expect(restartedShards(requests)).toStrictEqual([]);
      expect(requests.length).toBeLessThanOrEqual(50 + 1 + listing.progress().shardsKnown);
    });

    it("when an organisation's shard is estimated under SHARD_MIN_SPLIT_PAGES, reading it whole: one call a page", async () => {
      // Prepare: 15,000 secrets, 150 pages, created in an order unrelated to their names.
      vi.useFakeTimers();
      const account = new SyntheticSecrets({ count: 15_000, seed: 5 });
      const requests: ListSecretsRequest[] = [];
      const port: Port = {
        listSecrets: (request) => (requests.push(request), account.listSecrets(request)),
        describeSecret: (id) => account.describeSecret(id),
      };

      // Act
      const listing = listAccount(port, { ...UNPACED, minSplitPages: SHARD_MIN_SPLIT_PAGES });
      const { names } = await drain(listing);

      // Assess
      expect(names).toHaveLength(15_000);
      expect(listing.progress().shardsKnown).toBe(1);
      expect(requests).toHaveLength(150);
    });

    it('when restarted shards skip what the chain listed, several secrets created at the same instant', async () => {
      // Prepare: created in name order, three at each instant.
      vi.useFakeTimers();
      const names = range(3000, (i) => `svc/${String(i).padStart(4, '0')}`).sort();
      const { secrets } = sandboxWith(...seedsFor(names, (i) => Math.floor(i / 3)));

      // Act
      const { names: listed } = await drain(listAccount(secrets, { ...UNPACED, concurrency: 8 }));

      // Assess
      expectExactlyOnce(listed, names);
      expect(restartedShards(listRequests(secrets)).length).toBeGreaterThan(0);
    });

    it('when too many names share a chain’s last instant to copy into each child, reading the chain to its end instead', async () => {
      // Prepare: created in name order, 200 at each instant (a bulk import): a page's last instant holds 100 names or more.
      vi.useFakeTimers();
      const names = range(3000, (i) => `svc/${String(i).padStart(4, '0')}-${'k'.repeat(8)}`).sort();
      expect(100 * (names[0]?.length ?? 0)).toBeGreaterThan(MAX_LISTED_NAMES_CHARS);
      const { secrets } = sandboxWith(...seedsFor(names, (i) => Math.floor(i / 200)));

      // Act
      const { names: listed } = await drain(listAccount(secrets, { ...UNPACED, concurrency: 8 }));

      // Assess
      expectExactlyOnce(listed, names);
      expect(restartedShards(listRequests(secrets))).toStrictEqual([]);
    });

    it('when DescribeSecret denies a name equal to a prefix split at: skipped, reported, and the rest listed', async () => {
      // Prepare: "prod" is created last, so it is looked up; its resource policy denies this role.
      const names = ['prod', ...range(400, (i) => `prod/${['a', 'b', 'c', 'd'][i % 4]}/${i}`)];
      const { secrets } = sandboxWith(...seedsFor(names, (i) => (i === 0 ? 10_000 : i)));
      const denied = new PermissionDeniedError('DescribeSecret: AccessDeniedException: explicit deny in a resource-based policy');
      const described: string[] = [];
      const port: Port = {
        listSecrets: (request) => secrets.listSecrets(request),
        describeSecret: (id) => (described.push(id), id === 'prod' ? Promise.reject(denied) : secrets.describeSecret(id)),
      };
      const unreadable: [string, unknown][] = [];

      // Act
      const listing = listAccount(port, { ...UNPACED, concurrency: 4, onUnreadable: (name, error) => unreadable.push([name, error]) });
      const { names: listed, error } = await drain(listing);

      // Assess
      expect(error).toBeUndefined();
      expectExactlyOnce(listed, names.slice(1));
      expect(unreadable).toStrictEqual([['prod', denied]]);
      expect(listing.progress().unreadable).toBe(1);
      // Asked once, not retried, and not left for a next run to ask again: the listing is complete.
      expect(described.filter((id) => id === 'prod')).toHaveLength(1);
      expect(listing.checkpoint()).toBeUndefined();
    });
  });

  describe('retries', () => {
    /** The requests of an undisturbed run, one reader, so that a rerun makes the same ones. */
    const undisturbed = async () => {
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      await drain(listAccount(secrets, { ...UNPACED, concurrency: 1 }));
      return listRequests(secrets);
    };

    it('a throttled page, then a failing one, on the same token: no page skipped, the backoff growing', async () => {
      // Prepare
      const requests = await undisturbed();
      const target = requests.findIndex((r) => r.nextToken !== undefined);
      expect(target).toBeGreaterThan(0);
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      secrets
        .failNext('listSecrets', new ThrottlingError('ListSecrets: ThrottlingException: Rate exceeded'), { skip: target })
        .failNext('listSecrets', new TransientAwsError('ListSecrets: InternalServiceError: An error occurred on the server side.'));
      const { delays, sleep } = recordingSleep();

      // Act
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 1, sleep });
      const { names, error } = await drain(listing);

      // Assess
      expect(error).toBeUndefined();
      expectExactlyOnce(names, MIXED_NAMES);
      const sent = listRequests(secrets);
      expect(sent.slice(target, target + 3)).toStrictEqual([requests[target], requests[target], requests[target]]);
      expect(listing.progress()).toMatchObject({ throttled: 1, retried: 2, calls: requests.length + 2 });
      // The throttle pauses every call and the page for the same backoff; the 5xx only the page, for twice as long.
      expect(delays).toHaveLength(3);
      expect(delays[0]).toBe(delays[1]);
      expect(delays[0]).toBeGreaterThanOrEqual(100);
      expect(delays[0]).toBeLessThanOrEqual(200);
      expect(delays[2]).toBeGreaterThanOrEqual(200);
      expect(delays[2]).toBeLessThanOrEqual(400);
    });

    it('gives up after maxAttempts, naming the shard, and leaves a checkpoint', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      for (let i = 0; i < 3; i++)
        secrets.failNext('listSecrets', new ThrottlingError('ListSecrets: ThrottlingException: Rate exceeded'), { skip: i === 0 ? 5 : 0 });

      // Act
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 1, maxAttempts: 3, sleep: recordingSleep().sleep });
      const { error } = await drain(listing);

      // Assess
      expect(error).toBeInstanceOf(ListAccountError);
      expect(error).toMatchObject({
        retryable: true,
        message: expect.stringMatching(
          /^ListSecrets of (names starting with ".+"|the whole account).*: gave up after 3 attempts: ListSecrets: ThrottlingException/,
        ),
      });
      expect(listing.checkpoint()).toBeDefined();
    });

    it('ends the run at an AccessDenied with an error naming the shard; the checkpoint lists the rest exactly once', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      const denied = new PermissionDeniedError('ListSecrets: AccessDeniedException: not authorized to perform secretsmanager:ListSecrets');
      secrets.failNext('listSecrets', denied, { skip: 12 });

      // Act
      const first = listAccount(secrets, { ...UNPACED, concurrency: 4 });
      const before = await drain(first);
      const checkpoint = first.checkpoint();
      const after = await drain(listAccount(secrets, { ...UNPACED, concurrency: 4, ...(checkpoint ? { resumeFrom: checkpoint } : {}) }));

      // Assess
      expect(before.error).toBeInstanceOf(ListAccountError);
      expect(before.error).toMatchObject({
        cause: denied,
        retryable: false,
        shard: expect.stringMatching(/^ListSecrets of /),
        message: expect.stringContaining('AccessDeniedException'),
      });
      expect(checkpoint).toBeDefined();
      expect(after.error).toBeUndefined();
      expectExactlyOnce([...before.names, ...after.names], MIXED_NAMES);
    });
  });

  describe('stop, checkpoint and resume', () => {
    it('stops when told, with a JSON checkpoint; resumed run after run, each secret once and no page read twice', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      const listed: string[] = [];
      let resumeFrom: ListCheckpoint | undefined;
      let runs = 0;

      // Act: each run stops after taking 3 pages, and the next resumes from its checkpoint as read back from JSON.
      do {
        let taken = 0;
        const listing = listAccount(secrets, {
          ...UNPACED,
          concurrency: 4,
          shouldStop: () => taken >= 3,
          ...(resumeFrom ? { resumeFrom } : {}),
        });
        for await (const page of listing.pages) {
          taken++;
          listed.push(...page.map((s) => s.name));
        }
        const checkpoint = listing.checkpoint();
        if (checkpoint) expect(JSON.parse(JSON.stringify(checkpoint))).toStrictEqual(checkpoint);
        resumeFrom = checkpoint && (JSON.parse(JSON.stringify(checkpoint)) as ListCheckpoint);
        runs++;
      } while (resumeFrom && runs < 500);

      // Assess
      expect(runs).toBeGreaterThanOrEqual(3);
      expect(resumeFrom).toBeUndefined();
      expectExactlyOnce(listed, MIXED_NAMES);
      const requests = listRequests(secrets).map((r) => JSON.stringify(r));
      expect(requests.length).toBe(new Set(requests).size);
    });

    it('finishes the pages in flight when told to stop, and yields them: the next run reads none of them again', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      let stop = false;

      // Act: stop as soon as the first page is taken, with eight readers busy.
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 8, shouldStop: () => stop });
      const names: string[] = [];
      let pages = 0;
      for await (const page of listing.pages) {
        stop = true;
        pages++;
        names.push(...page.map((s) => s.name));
      }
      const checkpoint = listing.checkpoint();
      const rest = await drain(listAccount(secrets, { ...UNPACED, concurrency: 8, ...(checkpoint ? { resumeFrom: checkpoint } : {}) }));

      // Assess
      expect(pages).toBeGreaterThan(1);
      expectExactlyOnce([...names, ...rest.names], MIXED_NAMES);
      const requests = listRequests(secrets).map((r) => JSON.stringify(r));
      expect(requests.length).toBe(new Set(requests).size);
    });

    it('leaves a checkpoint when the consumer breaks off, from which the rest is listed exactly once', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      const names: string[] = [];

      // Act
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 4 });
      for await (const page of listing.pages) {
        names.push(...page.map((s) => s.name));
        if (names.length > 150) break;
      }
      const checkpoint = listing.checkpoint();
      const rest = await drain(listAccount(secrets, { ...UNPACED, concurrency: 4, ...(checkpoint ? { resumeFrom: checkpoint } : {}) }));

      // Assess
      expect(checkpoint).toBeDefined();
      expectExactlyOnce([...names, ...rest.names], MIXED_NAMES);
    });

    it('keeps the checkpoint small half-way through 100,000 secrets, and resumes to the end exactly once', async () => {
      // Prepare
      const account = new SyntheticSecrets({ count: 100_000, seed: 11 });
      const seen = new Uint8Array(account.count);
      let duplicates = 0;
      const take = (page: readonly SecretState[]) => {
        for (const secret of page) {
          const index = account.indexOfArn(secret.arn) ?? -1;
          if (seen[index] === 1) duplicates++;
          seen[index] = 1;
        }
      };

      // Act
      let taken = 0;
      const first = listAccount(account, { ...UNPACED, concurrency: 32, shouldStop: () => taken >= 500 });
      for await (const page of first.pages) {
        taken++;
        take(page);
      }
      const checkpoint = first.checkpoint();
      const size = Buffer.byteLength(JSON.stringify(checkpoint));
      const second = listAccount(account, { ...UNPACED, concurrency: 32, ...(checkpoint ? { resumeFrom: checkpoint } : {}) });
      for await (const page of second.pages) take(page);

      // Assess
      expect(first.progress().secrets).toBeGreaterThan(40_000);
      expect(size).toBeLessThan(100 * 1024);
      expect(checkpoint?.shards.filter((s) => s.nextToken !== undefined).length).toBeLessThanOrEqual(32);
      expect(duplicates).toBe(0);
      expect(seen.every((flag) => flag === 1)).toBe(true);
      expect(second.checkpoint()).toBeUndefined();
    });

    it('refuses a checkpoint it did not write', () => {
      // Prepare
      const forged = { version: 2, shards: 'all of them' } as unknown as ListCheckpoint;

      // Act
      const act = () => listAccount(sandboxWith().secrets, { ...UNPACED, resumeFrom: forged });

      // Assess
      expect(act).toThrow(InvalidCheckpointError);
      expect(act).toThrow(/version/);
    });
  });

  describe('pacing and memory', () => {
    /** A paced run on a fake clock against a quota of 10 calls/s; the account records when each call started. */
    const pacedRun = async (callsPerSecond: number) => {
      vi.useFakeTimers();
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      secrets.simulateListSecrets({ callsPerSecond: 10, latencyMs: 50, record: true });
      const listing = listAccount(secrets, { callsPerSecond, concurrency: 8 });
      const drained = drain(listing);
      await vi.runAllTimersAsync();
      return { ...(await drained), listing, simulation: secrets.listSecretsSimulation };
    };

    it('never starts more than callsPerSecond calls in any rolling second, and so is never throttled', async () => {
      // Act
      const { names, listing, simulation } = await pacedRun(10);

      // Assess
      expectExactlyOnce(names, MIXED_NAMES);
      const started = simulation?.started ?? [];
      expect(started.length).toBeGreaterThan(30);
      for (let i = 10; i < started.length; i++) expect((started[i] ?? 0) - (started[i - 10] ?? 0)).toBeGreaterThanOrEqual(1000);
      expect(simulation?.throttled).toBe(0);
      expect(listing.progress().throttled).toBe(0);
    });

    it('is throttled when paced above the quota, and still lists every secret once', async () => {
      // Act
      const { names, error, listing, simulation } = await pacedRun(40);

      // Assess
      expect(error).toBeUndefined();
      expectExactlyOnce(names, MIXED_NAMES);
      expect(simulation?.throttled).toBeGreaterThan(0);
      expect(listing.progress().throttled).toBe(simulation?.throttled);
    });

    it('reads a shard on only once its last page was taken: a paused consumer pauses the listing', async () => {
      // Prepare
      const { secrets } = sandboxWith(...seedsFor(MIXED_NAMES));
      const listing = listAccount(secrets, { ...UNPACED, concurrency: 4 });
      const pages = listing.pages[Symbol.asyncIterator]();

      // Act: take two pages, then let the readers run as far as they can.
      await pages.next();
      await pages.next();
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
      const whilePaused = listRequests(secrets);
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));

      // Assess
      expect(listRequests(secrets)).toHaveLength(whilePaused.length);
      expect(whilePaused.filter((r) => r.nextToken !== undefined).length).toBeLessThanOrEqual(2);
      expect(listing.progress().secrets).toBeLessThan(MIXED_NAMES.length);
      await pages.return?.();
    });
  });
});
