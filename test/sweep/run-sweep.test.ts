/**
 * The whole sweep engine against the sandbox account: listing, judging and publishing page by
 * page; refusals counted rather than fatal; stopping when told without judging pages it has no
 * time for, and resuming to judge every secret exactly once; closer looks paced attempt by attempt.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../shared/contracts/finding.js';
import { PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
import type { SecretsPort } from '../../shared/ports/secrets.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { BACKOFF_CAP_MS } from '../../shared/retry.js';
import { InvalidCheckpointError } from '../../shared/sweep/shard-book.js';
import {
  CLOSER_LOOK_ATTEMPTS,
  checkpointBytes,
  runSweep,
  type SweepCheckpoint,
  type SweepOptions,
  type SweepReads,
} from '../../shared/sweep/run-sweep.js';
import { samplePolicy } from '../helpers/policy.js';
import { FIXED_NOW, sandboxWith } from '../helpers/sandbox.js';

const DAY = 86_400_000;
const RUN_ID = 'sweep-20261125T1200Z-1a2b3c4d';

/**
 * `count` secrets, each failing exactly one check (unused: last read a year ago), so a finding
 * stands for a secret judged. Names of many kinds, so that the listing splits into shards.
 */
const unusedEstate = (count: number, overrides: (i: number) => Partial<SecretSeed> = () => ({})): SecretSeed[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `${['app', 'Batch', '9lives', '_infra', '/root', 'db', 'svc', 'x'][i % 8]}/secret-${String(i).padStart(4, '0')}`,
    createdDate: new Date(FIXED_NOW.getTime() - 400 * DAY - ((i * 7919) % count) * 60_000).toISOString(),
    lastAccessedDate: `${new Date(FIXED_NOW.getTime() - 365 * DAY).toISOString().slice(0, 10)}T00:00:00Z`,
    rotationEnabled: true,
    rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
    lastRotatedDate: new Date(FIXED_NOW.getTime() - 2 * DAY).toISOString(),
    nextRotationDate: new Date(FIXED_NOW.getTime() + 20 * DAY).toISOString(),
    kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    versions: { [`v-${i}`]: ['AWSCURRENT'] },
    ...overrides(i),
  }));

const baseOptions = {
  policy: samplePolicy,
  now: FIXED_NOW,
  runId: RUN_ID,
  listCallsPerSecond: Number.POSITIVE_INFINITY,
} satisfies Partial<SweepOptions>;

/** Sleeps that return at once, recording what was asked. */
const recordingSleep = () => {
  const delays: number[] = [];
  return { delays, sleep: (ms: number) => (delays.push(ms), Promise.resolve()) };
};

/** Runs a sweep, keeping every finding it publishes. */
const sweep = async (reads: SweepReads, options: Partial<SweepOptions> = {}) => {
  const published: Finding[] = [];
  const report = await runSweep(
    reads,
    (findings) => {
      published.push(...findings);
      return Promise.resolve();
    },
    { ...baseOptions, sleep: recordingSleep().sleep, ...options },
  );
  return { report, published };
};

/** The checkpoint as the continuation event brings it back: through JSON. */
const throughJson = (checkpoint: SweepCheckpoint | undefined): SweepCheckpoint => JSON.parse(JSON.stringify(checkpoint)) as SweepCheckpoint;

afterEach(() => {
  vi.useRealTimers();
});

describe('Function: runSweep', () => {
  describe('refusals', () => {
    it('goes on past a secret whose closer look AWS denies, and counts it as unjudged', async () => {
      // Prepare: among 150, one secret requireResourcePolicy names, whose resource policy denies this role.
      const seeds = [
        ...unusedEstate(150),
        ...unusedEstate(1, () => ({ name: 'prod/shared/locked', lastAccessedDate: FIXED_NOW.toISOString() })),
      ];
      const account = sandboxWith(...seeds);
      account.secrets.failNext(
        'getResourcePolicy',
        new PermissionDeniedError('GetResourcePolicy: AccessDeniedException: explicit deny in a resource-based policy'),
      );

      // Act
      const { report, published } = await sweep(account.secrets, { concurrency: 4 });

      // Assess
      expect(report.complete).toBe(true);
      expect(report.counts).toMatchObject({
        secrets: 151,
        findings: 150,
        unjudged: 1,
        unjudgedByReason: { AccessDenied: 1 },
        unjudgedSample: ['prod/shared/locked'],
      });
      expect(published).toHaveLength(150);
    });

    it('goes on past a name equal to a split prefix that DescribeSecret denies, and counts it as unjudged', async () => {
      // Prepare: "prod" is created last, so the listing looks it up by name, and is denied.
      const seeds = [
        ...unusedEstate(400, (i) => ({
          name: `prod/${['a', 'b', 'c', 'd'][i % 4]}/${i}`,
          createdDate: new Date(FIXED_NOW.getTime() - 400 * DAY + i * 60_000).toISOString(),
        })),
        ...unusedEstate(1, () => ({ name: 'prod', createdDate: new Date(FIXED_NOW.getTime() - 100 * DAY).toISOString() })),
      ];
      const account = sandboxWith(...seeds);
      const reads: SweepReads = {
        listSecrets: (request) => account.secrets.listSecrets(request),
        describeSecret: (id) =>
          id === 'prod'
            ? Promise.reject(new PermissionDeniedError('DescribeSecret: AccessDeniedException: explicit deny'))
            : account.secrets.describeSecret(id),
        listVersions: (id) => account.secrets.listVersions(id),
        getResourcePolicy: (id) => account.secrets.getResourcePolicy(id),
      };

      // Act
      const { report, published } = await sweep(reads, { concurrency: 4 });

      // Assess
      expect(report.complete).toBe(true);
      expect(report.listing.unreadable).toBe(1);
      expect(report.counts).toMatchObject({
        secrets: 400,
        findings: 400,
        unjudged: 1,
        unjudgedByReason: { AccessDenied: 1 },
        unjudgedSample: ['prod'],
      });
      expect(published.some((f) => f.secret.name === 'prod')).toBe(false);
    });
  });

  describe('stop, checkpoint and resume', () => {
    it('judges no page after it is told to stop, and its continuation judges every secret exactly once', async () => {
      // Prepare: eight readers, so pages are fetched ahead of the judging.
      const seeds = unusedEstate(1200);
      const account = sandboxWith(...seeds);
      let pagesJudged = 0;

      // Act: time runs out as soon as the first page was judged.
      const first = await sweep(account.secrets, { concurrency: 8, onProgress: () => pagesJudged++, shouldStop: () => pagesJudged >= 1 });
      const second = await sweep(account.secrets, { concurrency: 8, resumeFrom: throughJson(first.report.checkpoint) });

      // Assess
      expect(pagesJudged).toBe(1);
      expect(first.report.complete).toBe(false);
      expect(first.report.counts.secrets).toBeLessThanOrEqual(100);
      expect(first.published).toHaveLength(first.report.counts.secrets);
      expect(second.report.complete).toBe(true);
      expect(second.report.counts).toMatchObject({ secrets: 1200, findings: 1200 });
      const ids = [...first.published, ...second.published].map((f) => f.id);
      expect(ids).toHaveLength(1200);
      expect(new Set(ids).size).toBe(1200);
      expect(new Set([...first.published, ...second.published].map((f) => f.secret.name))).toStrictEqual(new Set(seeds.map((s) => s.name)));
    });

    it('stopped after every page, run after run, still judges every secret exactly once', async () => {
      // Prepare
      const seeds = unusedEstate(700);
      const account = sandboxWith(...seeds);
      const names: string[] = [];
      let resumeFrom: SweepCheckpoint | undefined;
      let runs = 0;

      // Act
      do {
        let judged = 0;
        const { report, published } = await sweep(account.secrets, {
          concurrency: 4,
          onProgress: () => judged++,
          shouldStop: () => judged >= 1,
          ...(resumeFrom ? { resumeFrom } : {}),
        });
        names.push(...published.map((f) => f.secret.name ?? f.secret.id));
        resumeFrom = report.checkpoint && throughJson(report.checkpoint);
        runs++;
      } while (resumeFrom && runs < 200);

      // Assess
      expect(runs).toBeGreaterThan(5);
      expect(resumeFrom).toBeUndefined();
      expect(names).toHaveLength(700);
      expect(new Set(names)).toStrictEqual(new Set(seeds.map((s) => s.name)));
    });

    it('reports the checkpoint’s size in bytes, as the continuation carries it', async () => {
      // Prepare
      const account = sandboxWith(...unusedEstate(600));
      let judged = 0;

      // Act
      const stopped = await sweep(account.secrets, { concurrency: 4, onProgress: () => judged++, shouldStop: () => judged >= 1 });
      const finished = await sweep(account.secrets, { concurrency: 4, resumeFrom: throughJson(stopped.report.checkpoint) });

      // Assess
      const { checkpoint } = stopped.report;
      expect(checkpoint).toBeDefined();
      expect(stopped.report.checkpointBytes).toBe(Buffer.byteLength(JSON.stringify(checkpoint ?? {})));
      expect(checkpoint && checkpointBytes(checkpoint)).toBe(stopped.report.checkpointBytes);
      expect(stopped.report.checkpointBytes).toBeLessThan(8 * 1024);
      expect(finished.report.checkpoint).toBeUndefined();
      expect(finished.report.checkpointBytes).toBeUndefined();
    });

    it('resumes from a checkpoint written before unjudged secrets were counted', async () => {
      // Prepare: a checkpoint of the version before, whose counts have no unjudged fields.
      const account = sandboxWith(...unusedEstate(300));
      let judged = 0;
      const stopped = await sweep(account.secrets, { concurrency: 4, onProgress: () => judged++, shouldStop: () => judged >= 1 });
      const { unjudged: _u, unjudgedByReason: _r, unjudgedSample: _s, ...olderCounts } = throughJson(stopped.report.checkpoint).counts;
      const older = { ...throughJson(stopped.report.checkpoint), counts: olderCounts } as unknown as SweepCheckpoint;

      // Act
      const { report } = await sweep(account.secrets, { concurrency: 4, resumeFrom: older });

      // Assess
      expect(report.complete).toBe(true);
      expect(report.counts).toMatchObject({ secrets: 300, findings: 300, unjudged: 0, unjudgedByReason: {}, unjudgedSample: [] });
    });

    it('refuses a checkpoint it did not write, naming the field', async () => {
      // Prepare
      const forged = {
        version: 1,
        runId: RUN_ID,
        startedAt: FIXED_NOW.toISOString(),
        listing: { version: 1, shards: [], lookups: [] },
        counts: { secrets: 'many' },
      } as unknown as SweepCheckpoint;

      // Act
      const act = sweep(sandboxWith().secrets, { resumeFrom: forged });

      // Assess
      await expect(act).rejects.toThrow(InvalidCheckpointError);
      await expect(act).rejects.toThrow(/counts\.secrets/);
    });
  });

  describe('closer looks', () => {
    /** One secret whose resource policy must be read, and an account recording when each read started. */
    const lockedAccount = (): { account: SandboxAccount; reads: SweepReads; started: number[] } => {
      const account = sandboxWith(
        ...unusedEstate(1, () => ({ name: 'prod/shared/session-key', lastAccessedDate: FIXED_NOW.toISOString() })),
      );
      const started: number[] = [];
      const getResourcePolicy: SecretsPort['getResourcePolicy'] = (id) => (started.push(Date.now()), account.secrets.getResourcePolicy(id));
      return { account, reads: { ...bind(account), getResourcePolicy }, started };
    };

    const bind = (account: SandboxAccount): SweepReads => ({
      listSecrets: (request) => account.secrets.listSecrets(request),
      describeSecret: (id) => account.secrets.describeSecret(id),
      listVersions: (id) => account.secrets.listVersions(id),
      getResourcePolicy: (id) => account.secrets.getResourcePolicy(id),
    });

    it('paces every attempt through the queue, retries included, and backs off as the listing does', async () => {
      // Prepare: one closer look a second, throttled twice.
      vi.useFakeTimers();
      const { account, reads, started } = lockedAccount();
      const throttled = new TransientAwsError('GetResourcePolicy: ThrottlingException: Rate exceeded');
      account.secrets.failNext('getResourcePolicy', throttled).failNext('getResourcePolicy', throttled);
      const { delays, sleep } = recordingSleep();

      // Act
      const running = sweep(reads, { closerLooksPerSecond: 1, sleep });
      await vi.runAllTimersAsync();
      const { report } = await running;

      // Assess
      expect(report.counts).toMatchObject({ secrets: 1, perSecretCalls: 1, findings: 1, byRule: { 'resource-policy-missing': 1 } });
      expect(started).toHaveLength(3);
      expect((started[1] ?? 0) - (started[0] ?? 0)).toBeGreaterThanOrEqual(1000);
      expect((started[2] ?? 0) - (started[1] ?? 0)).toBeGreaterThanOrEqual(1000);
      expect(delays).toHaveLength(2);
      expect(delays[0]).toBeGreaterThanOrEqual(100);
      expect(delays[0]).toBeLessThanOrEqual(200);
      expect(delays[1]).toBeGreaterThanOrEqual(200);
      expect(delays[1]).toBeLessThanOrEqual(400);
    });

    it('fails the run when a closer look stays throttled after its retries, having waited at most the cap each time', async () => {
      // Prepare
      const { account, reads, started } = lockedAccount();
      const throttled = new TransientAwsError('GetResourcePolicy: ThrottlingException: Rate exceeded');
      for (let i = 0; i < CLOSER_LOOK_ATTEMPTS; i++) account.secrets.failNext('getResourcePolicy', throttled);
      const { delays, sleep } = recordingSleep();

      // Act
      const act = sweep(reads, { sleep });

      // Assess
      await expect(act).rejects.toBe(throttled);
      expect(started).toHaveLength(CLOSER_LOOK_ATTEMPTS);
      expect(delays).toHaveLength(CLOSER_LOOK_ATTEMPTS - 1);
      expect(Math.max(...delays)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    });
  });
});
