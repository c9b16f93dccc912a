/**
 * A shard of an organisation sweep before and after its sweep, on the ledger its coordinator
 * wrote: admitted only in the policy's scope and registered by its run's coordinator, continued
 * only as its own run; when finished, its figures recorded once, counted once however often it is
 * delivered, and the last shard sending the one organisation summary, once. The whole flow through
 * the sweep function runs in sweep-use-case.organisation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { shardRunId, type SweepShard, SweepShardSchema } from '../../shared/contracts/sweep-shard.js';
import { InvalidEventError } from '../../shared/errors.js';
import { claimKey } from '../../shared/ledger/keys.js';
import type { MemberTarget } from '../../shared/ports/member-access.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { MemoryOrganizations } from '../../shared/sandbox/memory-organizations.js';
import { RecordingBus } from '../../shared/sandbox/recording-bus.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import { coordinateSweep } from '../../shared/sweep/coordinator.js';
import { admitShard, checkShardRun, finishShard, sweepReadsThroughMembers } from '../../shared/sweep/coordinator-shards.js';
import type { ShardFigures } from '../../shared/sweep/coordinator-summary.js';
import { recordOnce } from '../../shared/sweep/ledger-records.js';
import type { SweepReads } from '../../shared/sweep/run-sweep.js';
import { HUB, organisationPolicy } from '../helpers/organisation.js';
import { FIXED_NOW, fixedClock } from '../helpers/sandbox.js';

const MEMBER = '444455556666';
const OUTSIDE = '999900001111';
const RUN_ID = 'sweep-20261125T1200Z-5a1f3c2e';
const policy = organisationPolicy({ members: { exclude: [OUTSIDE] } });

/** The hub's ledger and topic after its coordinator registered the run: the hub and one member, in two regions. */
const coordinated = async () => {
  const ports = { ledger: new MemoryLedger(fixedClock.now), clock: fixedClock, notifier: new RecordingNotifier() };
  const bus = new RecordingBus(HUB, fixedClock);
  const organizations = new MemoryOrganizations({
    id: 'r-ab12',
    accounts: [HUB.account, MEMBER, OUTSIDE].map((id) => ({ id, active: true })),
  });
  await coordinateSweep({ ...ports, bus, organizations }, { runId: RUN_ID, hub: HUB, now: FIXED_NOW, policy });
  const shards = bus.published.map((e) => SweepShardSchema.parse(e.detail));
  return { ports, shards };
};

const figuresOf = (shard: SweepShard, findings: number, change: Partial<ShardFigures> = {}): ShardFigures => ({
  account: shard.account,
  region: shard.region,
  secrets: 10,
  exempt: 1,
  findings,
  unjudged: 0,
  byRule: findings > 0 ? { unused: findings } : {},
  bySeverity: findings > 0 ? { low: findings } : {},
  listCalls: 1,
  closerLooks: 0,
  invocations: 1,
  finishedAt: '2026-11-25T12:03:00Z',
  ...change,
});

const refusal = async (admitting: Promise<unknown>): Promise<string> => {
  const error = await admitting.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidEventError);
  return (error as InvalidEventError).problems.join('\n');
};

describe('Function: admitShard', () => {
  it("admits a shard its run's coordinator registered, with the run's clock and size", async () => {
    // Prepare
    const { ports, shards } = await coordinated();

    // Act
    const registrations = await Promise.all(shards.map((shard) => admitShard(ports, policy, HUB, shard)));

    // Assess
    expect(shards.map((s) => `${s.account}/${s.region}`).sort()).toStrictEqual([
      `${HUB.account}/eu-west-1`,
      `${HUB.account}/us-east-1`,
      `${MEMBER}/eu-west-1`,
      `${MEMBER}/us-east-1`,
    ]);
    expect(registrations).toStrictEqual(shards.map(() => ({ startedAt: FIXED_NOW.toISOString(), shards: 4 })));
  });

  it('refuses a shard for an account the policy leaves out, before reading the ledger', async () => {
    // Prepare
    const { ports } = await coordinated();

    // Act
    const problem = await refusal(admitShard(ports, policy, HUB, { runId: RUN_ID, account: OUTSIDE, region: 'us-east-1' }));

    // Assess
    expect(problem).toMatch(new RegExp(`^detail: shard ${OUTSIDE}/us-east-1 refused: outside the scope: `));
  });

  it('refuses every shard when organisation mode is off', async () => {
    // Prepare
    const { ports, shards } = await coordinated();
    const off = { ...policy, organisation: { ...policy.organisation, enabled: false } };

    // Act
    const problem = await refusal(admitShard(ports, off, HUB, shards[0] as SweepShard));

    // Assess
    expect(problem).toMatch(/refused: organisation mode is off \(organisation.enabled is false\)/);
  });

  it.each([
    ['of a run that was never coordinated', 'sweep-20261125T1300Z-00000000', undefined],
    ['whose registration is not JSON', RUN_ID, 'not json'],
    ['whose registration is not one', RUN_ID, '{"startedAt": "yesterday", "shards": 0}'],
  ])('refuses a shard in scope %s', async (_case, runId, registration) => {
    // Prepare
    const { ports } = await coordinated();
    const shard = { runId, account: MEMBER, region: 'us-east-1' };
    if (registration !== undefined) {
      await ports.ledger.release(claimKey.sweepOrgShard(runId, MEMBER, 'us-east-1'));
      await recordOnce(ports, claimKey.sweepOrgShard(runId, MEMBER, 'us-east-1'), registration);
    }

    // Act
    const problem = await refusal(admitShard(ports, policy, HUB, shard));

    // Assess
    expect(problem).toBe(
      `detail: shard ${MEMBER}/us-east-1 refused: run ${runId}'s coordinator did not register it (not in the run's scope, or no such run)`,
    );
  });
});

describe('Function: checkShardRun', () => {
  const shard: SweepShard = { runId: RUN_ID, account: MEMBER, region: 'eu-west-1' };

  it("lets a continuation of the shard's own run through", () => {
    expect(() => checkShardRun(shard, `${RUN_ID}-${MEMBER}-eu-west-1`)).not.toThrow();
    expect(shardRunId(shard)).toBe(`${RUN_ID}-${MEMBER}-eu-west-1`);
  });

  it("refuses a continuation of another shard's run, naming both", () => {
    // Act
    const checking = () => checkShardRun(shard, `${RUN_ID}-${MEMBER}-us-east-1`);

    // Assess
    expect(checking).toThrow(InvalidEventError);
    expect(checking).toThrow(
      `detail.checkpoint.runId: ${RUN_ID}-${MEMBER}-us-east-1 is not the run of shard ${MEMBER}/eu-west-1 (${RUN_ID}-${MEMBER}-eu-west-1)`,
    );
  });
});

describe('Function: finishShard', () => {
  const finish = async (ports: Awaited<ReturnType<typeof coordinated>>['ports'], shard: SweepShard, figures: ShardFigures) =>
    finishShard(ports, {
      shard,
      figures,
      registration: await admitShard(ports, policy, HUB, shard),
      hub: HUB,
      remainingMs: 60_000,
    });

  it('counts each shard once, however often it is delivered, and sends nothing before the last', async () => {
    // Prepare
    const { ports, shards } = await coordinated();
    const [first, second] = shards as [SweepShard, SweepShard];

    // Act
    const one = await finish(ports, first, figuresOf(first, 1));
    const again = await finish(ports, first, figuresOf(first, 1));
    const two = await finish(ports, second, figuresOf(second, 2));

    // Assess
    expect([one, again, two]).toStrictEqual([
      { last: false, done: 1, shards: 4 },
      { last: false, done: 1, shards: 4 },
      { last: false, done: 2, shards: 4 },
    ]);
    expect(ports.notifier.sent).toStrictEqual([]);
  });

  it("sends one organisation summary when the last shard finishes, from every shard's first figures, and not again", async () => {
    // Prepare
    const { ports, shards } = await coordinated();
    const [a, b, c, d] = shards as [SweepShard, SweepShard, SweepShard, SweepShard];
    await finish(ports, a, figuresOf(a, 3));
    await finish(ports, a, figuresOf(a, 300)); // a redelivery's figures do not replace the first
    await finish(ports, b, figuresOf(b, 0));
    await finish(ports, c, figuresOf(c, 2));

    // Act
    const last = await finish(ports, d, figuresOf(d, 0, { failed: 'the read role could not be assumed' }));
    const redelivered = await finish(ports, d, figuresOf(d, 0));

    // Assess
    expect(last).toStrictEqual({ last: true, done: 4, shards: 4, summarySent: true });
    expect(redelivered).toStrictEqual({ last: true, done: 4, shards: 4, summarySent: false });
    expect(ports.notifier.sent).toHaveLength(1);
    const [summary] = ports.notifier.sent;
    expect(summary?.subject).toBe(`[LOW] sweep: 5 findings, 2 accounts, 1 unread (${HUB.account}/organisation)`);
    expect(summary?.body).toContain(`Organisation sweep ${RUN_ID} from ${HUB.account}/${HUB.region}: 2 accounts x 2 regions = 4 shards`);
    expect(summary?.body).toContain(`  ${d.account}/${d.region}: the read role could not be assumed`);
  });

  it('counts a shard that recorded no figures as missing in the summary', async () => {
    // Prepare: three shards finish; the fourth is counted, but its figures cannot be read back.
    const { ports, shards } = await coordinated();
    const [a, b, c, d] = shards as [SweepShard, SweepShard, SweepShard, SweepShard];
    for (const shard of [a, b, c]) await finish(ports, shard, figuresOf(shard, 1));
    await recordOnce(ports, claimKey.sweepOrgShardFigures(RUN_ID, d.account, d.region), 'not figures');

    // Act
    await finish(ports, d, figuresOf(d, 1));

    // Assess
    expect(ports.notifier.sent[0]?.body).toContain(`  1 shards recorded no figures (see the sweep function's log for run ${RUN_ID})`);
  });
});

describe('Function: sweepReadsThroughMembers', () => {
  it("reads the hub's own account-region with the function's own credentials, and a member's through its read role, the session named after the shard's run", async () => {
    // Prepare
    const targets: MemberTarget[] = [];
    const reads = {} as SweepReads;
    const readsFor = sweepReadsThroughMembers(policy.organisation, 'test', (target) => {
      targets.push(target);
      return Promise.resolve(reads);
    });

    // Act
    const own = await readsFor({ hub: HUB, place: HUB, session: 'run-own' });
    await readsFor({ hub: HUB, place: { account: MEMBER, region: 'eu-west-1' }, session: 'run-member' });

    // Assess
    expect(own).toBe(reads);
    expect(targets[0]).toStrictEqual({ account: HUB.account, region: HUB.region, session: 'run-own' });
    expect(targets[1]).toMatchObject({ account: MEMBER, region: 'eu-west-1', session: 'run-member' });
    expect(targets[1]?.roleArn).toMatch(new RegExp(`^arn:aws:iam::${MEMBER}:role/.*test.*read`));
  });
});
