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
  nextCountedBatch,
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

    it('counts every account-region and publishes each batch of counted ones largest first; those it could not count go last', async () => {
      // Prepare
      const port = counts();
      const ports = withCensus(port);

      // Act
      await coordinateSweep(ports, { ...input(), remainingMs: 60_000 });

      // Assess: 98 account-regions asked, the hub's own with its own credentials. The counts come
      // in the usual order, ten to a batch: 3/us-east-1 is among the first ten counted (the hub
      // and accounts 1–4), 7/eu-west-1 among the next ten; each heads its batch.
      expect(port.calls).toHaveLength(98);
      expect(port.calls.find((c) => c.target.account === HUB.account && c.target.region === HUB.region)?.target.roleArn).toBeUndefined();
      const order = publishedOrder(ports.bus);
      expect(order[0]).toBe(`${accountId(3)}/us-east-1`);
      expect(order[10]).toBe(`${accountId(7)}/eu-west-1`);
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
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
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
      options: { readonly ledger?: MemoryLedger; readonly organizations?: MemoryOrganizations; readonly remainingMs?: number } = {},
    ) =>
      coordinateSweep(
        {
          ledger: options.ledger ?? new MemoryLedger(fixedClock.now),
          clock: fixedClock,
          bus,
          organizations: options.organizations ?? organisation(),
          secretCountOf,
        },
        { runId: RUN, hub: HUB, now: FIXED_NOW, policy: organisationPolicy(), remainingMs: options.remainingMs ?? 60_000 },
      );
    /** The 98 targets of `organisation()` (49 accounts × 2 regions), in the usual order. */
    const usual = async (): Promise<ShardTarget[]> =>
      shardTargets(await accountsInScope(organisation(), organisationPolicy().organisation, HUB), ['us-east-1', 'eu-west-1']);
    const sizeByPlace = async () => new Map((await usual()).map((t) => [place(t), sizeOf(t)]));
    const nonIncreasing = (sizes: readonly number[]): boolean => sizes.every((n, i) => i === 0 || (sizes[i - 1] as number) >= n);

    it('publishes full batches of counted shards, largest first, before the last count is in', async () => {
      // Prepare: every count answers at once but one, held.
      const held = { account: accountId(20), region: 'eu-west-1' };
      const last = deferred<number | undefined>();
      const bus = new BatchBus();
      const sizes = await sizeByPlace();

      // Act
      const done = coordinate(bus, (t) => (place(t) === place(held) ? last.promise : Promise.resolve(sizeOf(t))));
      await vi.waitFor(() => expect(bus.batches.flat()).toHaveLength(90));
      await sleep(20);
      const beforeLast = bus.batches.map((b) => [...b]);
      last.resolve(5_000);
      await done;

      // Assess: 97 counted, so nine batches of ten went out during the census, none with the held
      // one; the seven left and the held one (now the largest) go out when the census ends.
      expect(beforeLast).toHaveLength(9);
      expect(beforeLast.every((b) => b.length === 10 && !b.includes(place(held)))).toBe(true);
      expect(beforeLast.every((b) => nonIncreasing(b.map((p) => sizes.get(p) as number)))).toBe(true);
      expect(bus.batches).toHaveLength(10);
      expect(bus.batches[9]?.[0]).toBe(place(held));
      expect(bus.batches[9]).toHaveLength(8);
    });

    it('holds the counted shards while ten batches are in flight, then publishes the largest of those waiting first', async () => {
      // Prepare: 100 accounts × 2 regions; the first ten PutEvents calls wait for a gate; one count is held so the census goes on.
      const organizations = new MemoryOrganizations({
        id: 'r-ab12',
        accounts: [...Array.from({ length: 99 }, (_, i) => active(accountId(i + 1))), active(HUB.account)],
      });
      const gate = deferred<undefined>();
      const bus = new BatchBus((_, call) => (call <= 10 ? gate.promise : undefined));
      const held = { account: accountId(1), region: 'us-east-1' };
      const last = deferred<number | undefined>();
      const sizeByKey = new Map<string, number>();
      const countOf = (t: ShardTarget) => {
        sizeByKey.set(place(t), sizeOf(t));
        return place(t) === place(held) ? last.promise : Promise.resolve(sizeOf(t));
      };

      // Act
      const done = coordinate(bus, countOf, { organizations });
      await vi.waitFor(() => expect(sizeByKey.size).toBe(200));
      await sleep(20);
      const callsWhileHeld = bus.calls;
      gate.resolve(undefined);
      await vi.waitFor(() => expect(bus.batches).toHaveLength(19));
      last.resolve(0);
      await done;

      // Assess: ten calls while the gate was shut, then the 99 counted shards waiting went out
      // largest first across the batches (not in the order they were counted).
      expect(callsWhileHeld).toBe(10);
      const gated = new Set(bus.batches.slice(0, 10).flat());
      const waited = bus.batches.slice(10, 19).flat();
      expect(waited.some((p) => gated.has(p))).toBe(false);
      const waitedSizes = waited.map((p) => sizeByKey.get(p) as number);
      expect(nonIncreasing(waitedSizes)).toBe(true);
      const notGated = [...sizeByKey].filter(([p]) => !gated.has(p) && p !== place(held)).map(([, n]) => n);
      expect(waitedSizes[0]).toBe(Math.max(...notGated));
      expect(bus.batches.flat()).toHaveLength(200);
      expect(new Set(bus.batches.flat()).size).toBe(200);
    });

    it('publishes every target once; when the census ends the counted left go largest first, then the uncounted in the usual order', async () => {
      // Prepare: one count never comes (the budget, 500 ms, ends the census), one is refused, one is not published.
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
      const coordinated = await coordinate(bus, countOf, { remainingMs: 1_000 });

      // Assess: 95 counted: nine batches during the census, then the five left and the three unknown.
      const published = bus.batches.flat();
      expect(coordinated.shards).toBe(98);
      expect(published).toHaveLength(98);
      expect(new Set(published)).toStrictEqual(new Set((await usual()).map(place)));
      expect(bus.batches.map((b) => b.length)).toStrictEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 8]);
      expect(bus.batches[9]?.slice(5)).toStrictEqual([place(refused), place(unpublished), place(never)]);
      const countedBatches = bus.batches.map((b, i) => (i === 9 ? b.slice(0, 5) : b));
      expect(countedBatches.every((b) => nonIncreasing(b.map((p) => sizes.get(p) as number)))).toBe(true);
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
      // Prepare: the second and fifth PutEvents calls fail.
      const bus = new BatchBus((_, call) => {
        if (call === 2 || call === 5) throw new Error(`PutEvents call ${call} failed`);
      });

      // Act
      const outcome = await coordinate(bus, (t) => Promise.resolve(sizeOf(t))).catch((error: unknown) => error);

      // Assess: ten calls (nine during the census, one after), the eight that went through on the bus.
      expect(outcome).toStrictEqual(new Error('PutEvents call 2 failed'));
      expect(bus.calls).toBe(10);
      expect(bus.batches.flat()).toHaveLength(98 - 20);
    });
  });
});

describe('nextCountedBatch', () => {
  const counted = (...secrets: number[]): Counted[] => secrets.map((n, i) => ({ account: accountId(i), region: 'eu-west-1', secrets: n }));

  it('waits for a full batch', () => {
    expect(nextCountedBatch(counted(5, 4, 3, 2, 1, 9, 8, 7, 6))).toBeUndefined();
  });

  it('takes the ten largest waiting, largest first, ties in the order they came, and leaves the rest waiting', () => {
    // Prepare
    const waiting = counted(1, 50, 3, 7, 7, 20, 0, 9, 11, 2, 40, 7, 8);

    // Act
    const next = nextCountedBatch(waiting);

    // Assess
    expect(next?.batch.map((c) => c.secrets)).toStrictEqual([50, 40, 20, 11, 9, 8, 7, 7, 7, 3]);
    expect(next?.batch.filter((c) => c.secrets === 7).map((c) => c.account)).toStrictEqual([accountId(3), accountId(4), accountId(11)]);
    expect(next?.rest.map((c) => c.secrets).sort((a, b) => a - b)).toStrictEqual([0, 1, 2]);
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
