/**
 * The organisation sweep's coordinator: which accounts are in scope (Organizations, paged; OUs
 * and their nested OUs; ACTIVE accounts only; exclusions), one "Sweep Shard" per account-region,
 * ten to a PutEvents call, each registered in the ledger before it is published, and the shards
 * PutEvents refused sent again.
 */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventBridgeAdapter } from '../../shared/adapters/eventbridge.js';
import { SWEEP_SHARD_DETAIL_TYPE, SweepShardSchema } from '../../shared/contracts/sweep-shard.js';
import { TransientAwsError } from '../../shared/errors.js';
import type { BusEvent, EventBusPort } from '../../shared/ports/bus.js';
import { claimKey } from '../../shared/ledger/keys.js';
import type { OrganisationAccount } from '../../shared/ports/organisation-accounts.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { MemoryOrganizations } from '../../shared/sandbox/memory-organizations.js';
import { RecordingBus } from '../../shared/sandbox/recording-bus.js';
import { SandboxSecretCounts } from '../../shared/sandbox/sandbox-secret-counts.js';
import { type Counted, censusWindow, secretCountsThroughMembers } from '../../shared/sweep/census.js';
import {
  accountsInScope,
  afterCensus,
  coordinateSweep,
  expectedShardMs,
  releaseToFreeSlots,
  type ShardTarget,
  shardScopeProblem,
  shardTargets,
} from '../../shared/sweep/coordinator.js';
import type { ShardFigures } from '../../shared/sweep/coordinator-summary.js';
import { readRecord } from '../../shared/sweep/ledger-records.js';
import { recordShardSizes } from '../../shared/sweep/shard-sizes.js';
import { HUB, organisationPolicy } from '../helpers/organisation.js';
import { FIXED_NOW, fixedClock } from '../helpers/sandbox.js';

const active = (id: string): OrganisationAccount => ({ id, active: true });
const suspended = (id: string): OrganisationAccount => ({ id, active: false });
const accountId = (n: number): string => String(200000000000 + n);
const figuresOf = (account: string, region: string): ShardFigures => ({
  account,
  region,
  secrets: 0,
  exempt: 0,
  findings: 0,
  unjudged: 0,
  byRule: {},
  bySeverity: {},
  listCalls: 0,
  closerLooks: 0,
  invocations: 1,
  finishedAt: FIXED_NOW.toISOString(),
});

/** root → accounts 1..45 (45 suspended), OU prod (46, 47) → OU prod/eu (48), OU sandbox (49). */
const organisation = (pageSize = 20) =>
  new MemoryOrganizations(
    {
      id: 'r-ab12',
      accounts: [...Array.from({ length: 44 }, (_, i) => active(accountId(i + 1))), suspended(accountId(45)), active(HUB.account)],
      children: [
        {
          id: 'ou-ab12-prod0001',
          accounts: [active(accountId(46)), active(accountId(47))],
          children: [{ id: 'ou-ab12-eu000001', accounts: [active(accountId(48)), suspended(accountId(50))] }],
        },
        { id: 'ou-ab12-sandbox1', accounts: [active(accountId(49))] },
      ],
    },
    pageSize,
  );

describe('accountsInScope', () => {
  it('lists every ACTIVE account of the organisation through every ListAccounts page when no OU or account is listed', async () => {
    // Prepare
    const organizations = organisation();

    // Act
    const accounts = await accountsInScope(organizations, organisationPolicy().organisation, HUB);

    // Assess: 49 active of 51; three pages of 20.
    expect(accounts).toHaveLength(49);
    expect(accounts).not.toContain(accountId(45));
    expect(accounts).not.toContain(accountId(50));
    expect(organizations.calls.map((c) => c.nextToken)).toStrictEqual([undefined, 'page-20', 'page-40']);
  });

  it('takes the accounts under a listed OU and under its nested OUs, paging each, and no other', async () => {
    // Prepare
    const organizations = organisation(1);

    // Act
    const accounts = await accountsInScope(
      organizations,
      organisationPolicy({ members: { organizationalUnits: ['ou-ab12-prod0001'] } }).organisation,
      HUB,
    );

    // Assess: prod's two, prod/eu's active one, and the hub's own account.
    expect(accounts).toStrictEqual([HUB.account, accountId(46), accountId(47), accountId(48)].sort());
    expect(organizations.calls.filter((c) => c.operation === 'listAccountsForParent').map((c) => [c.parentId, c.nextToken])).toStrictEqual([
      ['ou-ab12-prod0001', undefined],
      ['ou-ab12-prod0001', 'page-1'],
      ['ou-ab12-eu000001', undefined],
      ['ou-ab12-eu000001', 'page-1'],
    ]);
    expect(organizations.calls.some((c) => c.operation === 'listAccounts')).toBe(false);
  });

  it('takes listed accounts as they are, adds the OUs, and lets the exclusions win over both', async () => {
    // Prepare
    const members = {
      accounts: ['444455556666', accountId(3)],
      organizationalUnits: ['ou-ab12-sandbox1'],
      exclude: [accountId(3), accountId(49)],
    };

    // Act
    const accounts = await accountsInScope(organisation(), organisationPolicy({ members }).organisation, HUB);

    // Assess
    expect(accounts).toStrictEqual([HUB.account, '444455556666']);
  });

  it('lists an account once when it is both listed and under a listed OU, or under two listed OUs one inside the other', async () => {
    // Prepare: 47 is listed and under prod; prod/eu is listed and inside prod.
    const members = { accounts: [accountId(47)], organizationalUnits: ['ou-ab12-prod0001', 'ou-ab12-eu000001'] };

    // Act
    const accounts = await accountsInScope(organisation(), organisationPolicy({ members }).organisation, HUB);

    // Assess
    expect(accounts).toStrictEqual([HUB.account, accountId(46), accountId(47), accountId(48)].sort());
  });

  it('leaves out the hub itself when it is excluded', async () => {
    // Act
    const accounts = await accountsInScope(
      organisation(),
      organisationPolicy({ members: { accounts: ['444455556666'], exclude: [HUB.account] } }).organisation,
      HUB,
    );

    // Assess
    expect(accounts).toStrictEqual(['444455556666']);
  });
});

describe('shardScopeProblem', () => {
  const scope = organisationPolicy({ members: { accounts: ['444455556666'], exclude: ['777788889999'] } }).organisation;

  it.each([
    ['444455556666', 'eu-west-1', undefined],
    [HUB.account, 'us-east-1', undefined],
    ['444455556666', 'ap-southeast-2', 'region ap-southeast-2, which is not guarded'],
    ['777788889999', 'eu-west-1', 'account 777788889999, which organisation.members.exclude leaves out'],
    ['111122223333', 'eu-west-1', 'account 111122223333, which is not a member account listed'],
  ])('judges shard %s/%s: %s', (account, region, problem) => {
    // Act
    const found = shardScopeProblem(scope, HUB, { account, region });

    // Assess
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it("leaves an account that may lie under a listed OU to the coordinator's registration, but still refuses an unguarded region", () => {
    // Prepare
    const byOu = organisationPolicy({ members: { organizationalUnits: ['ou-ab12-prod0001'] } }).organisation;

    // Act
    const found = [
      shardScopeProblem(byOu, HUB, { account: '111122223333', region: 'eu-west-1' }),
      shardScopeProblem(byOu, HUB, { account: '111122223333', region: 'sa-east-1' }),
    ];

    // Assess
    expect(found[0]).toBeUndefined();
    expect(found[1]).toContain('region sa-east-1, which is not guarded');
  });

  it('refuses every shard when organisation mode is off', () => {
    // Act
    const found = shardScopeProblem({ ...scope, enabled: false }, HUB, { account: '444455556666', region: 'eu-west-1' });

    // Assess
    expect(found).toContain('organisation mode is off');
  });
});

describe('coordinateSweep', () => {
  const input = (policy = organisationPolicy()) => ({ runId: 'sweep-20261125T1200Z-5a1f3c2e', hub: HUB, now: FIXED_NOW, policy });

  it('publishes one registered Sweep Shard per account and region, and records the run', async () => {
    // Prepare
    const ledger = new MemoryLedger(fixedClock.now);
    const bus = new RecordingBus(HUB, fixedClock);

    // Act
    const coordinated = await coordinateSweep({ ledger, clock: fixedClock, bus, organizations: organisation() }, input());

    // Assess: 49 accounts × 2 regions.
    expect(coordinated).toMatchObject({ accounts: 49, regions: 2, shards: 98 });
    const shards = bus.published.map((e) => {
      expect(e['detail-type']).toBe(SWEEP_SHARD_DETAIL_TYPE);
      return SweepShardSchema.parse(e.detail);
    });
    expect(new Set(shards.map((s) => `${s.account}/${s.region}`)).size).toBe(98);
    for (const shard of shards) {
      const registration = await readRecord(
        { ledger, clock: fixedClock },
        claimKey.sweepOrgShard(shard.runId, shard.account, shard.region),
      );
      expect(JSON.parse(registration ?? '{}')).toStrictEqual({ startedAt: FIXED_NOW.toISOString(), shards: 98 });
    }
    const run = JSON.parse((await readRecord({ ledger, clock: fixedClock }, claimKey.sweepOrg(input().runId))) ?? '{}') as {
      accounts: string[];
      regions: string[];
    };
    expect(run.accounts).toHaveLength(49);
    expect(run.regions).toStrictEqual(['us-east-1', 'eu-west-1']);
  });

  it('publishes and counts each account-region once when an account is listed and under a listed OU, and a region is listed twice', async () => {
    // Prepare: 46 is listed and under prod; eu-west-1 twice.
    const ledger = new MemoryLedger(fixedClock.now);
    const bus = new RecordingBus(HUB, fixedClock);
    const policy = organisationPolicy({
      members: { accounts: [accountId(46)], organizationalUnits: ['ou-ab12-prod0001'] },
      regions: ['eu-west-1', 'us-east-1', 'eu-west-1'],
    });

    // Act
    const coordinated = await coordinateSweep({ ledger, clock: fixedClock, bus, organizations: organisation() }, input(policy));

    // Assess: the hub, 46, 47, 48 × 2 regions, each shard once, and the run's size says so (the
    // last shard's count must reach it for the summary to go out).
    const published = bus.published.map((e) => SweepShardSchema.parse(e.detail)).map((s) => `${s.account}/${s.region}`);
    expect(published).toHaveLength(8);
    expect(new Set(published).size).toBe(8);
    expect(published.filter((shard) => shard.startsWith(accountId(46)))).toStrictEqual([
      `${accountId(46)}/eu-west-1`,
      `${accountId(46)}/us-east-1`,
    ]);
    expect(coordinated).toMatchObject({ accounts: 4, regions: 2, shards: 8 });
    expect(coordinated.run.regions).toStrictEqual(['eu-west-1', 'us-east-1']);
    const registration = await readRecord({ ledger, clock: fixedClock }, claimKey.sweepOrgShard(input().runId, accountId(46), 'eu-west-1'));
    expect(JSON.parse(registration ?? '{}')).toMatchObject({ shards: 8 });
  });

  it('keeps the run clock it recorded first when its schedule is delivered again later', async () => {
    // Prepare
    const ledger = new MemoryLedger(fixedClock.now);
    const ports = { ledger, clock: fixedClock, bus: new RecordingBus(HUB, fixedClock), organizations: organisation() };
    await coordinateSweep(ports, input());

    // Act
    await coordinateSweep(ports, { ...input(), now: new Date(FIXED_NOW.getTime() + 3_600_000) });

    // Assess
    const registration = await readRecord({ ledger, clock: fixedClock }, claimKey.sweepOrgShard(input().runId, accountId(1), 'eu-west-1'));
    expect(JSON.parse(registration ?? '{}')).toMatchObject({ startedAt: FIXED_NOW.toISOString() });
  });

  describe('through PutEvents', () => {
    const eventBridge = mockClient(EventBridgeClient);
    beforeEach(() => eventBridge.reset());
    afterAll(() => eventBridge.restore());
    const noPause = () => Promise.resolve();
    const bus = () => eventBridgeAdapter(new EventBridgeClient({ region: HUB.region, maxAttempts: 1 }), 'secrets-remediator-dev', noPause);
    const accepted = (entries: readonly PutEventsRequestEntry[]) => ({
      FailedEntryCount: 0,
      Entries: entries.map((_, i) => ({ EventId: `e-${i}` })),
    });
    const shardOf = (entry: PutEventsRequestEntry | undefined) => SweepShardSchema.parse(JSON.parse(entry?.Detail ?? '{}'));

    it('sends the shards ten to a PutEvents call', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).callsFake((request: { Entries: PutEventsRequestEntry[] }) => accepted(request.Entries));

      // Act
      await coordinateSweep(
        { ledger: new MemoryLedger(fixedClock.now), clock: fixedClock, bus: bus(), organizations: organisation() },
        input(),
      );

      // Assess: 98 shards in 9 calls of 10 and one of 8.
      const sizes = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length);
      expect(sizes).toHaveLength(10);
      expect(sizes.filter((n) => n === 10)).toHaveLength(9);
      expect(sizes).toContain(8);
      expect(
        eventBridge
          .commandCalls(PutEventsCommand)
          .every((call) =>
            call.args[0].input.Entries?.every((e) => e.DetailType === SWEEP_SHARD_DETAIL_TYPE && e.Source === 'secrets-remediator'),
          ),
      ).toBe(true);
    });

    it('sends again only the shards PutEvents refused, until every shard is on the bus once', async () => {
      // Prepare: the first answer refuses two of its ten entries, the second one of those two.
      let call = 0;
      eventBridge.on(PutEventsCommand).callsFake((request: { Entries: PutEventsRequestEntry[] }) => {
        call += 1;
        const refuse = call === 1 ? [3, 7] : call === 2 ? [1] : [];
        return {
          FailedEntryCount: refuse.length,
          Entries: request.Entries.map((_, i) =>
            refuse.includes(i) ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `e-${call}-${i}` },
          ),
        };
      });
      const organizations = new MemoryOrganizations({
        id: 'r-ab12',
        accounts: Array.from({ length: 4 }, (_, i) => active(accountId(i + 1))),
      });

      // Act: 5 accounts (with the hub) × 2 regions = 10 shards, one call.
      await coordinateSweep({ ledger: new MemoryLedger(fixedClock.now), clock: fixedClock, bus: bus(), organizations }, input());

      // Assess
      const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
      expect(calls.map((entries) => entries.length)).toStrictEqual([10, 2, 1]);
      expect(shardOf(calls[1]?.[0])).toStrictEqual(shardOf(calls[0]?.[3]));
      expect(shardOf(calls[1]?.[1])).toStrictEqual(shardOf(calls[0]?.[7]));
      expect(shardOf(calls[2]?.[0])).toStrictEqual(shardOf(calls[0]?.[7]));
    });

    it('fails with TransientAwsError naming the code when PutEvents keeps refusing a shard, so Lambda retries the coordinator', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).callsFake((request: { Entries: PutEventsRequestEntry[] }) => ({
        FailedEntryCount: 1,
        Entries: request.Entries.map((_, i) =>
          i === 0 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' } : { EventId: `e-${i}` },
        ),
      }));
      const organizations = new MemoryOrganizations({ id: 'r-ab12', accounts: [] });

      // Act: the hub alone, 2 shards.
      const outcome = await coordinateSweep(
        { ledger: new MemoryLedger(fixedClock.now), clock: fixedClock, bus: bus(), organizations },
        input(),
      ).catch((error: unknown) => error);

      // Assess: the first try and three resends of the refused entry.
      expect(outcome).toBeInstanceOf(TransientAwsError);
      expect(outcome).toMatchObject({ message: expect.stringContaining('InternalFailure: Internal failure') as unknown });
      expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toStrictEqual([2, 1, 1, 1]);
    });
  });

  describe('on a run without recorded sizes (the census)', () => {
    /** Account 7 in eu-west-1 holds 900 secrets, account 3 in us-east-1 holds 500, account 9's role refuses; the rest hold 10 or 11. */
    const counts = () =>
      new SandboxSecretCounts({
        countIn: ({ account, region }) =>
          account === accountId(7) && region === 'eu-west-1'
            ? 900
            : account === accountId(3) && region === 'us-east-1'
              ? 500
              : 10 + (Number(account) % 2),
      }).refuse(accountId(9), 'eu-west-1');
    const withCensus = (port: SandboxSecretCounts, ledger = new MemoryLedger(fixedClock.now)) => {
      const countsFor = secretCountsThroughMembers(organisationPolicy().organisation, 'dev', port);
      const window = censusWindow(FIXED_NOW);
      return {
        ledger,
        clock: fixedClock,
        bus: new RecordingBus(HUB, fixedClock),
        organizations: organisation(),
        secretCountOf: (place: ShardTarget) => countsFor({ hub: HUB, place, session: input().runId, window }),
      };
    };
    const publishedOrder = (bus: RecordingBus) =>
      bus.published.map((e) => SweepShardSchema.parse(e.detail)).map((s) => `${s.account}/${s.region}`);

    it('counts every account-region; the first counted fill the free slots, the rest go largest first, those it could not count last', async () => {
      // Prepare: a sweep function of two slots, one of them the coordinator's own.
      const port = counts();
      const ports = withCensus(port);
      const usualOrder = shardTargets(await accountsInScope(organisation(), organisationPolicy().organisation, HUB), [
        'us-east-1',
        'eu-west-1',
      ]);

      // Act
      await coordinateSweep(ports, { ...input(organisationPolicy({ sweepConcurrency: 2 })), remainingMs: 60_000 });

      // Assess: 98 account-regions asked, the hub's own with its own credentials. The first count
      // in took the free slot; the census then ended before the slot was expected free, so the
      // rest went largest first (900, then 500), and account 9's refused count last.
      expect(port.calls).toHaveLength(98);
      expect(port.calls.find((c) => c.target.account === HUB.account && c.target.region === HUB.region)?.target.roleArn).toBeUndefined();
      const order = publishedOrder(ports.bus);
      expect(order[0]).toBe(`${usualOrder[0]?.account}/${usualOrder[0]?.region}`);
      expect(order.slice(1, 3)).toStrictEqual([`${accountId(7)}/eu-west-1`, `${accountId(3)}/us-east-1`]);
      expect(order.at(-1)).toBe(`${accountId(9)}/eu-west-1`);
      expect(order).toHaveLength(98);
      expect(new Set(order).size).toBe(98);
    });

    it('does not take a census when the last run recorded sizes, and orders by them', async () => {
      // Prepare
      const port = counts();
      const ledger = new MemoryLedger(fixedClock.now);
      await recordShardSizes({ ledger, clock: fixedClock }, 'sweep-previous', [
        { ...figuresOf(accountId(11), 'us-east-1'), secrets: 4_000 },
      ]);
      const ports = withCensus(port, ledger);

      // Act
      await coordinateSweep(ports, { ...input(), remainingMs: 60_000 });

      // Assess
      expect(port.calls).toHaveLength(0);
      expect(publishedOrder(ports.bus)[0]).toBe(`${accountId(11)}/us-east-1`);
    });

    it('does not take a census without the invocation’s time left, and publishes in the usual order', async () => {
      // Prepare
      const port = counts();
      const ports = withCensus(port);

      // Act
      await coordinateSweep(ports, input());

      // Assess
      expect(port.calls).toHaveLength(0);
      expect(publishedOrder(ports.bus).slice(0, 2)).toStrictEqual([`${HUB.account}/us-east-1`, `${HUB.account}/eu-west-1`]);
    });
  });

  describe('publishing while the census counts', () => {
    const RUN = 'sweep-20261125T1200Z-5a1f3c2e';
    const place = (t: ShardTarget): string => `${t.account}/${t.region}`;
    /** Sizes with many ties and no pattern in the usual order: 0 to 96. */
    const sizeOf = (t: ShardTarget): number => (Number(t.account.slice(-3)) * 37 + (t.region === 'eu-west-1' ? 11 : 0)) % 97;
    const deferred = <T>() => {
      let resolve: (value: T) => void = () => undefined;
      const promise = new Promise<T>((r) => (resolve = r));
      return { promise, resolve };
    };

    /** A bus that keeps each PutEvents call as one batch of `account/region`, after `before` (which may hold or fail it). */
    class BatchBus implements EventBusPort {
      readonly batches: string[][] = [];
      calls = 0;
      public constructor(private readonly before: (batch: readonly string[], call: number) => Promise<void> | void = () => undefined) {}
      public async publish(events: readonly BusEvent[]): Promise<void> {
        const batch = events.map((e) => place(SweepShardSchema.parse(e.detail)));
        this.calls += 1;
        await this.before(batch, this.calls);
        this.batches.push(batch);
      }
    }

    const coordinate = (
      bus: EventBusPort,
      secretCountOf: (t: ShardTarget) => Promise<number | undefined>,
      options: {
        readonly ledger?: MemoryLedger;
        readonly organizations?: MemoryOrganizations;
        readonly remainingMs?: number;
        readonly sweepConcurrency?: number;
      } = {},
    ) =>
      coordinateSweep(
        {
          ledger: options.ledger ?? new MemoryLedger(fixedClock.now),
          clock: fixedClock,
          bus,
          organizations: options.organizations ?? organisation(),
          secretCountOf,
        },
        {
          runId: RUN,
          hub: HUB,
          now: FIXED_NOW,
          policy: organisationPolicy({ sweepConcurrency: options.sweepConcurrency ?? 50 }),
          remainingMs: options.remainingMs ?? 60_000,
        },
      );
    /** The 98 targets of `organisation()` (49 accounts × 2 regions), in the usual order. */
    const usual = async (): Promise<ShardTarget[]> =>
      shardTargets(await accountsInScope(organisation(), organisationPolicy().organisation, HUB), ['us-east-1', 'eu-west-1']);
    const sizeByPlace = async () => new Map((await usual()).map((t) => [place(t), sizeOf(t)]));
    const nonIncreasing = (sizes: readonly number[]): boolean => sizes.every((n, i) => i === 0 || (sizes[i - 1] as number) >= n);

    it('publishes while the census counts: one shard per free slot, then the largest waiting each time a slot is expected free', async () => {
      vi.useFakeTimers();
      try {
        // Prepare: three slots, one the coordinator's; every count answers at once but two, held:
        // one that will be the largest, and one that keeps the census open.
        const large = { account: accountId(20), region: 'eu-west-1' };
        const open = { account: accountId(40), region: 'us-east-1' };
        const largeCount = deferred<number | undefined>();
        const openCount = deferred<number | undefined>();
        const bus = new BatchBus();
        const sizes = await sizeByPlace();
        const countOf = (t: ShardTarget) =>
          place(t) === place(large) ? largeCount.promise : place(t) === place(open) ? openCount.promise : Promise.resolve(sizeOf(t));

        // Act 1: the counts that answer at once.
        const done = coordinate(bus, countOf, { sweepConcurrency: 3 });
        await vi.advanceTimersByTimeAsync(0);
        const atFirst = bus.batches.flat();

        // Act 2: the large count comes in; nothing moves until a slot is expected free.
        largeCount.resolve(5_000);
        await vi.advanceTimersByTimeAsync(0);
        const beforeSlotFrees = bus.batches.flat().length;
        const firstFree = Math.min(...atFirst.map((p) => expectedShardMs(sizes.get(p) as number)));
        await vi.advanceTimersByTimeAsync(firstFree);
        const afterSlotFrees = bus.batches.flat();

        // Act 3: the last count; the census ends and the rest goes out.
        openCount.resolve(1);
        await vi.advanceTimersByTimeAsync(0);
        await done;

        // Assess: the two free slots took the first two counted, one each; the large count waited
        // for a slot, then overtook the 94 counted before it; the rest went largest first, and the
        // smallest (the last count, 1) among the last.
        expect(atFirst).toHaveLength(2);
        expect(beforeSlotFrees).toBe(2);
        expect(afterSlotFrees).toStrictEqual([...atFirst, place(large)]);
        const rest = bus.batches.flat().slice(3);
        expect(rest).toHaveLength(95);
        expect(nonIncreasing(rest.map((p) => (p === place(open) ? 1 : (sizes.get(p) as number))))).toBe(true);
        expect(new Set(bus.batches.flat())).toStrictEqual(new Set((await usual()).map(place)));
      } finally {
        vi.useRealTimers();
      }
    });

    it('publishes every target once; when the census ends the counted left go largest first, then the uncounted in the usual order', async () => {
      // Prepare: one count never comes (the budget, 500 ms, ends the census), one is refused, one
      // is not published; a sweep function of two slots, one the coordinator's.
      const never = { account: accountId(30), region: 'us-east-1' };
      const refused = { account: accountId(4), region: 'eu-west-1' };
      const unpublished = { account: accountId(17), region: 'us-east-1' };
      const bus = new BatchBus();
      const sizes = await sizeByPlace();
      const countOf = (t: ShardTarget): Promise<number | undefined> =>
        place(t) === place(never)
          ? new Promise(() => undefined)
          : place(t) === place(refused)
            ? Promise.reject(new Error('AccessDenied'))
            : Promise.resolve(place(t) === place(unpublished) ? undefined : sizeOf(t));

      // Act
      const coordinated = await coordinate(bus, countOf, { remainingMs: 1_000, sweepConcurrency: 2 });

      // Assess: the first count in took the one free slot; at the end the 94 other counted went
      // largest first, then the three unknown in the usual order.
      const published = bus.batches.flat();
      expect(coordinated.shards).toBe(98);
      expect(published).toHaveLength(98);
      expect(new Set(published)).toStrictEqual(new Set((await usual()).map(place)));
      expect(bus.batches[0]).toHaveLength(1);
      expect(published.slice(95)).toStrictEqual([place(refused), place(unpublished), place(never)]);
      expect(nonIncreasing(published.slice(1, 95).map((p) => sizes.get(p) as number))).toBe(true);
    });

    it('registers every shard of a batch, with the run’s whole size, before publishing the batch', async () => {
      // Prepare
      const ledger = new MemoryLedger(fixedClock.now);
      const unregistered: string[] = [];
      const bus = new BatchBus(async (batch) => {
        for (const p of batch) {
          const [account, region] = p.split('/') as [string, string];
          const registration = await readRecord({ ledger, clock: fixedClock }, claimKey.sweepOrgShard(RUN, account, region));
          if ((JSON.parse(registration ?? '{}') as { shards?: number }).shards !== 98) unregistered.push(p);
        }
      });

      // Act
      await coordinate(bus, (t) => Promise.resolve(sizeOf(t)), { ledger });

      // Assess
      expect(bus.batches.flat()).toHaveLength(98);
      expect(unregistered).toStrictEqual([]);
    });

    it('tries every batch when some fail, then throws the first failure', async () => {
      // Prepare: the second and the last PutEvents calls fail (one shard during the census, a batch after it).
      const failed: string[] = [];
      const bus = new BatchBus((batch, call) => {
        if (call === 2 || call === 6) {
          failed.push(...batch);
          throw new Error(`PutEvents call ${call} failed`);
        }
      });

      // Act: four slots, one the coordinator's.
      const outcome = await coordinate(bus, (t) => Promise.resolve(sizeOf(t)), { sweepConcurrency: 4 }).catch((error: unknown) => error);

      // Assess: three calls of one shard during the census, then 95 shards in ten; all but the failed on the bus.
      expect(outcome).toStrictEqual(new Error('PutEvents call 2 failed'));
      expect(bus.calls).toBe(13);
      expect(failed).toHaveLength(1 + 10);
      expect(bus.batches.flat()).toHaveLength(98 - failed.length);
    });
  });
});

describe('releaseToFreeSlots', () => {
  const counted = (...secrets: number[]): Counted[] => secrets.map((n, i) => ({ account: accountId(i), region: 'eu-west-1', secrets: n }));
  const NOW = 1_000_000;

  it('releases nothing while nothing waits, and sets no wake-up', () => {
    expect(releaseToFreeSlots({ slots: [0, 0], waiting: [] }, NOW)).toStrictEqual({ release: [], pacing: { slots: [0, 0], waiting: [] } });
  });

  it('releases nothing while every slot is busy, and wakes when the first is expected free', () => {
    // Act
    const next = releaseToFreeSlots({ slots: [NOW + 700, NOW + 300], waiting: counted(5) }, NOW);

    // Assess
    expect(next.release).toStrictEqual([]);
    expect(next.wakeAt).toBe(NOW + 300);
  });

  it('gives each free slot the largest waiting, ties in the order they came, and marks the slot busy for that shard', () => {
    // Prepare: two slots free (one since before now), one busy; five waiting.
    const waiting = counted(7, 300, 7, 40, 2);

    // Act
    const next = releaseToFreeSlots({ slots: [NOW - 5, NOW + 100, NOW], waiting }, NOW);

    // Assess
    expect(next.release.map((c) => c.secrets)).toStrictEqual([300, 40]);
    expect(next.pacing.slots).toStrictEqual([NOW + expectedShardMs(300), NOW + 100, NOW + expectedShardMs(40)]);
    expect(next.pacing.waiting.map((c) => c.account)).toStrictEqual([accountId(0), accountId(2), accountId(4)]);
    expect(next.wakeAt).toBe(NOW + 100);
  });

  it('sets no wake-up once every waiting target has a slot', () => {
    const next = releaseToFreeSlots({ slots: [0, 0, 0], waiting: counted(1, 2) }, NOW);
    expect(next.release.map((c) => c.secrets)).toStrictEqual([2, 1]);
    expect(next.wakeAt).toBeUndefined();
  });
});

describe('expectedShardMs', () => {
  it('grows with the count, from a floor for the invocation itself', () => {
    expect(expectedShardMs(0)).toBeGreaterThanOrEqual(1_000);
    expect(expectedShardMs(100_000)).toBeGreaterThan(expectedShardMs(1_000));
  });
});

describe('afterCensus', () => {
  it('puts the counted still waiting first, largest first, then those never counted in the usual order, and nothing published already', () => {
    // Prepare: a..e in the usual order; a and d published during the census, b and e waiting, c never counted.
    const usual = ['a', 'b', 'c', 'd', 'e'].map((region) => ({ account: accountId(1), region }));
    const counted = new Set(['a', 'b', 'd', 'e'].map((region) => `${accountId(1)}#${region}`));
    const waiting = [
      { account: accountId(1), region: 'b', secrets: 3 },
      { account: accountId(1), region: 'e', secrets: 9 },
    ];

    // Act
    const rest = afterCensus(usual, counted, waiting);

    // Assess
    expect(rest.map((t) => t.region)).toStrictEqual(['e', 'b', 'c']);
  });
});
