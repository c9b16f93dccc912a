/**
 * The sweep use case in organisation mode, run through the sweep function's handler: its
 * schedule coordinates (one "Sweep Shard" per account-region in scope), each shard sweeps its member account-region through that member's
 * reads and continues itself like any run, and the last shard sends one organisation summary.
 * A shard is a claim on the bus: out of scope or unregistered, it is refused and reads nothing;
 * its clock is its coordinator's.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler, type SweepOutcome } from '../../shared/handlers/sweep.js';
import { FINDING_DETAIL_TYPE, findingSchema, SERVICE_SOURCE } from '../../shared/contracts/finding.js';
import { SWEEP_CONTINUATION_DETAIL_TYPE } from '../../shared/contracts/sweep-continuation.js';
import { SWEEP_SHARD_DETAIL_TYPE } from '../../shared/contracts/sweep-shard.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import type { Policy } from '../../shared/policy/schema.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryOrganizations } from '../../shared/sandbox/memory-organizations.js';
import type { DeliveredEvent } from '../../shared/sandbox/recording-bus.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import type { SweepReadsFor } from '../../shared/sweep/sweep-use-case.js';
import { HUB, memberAccount, organisationPolicy } from '../helpers/organisation.js';
import { FIXED_NOW, rotatedSecret, sandboxWith } from '../helpers/sandbox.js';

const MEMBER = '444455556666';
const OTHER = '777788889999';
const OUTSIDE = '999900001111';
const day = 86_400_000;

const scheduledEvent = {
  version: '0',
  id: '5a1f3c2e-0d4b-4c6a-9e8f-1b2c3d4e5f60',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: HUB.account,
  time: '2026-11-25T12:00:00Z',
  region: HUB.region,
  resources: [`arn:aws:events:${HUB.region}:${HUB.account}:rule/secrets-remediator-dev-sweep`],
  detail: {},
};

/** `count` secrets, every `unusedEvery`-th unused for a year (judged at FIXED_NOW), the rest read yesterday. */
const secrets = (prefix: string, count: number, unusedEvery: number): SecretSeed[] =>
  Array.from({ length: count }, (_, i) =>
    rotatedSecret(`${prefix}/secret-${String(i).padStart(3, '0')}`, `v-${i}`, i % unusedEvery === 0 ? 365 : 1),
  );

/** The hub (ledger, bus, topic), an organisation of the hub and two members, and each account-region's secrets. */
const world = (policy: Policy = organisationPolicy()) => {
  const hub = sandboxWith();
  const members = new Map<string, SandboxAccount>([
    [`${HUB.account}/us-east-1`, memberAccount(HUB.account, 'us-east-1', ...secrets('hub', 20, 10))],
    [`${HUB.account}/eu-west-1`, memberAccount(HUB.account, 'eu-west-1')],
    [`${MEMBER}/us-east-1`, memberAccount(MEMBER, 'us-east-1', ...secrets('payments', 150, 5))],
    [`${MEMBER}/eu-west-1`, memberAccount(MEMBER, 'eu-west-1', ...secrets('eu', 30, 3))],
    [`${OTHER}/us-east-1`, memberAccount(OTHER, 'us-east-1', ...secrets('other', 10, 100))],
    [`${OTHER}/eu-west-1`, memberAccount(OTHER, 'eu-west-1')],
  ]);
  const assumed: string[] = [];
  const readsFor: SweepReadsFor = ({ place: target, session }) => {
    expect(session).toMatch(new RegExp(`^sweep-.*-${target.account}-${target.region}$`));
    assumed.push(`${target.account}/${target.region}`);
    const member = members.get(`${target.account}/${target.region}`);
    if (!member) throw new Error(`no member ${target.account}/${target.region} in this test`);
    return Promise.resolve(member.secrets);
  };
  const organizations = new MemoryOrganizations({
    id: 'r-ab12',
    accounts: [HUB.account, MEMBER, OTHER].map((id) => ({ id, active: true })),
  });
  const handler = makeHandler({ ...hub, organisationSweep: { accounts: organizations, readsFor } }, { policy });
  const run = (event: unknown, context: Context = localContext('sweep')): Promise<SweepOutcome> => handler(event, context);
  const shardEvents = () => hub.bus.published.filter((e) => e['detail-type'] === SWEEP_SHARD_DETAIL_TYPE);
  const findings = () =>
    hub.bus.published.filter((e) => e['detail-type'] === FINDING_DETAIL_TYPE).map((e) => findingSchema().parse(e.detail));
  return { hub, members, assumed, organizations, run, shardEvents, findings };
};

const asDelivered = (event: DeliveredEvent, id: string) => ({ ...event, id });

/** A Lambda context whose time runs short once `member` has been asked for a ListSecrets page. */
const shortOfTimeAfterOnePage = (member: SandboxAccount): Context => ({
  ...localContext('sweep'),
  getRemainingTimeInMillis: () => (member.secrets.calls.filter((c) => c.operation === 'listSecrets').length < 1 ? 600_000 : 1_000),
});

/** The member's us-east-1 shard the coordinator published. */
const memberShard = (events: readonly DeliveredEvent[]): DeliveredEvent =>
  events.find((e) => JSON.stringify(e.detail).includes(`"account":"${MEMBER}","region":"us-east-1"`)) as DeliveredEvent;

const shardEvent = (detail: unknown) => ({
  ...scheduledEvent,
  id: 'f0r6ed00-0000-4000-8000-000000000001',
  source: SERVICE_SOURCE,
  'detail-type': SWEEP_SHARD_DETAIL_TYPE,
  resources: [],
  detail,
});

describe('Function: sweep, organisation mode', () => {
  it('coordinates on its schedule: one Sweep Shard per account and region, nothing read by the coordinator', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await w.run(scheduledEvent);

    // Assess
    expect(outcome).toMatchObject({ status: 'coordinated', shards: 6 });
    expect(w.shardEvents().map((e) => e.detail)).toEqual(
      expect.arrayContaining(
        [HUB.account, MEMBER, OTHER].flatMap((account) =>
          ['us-east-1', 'eu-west-1'].map((region) => expect.objectContaining({ account, region }) as unknown),
        ),
      ),
    );
    expect(w.assumed).toStrictEqual([]);
    expect(w.hub.notifier.sent).toStrictEqual([]);
  });

  it('sweeps each shard in its own account-region, and the last shard sends one organisation summary with the per-account figures', async () => {
    // Prepare
    const w = world();
    await w.run(scheduledEvent);

    // Act
    const outcomes = [];
    for (const [n, event] of w.shardEvents().entries()) outcomes.push(await w.run(asDelivered(event, `shard-${n}`)));

    // Assess: every shard complete, each read in its own account-region.
    expect(outcomes.every((o) => o.status === 'complete')).toBe(true);
    expect(new Set(w.assumed).size).toBe(6);
    const findings = w.findings();
    // 2 of the hub's 20, 30 of the member's 150, 10 of its 30 in eu-west-1, 1 of the other's 10.
    expect(findings).toHaveLength(43);
    expect(findings.filter((f) => f.secret.account === MEMBER && f.secret.region === 'eu-west-1')).toHaveLength(10);
    expect(findings.filter((f) => f.secret.account === OTHER)).toHaveLength(1);
    // One message for the whole organisation, not one per shard.
    expect(w.hub.notifier.sent).toHaveLength(1);
    const summary = w.hub.notifier.sent[0];
    expect(summary?.subject).toBe('[LOW] sweep: 43 findings, 3 accounts (123456789012/organisation)');
    expect(summary?.body).toContain('3 accounts x 2 regions = 6 shards');
    expect(summary?.body).toContain(`${MEMBER}: 40 (low 40) in 180 secrets; us-east-1 30, eu-west-1 10`);
    expect(summary?.body).toContain(`${HUB.account}: 2 (low 2) in 20 secrets; us-east-1 2`);
    expect(summary?.body.indexOf(MEMBER)).toBeLessThan(summary?.body.indexOf(`${HUB.account}: 2`) ?? 0);
  });

  it("publishes the next run's shards largest first, by the secrets this run read, then the others in their usual order", async () => {
    // Prepare: a whole run.
    const w = world();
    await w.run(scheduledEvent);
    for (const [n, event] of w.shardEvents().entries()) await w.run(asDelivered(event, `shard-${n}`));
    const published = w.shardEvents().length;

    // Act: the next day's schedule.
    await w.run({ ...scheduledEvent, id: '5a1f3c2e-0d4b-4c6a-9e8f-1b2c3d4e5f61', time: '2026-11-26T12:00:00Z' });

    // Assess: 150, 30, 20 and 10 secrets, then the empty ones as the coordinator lists them.
    const next = w
      .shardEvents()
      .slice(published)
      .map((e) => {
        const { account, region } = e.detail as { account: string; region: string };
        return `${account}/${region}`;
      });
    expect(next).toStrictEqual([
      `${MEMBER}/us-east-1`,
      `${MEMBER}/eu-west-1`,
      `${HUB.account}/us-east-1`,
      `${OTHER}/us-east-1`,
      `${HUB.account}/eu-west-1`,
      `${OTHER}/eu-west-1`,
    ]);
  });

  it('sends the organisation summary once, though the last shard is delivered twice', async () => {
    // Prepare
    const w = world();
    await w.run(scheduledEvent);
    const events = w.shardEvents();
    for (const [n, event] of events.entries()) await w.run(asDelivered(event, `shard-${n}`));

    // Act
    const again = await w.run(asDelivered(events.at(-1) as DeliveredEvent, 'shard-again'));

    // Assess
    expect(again).toMatchObject({ status: 'duplicate' });
    expect(w.hub.notifier.sent).toHaveLength(1);
  });

  it('refuses a shard for an account outside the scope, and reads nothing', async () => {
    // Prepare: the scope is the listed member; the forged shard names another account.
    const w = world(organisationPolicy({ members: { accounts: [MEMBER] } }));
    await w.run(scheduledEvent);
    const runId = (w.shardEvents()[0]?.detail as { runId: string }).runId;

    // Act
    const outcome = await w.run(shardEvent({ runId, account: OUTSIDE, region: 'us-east-1' }));

    // Assess
    expect(outcome).toMatchObject({
      status: 'rejected',
      problems: [expect.stringContaining(`account ${OUTSIDE}, which is not a member account listed in organisation.members.accounts`)],
    });
    expect(w.assumed).toStrictEqual([]);
  });

  it('refuses a shard the coordinator never registered (no such run), though the policy would admit the account', async () => {
    // Prepare
    const w = world();

    // Act
    const outcome = await w.run(shardEvent({ runId: 'sweep-20261125T1200Z-forged00', account: MEMBER, region: 'us-east-1' }));

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected', problems: [expect.stringContaining('did not register it')] });
    expect(w.assumed).toStrictEqual([]);
    expect(w.findings()).toStrictEqual([]);
  });

  it('refuses a shard for an account under no listed OU: the coordinator did not register it', async () => {
    // Prepare: scope by OU; the organisation has no such OU member for OUTSIDE.
    const w = world(organisationPolicy({ members: { organizationalUnits: ['r-ab12'] } }));
    await w.run(scheduledEvent);
    const runId = (w.shardEvents()[0]?.detail as { runId: string }).runId;

    // Act
    const outcome = await w.run(shardEvent({ runId, account: OUTSIDE, region: 'eu-west-1' }));

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected', problems: [expect.stringContaining('did not register it')] });
    expect(w.assumed).toStrictEqual([]);
  });

  it("judges a shard by its coordinator's clock, not by when it runs", async () => {
    // Prepare: the coordinator runs at FIXED_NOW; the shard runs a year later.
    const w = world();
    await w.run(scheduledEvent);
    const member = w
      .shardEvents()
      .find(
        (e) =>
          (e.detail as { account: string; region: string }).account === MEMBER && (e.detail as { region: string }).region === 'us-east-1',
      );
    const later = new Date(FIXED_NOW.getTime() + 365 * day);
    const handler = makeHandler(
      {
        ...w.hub,
        clock: { now: () => later },
        organisationSweep: {
          accounts: w.organizations,
          readsFor: () => Promise.resolve(w.members.get(`${MEMBER}/us-east-1`)?.secrets ?? w.hub.secrets),
        },
      },
      { policy: organisationPolicy() },
    );

    // Act
    const outcome = await handler(asDelivered(member as DeliveredEvent, 'late-shard'), localContext('sweep'));

    // Assess: a year later all 150 would be unused; by the run's clock, 30 are.
    expect(outcome).toMatchObject({ status: 'complete', counts: { secrets: 150, findings: 30 } });
  });

  it('continues a shard short of time with its account and region, and its continuation finishes the shard in that account-region', async () => {
    // Prepare
    const w = world();
    await w.run(scheduledEvent);
    const event = memberShard(w.shardEvents());
    const shortOfTime = shortOfTimeAfterOnePage(w.members.get(`${MEMBER}/us-east-1`) as SandboxAccount);

    // Act
    const first = await w.run(asDelivered(event, 'shard-member'), shortOfTime);
    const continuation = w.hub.bus.published.find((e) => e['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE) as DeliveredEvent;
    const second = await w.run(asDelivered(continuation, 'continuation-member'));

    // Assess
    expect(first).toMatchObject({ status: 'continued', invocation: 2 });
    expect(continuation.detail).toMatchObject({ shard: { account: MEMBER, region: 'us-east-1' } });
    expect(second).toMatchObject({ status: 'complete', counts: { secrets: 150, findings: 30 } });
    expect(w.assumed).toStrictEqual([`${MEMBER}/us-east-1`, `${MEMBER}/us-east-1`]);
  });

  it('refuses a continuation whose shard is not the one its run read', async () => {
    // Prepare
    const w = world();
    await w.run(scheduledEvent);
    const event = memberShard(w.shardEvents());
    const shortOfTime = shortOfTimeAfterOnePage(w.members.get(`${MEMBER}/us-east-1`) as SandboxAccount);
    await w.run(asDelivered(event, 'shard-member'), shortOfTime);
    const continuation = w.hub.bus.published.find((e) => e['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE) as DeliveredEvent;
    const detail = structuredClone(continuation.detail) as { shard: { account: string } };
    detail.shard.account = OTHER;

    // Act
    const outcome = await w.run({ ...asDelivered(continuation, 'forged-continuation'), detail });

    // Assess
    expect(outcome).toMatchObject({
      status: 'rejected',
      problems: [expect.stringContaining(`is not the run of shard ${OTHER}/us-east-1`)],
    });
  });

  it('finishes a shard whose read role cannot be assumed with its reason, and the summary names it', async () => {
    // Prepare
    const w = world();
    const handler = makeHandler(
      {
        ...w.hub,
        organisationSweep: {
          accounts: w.organizations,
          readsFor: ({ place: target }) =>
            target.account === OTHER && target.region === 'eu-west-1'
              ? Promise.reject(
                  new PermissionDeniedError(
                    `cannot assume arn:aws:iam::${OTHER}:role/secrets-remediator-member-dev-read-euw1: deploy the member stack`,
                  ),
                )
              : Promise.resolve(w.members.get(`${target.account}/${target.region}`)?.secrets ?? w.hub.secrets),
        },
      },
      { policy: organisationPolicy() },
    );
    await handler(scheduledEvent, localContext('sweep'));

    // Act
    const outcomes: SweepOutcome[] = [];
    for (const [n, event] of w.shardEvents().entries())
      outcomes.push(await handler(asDelivered(event, `shard-${n}`), localContext('sweep')));

    // Assess
    expect(outcomes.every((o) => o.status === 'complete')).toBe(true);
    expect(w.hub.notifier.sent).toHaveLength(1);
    expect(w.hub.notifier.sent[0]?.subject).toBe('[LOW] sweep: 43 findings, 3 accounts, 1 unread (123456789012/organisation)');
    expect(w.hub.notifier.sent[0]?.body).toContain(
      `${OTHER}/eu-west-1: cannot assume arn:aws:iam::${OTHER}:role/secrets-remediator-member-dev-read-euw1: deploy the member stack`,
    );
  });

  it('refuses a Sweep Shard when organisation mode is off, and reads nothing', async () => {
    // Prepare
    const hub = sandboxWith(...secrets('hub', 5, 1));

    // Act
    const outcome = await makeHandler(hub, { policy: organisationPolicy({ enabled: false }) })(
      shardEvent({ runId: 'sweep-20261125T1200Z-5a1f3c2e', account: MEMBER, region: 'us-east-1' }),
      localContext('sweep'),
    );

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected', problems: [expect.stringContaining('organisation mode is off')] });
    expect(hub.secrets.calls).toStrictEqual([]);
  });
});
