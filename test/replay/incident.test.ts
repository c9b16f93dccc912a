/**
 * Many findings about one secret at once are one incident, through the replay chain as AWS would
 * run it (the default-bus rule, classify, the project-bus rules, restore-secret, alert) against
 * the sandbox account: fifty applications reading a secret scheduled for deletion in the same
 * minute (each read its own CloudTrail event) give one restore, one alert per channel, and a
 * count of the other reads — not fifty restores, fifty alerts and a wall of "blocked" results.
 */
import { describe, expect, it } from 'vitest';
import { type ChainDependencies, type Invocation, runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { type Route, routesFor } from '../../shared/rules/routes.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const CRM = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';
const READS = 50;

interface Read {
  id: string;
  time: string;
  detail: { eventID: string; requestID: string; eventTime: string };
}

/** The sample read of a secret marked for deletion, as the `n`th of many application reads at 10:15:00–10:15:49. */
const readNumber = (n: number): Read => {
  const read = loadSampleEvent<Read>('deleted-secret-in-use/fires.GetSecretValue.authored.marked-for-deletion.json');
  const suffix = String(n).padStart(12, '0');
  const time = `2026-11-24T10:15:${String(n).padStart(2, '0')}Z`;
  return {
    ...read,
    id: `f3333ce0-56cc-5063-b8bd-${suffix}`,
    time,
    detail: {
      ...read.detail,
      eventID: `ee0d50db-cd1a-54a4-9723-${suffix}`,
      requestID: `827d086a-7ccf-53e8-93f4-${suffix}`,
      eventTime: time,
    },
  };
};

/**
 * The reads as EventBridge delivers them when they happen together: every read is classified
 * (tens of milliseconds each, in parallel) before the repair and the alert that follow the first
 * one have finished (seconds: a bus hop, DescribeSecret, LookupEvents, RestoreSecret, another
 * hop). So classify runs for all of them first, then the project bus carries what it published.
 */
const deliveredTogether = async (
  reads: readonly unknown[],
  deps: ChainDependencies & { routes: readonly Route[] },
): Promise<Invocation[]> => {
  const classified: Invocation[] = [];
  const classifyOnly = { ...deps, routes: deps.routes.filter((r) => r.bus === 'default') };
  for (const read of reads) classified.push(...(await runChain(read, classifyOnly)));
  const published = classified.flatMap((i) => i.published);
  const downstream: Invocation[] = [];
  for (const event of published) downstream.push(...(await runChain(event, deps, 'project')));
  return [...classified, ...downstream];
};

describe('Replay: many reads of a secret scheduled for deletion are one incident', () => {
  it('says in its one alert how many more reads were counted: 50 reads at once, 1 RestoreSecret, 1 message per channel, "49 more"', async () => {
    // Prepare
    const account = defaultSandbox();
    const deps = {
      handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce' }),
      bus: account.bus,
      notifier: account.notifier,
      routes: routesFor(samplePolicy),
    };

    // Act
    await deliveredTogether(
      Array.from({ length: READS }, (_, n) => readNumber(n)),
      deps,
    );

    // Assess
    expect(account.secrets.calls.filter((c) => c.operation === 'restoreSecret').map((c) => c.secretId)).toEqual([CRM]);
    expect(account.notifier.sent).toHaveLength(1);
    expect(account.chat.sent).toHaveLength(1);
    const saying = `And ${READS - 1} more reads by the same or other callers in the same 60-minute window`;
    expect(account.notifier.sent[0]?.body).toContain(saying);
    expect(JSON.stringify(account.chat.sent[0])).toContain(saying);
  });

  it('restores the secret once, alerts once per channel, counts the other reads into the one finding and reports nothing blocked', async () => {
    // Prepare
    const account = defaultSandbox();
    const deps = {
      handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce' }),
      bus: account.bus,
      notifier: account.notifier,
      routes: routesFor(samplePolicy),
    };

    // Act
    const invocations: Invocation[] = [];
    for (let n = 0; n < READS; n += 1) invocations.push(...(await runChain(readNumber(n), deps)));

    // Assess
    const outputsOf = (target: string) =>
      invocations
        .filter((i) => i.target === target)
        .map((i) => i.output as { status?: string; reasons?: string[]; result?: { outcome: string } });
    const classified = outputsOf('classify');
    expect(account.secrets.calls.filter((c) => c.operation === 'restoreSecret').map((c) => c.secretId)).toEqual([CRM]);
    expect(outputsOf('restore-secret')).toHaveLength(1);
    expect(JSON.stringify(invocations.map((i) => i.output))).not.toContain('"blocked"');
    expect(account.notifier.sent).toHaveLength(1);
    expect(account.chat.sent).toHaveLength(1);
    expect(classified.filter((o) => o.status === 'published')).toHaveLength(1);
    // Every read after the first is counted into the incident, the last one saying how many.
    expect(classified.at(-1)?.reasons).toEqual([
      expect.stringMatching(
        new RegExp(`^deleted-secret-in-use: reported already \\(deleted-secret-in-use/.+\\), and ${READS - 1} more like it$`),
      ),
    ]);
  });

  it('opens a new incident in the next hour, and names it after the secret and the window', async () => {
    // Prepare
    const account = defaultSandbox();
    const deps = {
      handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce' }),
      bus: account.bus,
      notifier: account.notifier,
      routes: routesFor(samplePolicy),
    };
    const later = readNumber(1);
    const nextHour = {
      ...later,
      id: 'f3333ce0-56cc-5063-b8bd-ffffffffffff',
      time: '2026-11-24T11:15:01Z',
      detail: { ...later.detail, eventID: 'ee0d50db-cd1a-54a4-9723-ffffffffffff', eventTime: '2026-11-24T11:15:01Z' },
    };

    // Act
    const first = await runChain(readNumber(0), deps);
    const second = await runChain(nextHour, deps);

    // Assess
    const published = [...first, ...second]
      .filter((i) => i.target === 'classify')
      .map((i) => (i.output as { findings?: string[] }).findings?.[0]);
    expect(published).toEqual([
      'deleted-secret-in-use/123456789012/us-east-1/prod/crm/api-token/2026-11-24T10:00:00.000Z',
      'deleted-secret-in-use/123456789012/us-east-1/prod/crm/api-token/2026-11-24T11:00:00.000Z',
    ]);
  });
});

interface OutsideRead {
  id: string;
  time: string;
  detail: {
    eventID: string;
    requestID: string;
    eventTime: string;
    userIdentity: { arn: string; sessionContext: { sessionIssuer: { arn: string; userName: string } } };
  };
}

/** The sample read of prod/payments/db from outside any VPC endpoint, as the `n`th, by `role` (a session of its own). */
const outsideRead = (n: number, role = 'payments-api-task-role'): OutsideRead => {
  const read = loadSampleEvent<OutsideRead>('access-outside-vpce/fires.GetSecretValue.authored.no-endpoint.json');
  const suffix = String(n).padStart(12, '0');
  const time = `2026-11-24T10:20:${String(n % 60).padStart(2, '0')}Z`;
  const identity = read.detail.userIdentity;
  return {
    ...read,
    id: `8882625f-0147-5269-aaff-${suffix}`,
    time,
    detail: {
      ...read.detail,
      eventID: `6a013a14-0591-5232-ba51-${suffix}`,
      requestID: `9e6e389d-29b3-5f7f-a67d-${suffix}`,
      eventTime: time,
      userIdentity: {
        ...identity,
        arn: `arn:aws:sts::123456789012:assumed-role/${role}/session-${n}`,
        sessionContext: {
          ...identity.sessionContext,
          sessionIssuer: { ...identity.sessionContext.sessionIssuer, arn: `arn:aws:iam::123456789012:role/${role}`, userName: role },
        },
      },
    },
  };
};

describe('Replay: many reads of a secret outside its VPC endpoints by one caller are one incident', () => {
  it('alerts once per caller, counting the rest: 30 reads by one role (many sessions) and one by another, 2 alerts, "29 more"', async () => {
    // Prepare
    const account = defaultSandbox();
    const deps = {
      handlers: localHandlers(account, { policy: samplePolicy, mode: 'enforce' }),
      bus: account.bus,
      notifier: account.notifier,
      routes: routesFor(samplePolicy),
    };
    const reads = [...Array.from({ length: 30 }, (_, n) => outsideRead(n)), outsideRead(30, 'reporting-batch-role')];

    // Act
    const invocations = await deliveredTogether(reads, deps);

    // Assess
    const published = invocations
      .filter((i) => i.target === 'classify')
      .flatMap((i) => (i.output as { findings?: string[] }).findings ?? []);
    expect(published).toEqual([
      'access-outside-vpce/123456789012/us-east-1/prod/payments/db/arn:aws:iam::123456789012:role/payments-api-task-role/2026-11-24T10:00:00.000Z',
      'access-outside-vpce/123456789012/us-east-1/prod/payments/db/arn:aws:iam::123456789012:role/reporting-batch-role/2026-11-24T10:00:00.000Z',
    ]);
    expect(account.notifier.sent.map((m) => m.subject)).toEqual([
      '[HIGH] access-outside-vpce: prod/payments/db (123456789012/us-east-1)',
      '[HIGH] access-outside-vpce: prod/payments/db (123456789012/us-east-1)',
    ]);
    expect(account.notifier.sent[0]?.body).toContain(
      'And 29 more reads by arn:aws:iam::123456789012:role/payments-api-task-role in the same 60-minute window',
    );
    expect(account.notifier.sent[1]?.body).not.toContain('more read');
  });
});
