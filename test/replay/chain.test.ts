/**
 * The chain as AWS would run it, on stand-in functions: an event goes through the rules of its
 * bus, each function it matches gets its own copy and a context placed where the event happened,
 * and whatever the functions publish goes through the project bus's rules in turn — until nothing
 * new is published, a loop is stopped, or a function throws (named). The real functions on the
 * real routes run in the replay tests beside this one.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type FunctionName, functionNames } from '../../shared/contracts/functions.js';
import {
  accountNamedBy,
  type ChainDependencies,
  flushDigests,
  type Handlers,
  InvocationError,
  placeNamedBy,
  runChain,
} from '../../shared/replay/chain.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../shared/replay/lambda-context.js';
import type { Route } from '../../shared/rules/routes.js';
import { RecordingBus } from '../../shared/sandbox/recording-bus.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import { loadSampleEvent } from '../helpers/events.js';
import { alertMessage } from '../helpers/messages.js';
import { fixedClock } from '../helpers/sandbox.js';

type Behaviour = (event: Record<string, unknown>, context: Context) => Promise<unknown>;

interface Call {
  readonly target: FunctionName;
  readonly event: Record<string, unknown>;
  readonly context: Context;
}

/** Routes of the shape the real ones have: the default bus to classify, findings on the project bus to an action and to alert. */
const ROUTES: readonly Route[] = [
  { name: 'inputs', bus: 'default', pattern: { 'detail-type': ['Input'] }, target: 'classify' },
  {
    name: 'findings-to-restore',
    bus: 'project',
    pattern: { 'detail-type': ['Secret Finding'], detail: { act: [true] } },
    target: 'restore-secret',
  },
  { name: 'findings-to-alert', bus: 'project', pattern: { 'detail-type': ['Secret Finding'] }, target: 'alert' },
  { name: 'results-to-alert', bus: 'project', pattern: { 'detail-type': ['Remediation Result'] }, target: 'alert' },
];

/** Stand-in functions over one bus and topic: each records its call, then does what `behaviours` says (by default nothing). */
const rig = (behaviours: Partial<Record<FunctionName, (deps: ChainDependencies) => Behaviour>> = {}) => {
  const calls: Call[] = [];
  const deps: { -readonly [K in keyof ChainDependencies]: ChainDependencies[K] } = {
    bus: new RecordingBus({ account: LOCAL_ACCOUNT, region: LOCAL_REGION }, fixedClock),
    notifier: new RecordingNotifier(),
    routes: ROUTES,
    handlers: {} as Handlers,
  };
  deps.handlers = Object.fromEntries(
    functionNames.map((target) => [
      target,
      async (event: unknown, context: Context) => {
        calls.push({ target, event: event as Record<string, unknown>, context });
        return (await behaviours[target]?.(deps)(event as Record<string, unknown>, context)) ?? `${target} done`;
      },
    ]),
  ) as unknown as Handlers;
  return { deps, calls };
};

const input = (change: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'input-1',
  'detail-type': 'Input',
  source: 'test',
  account: '210987654321',
  region: 'eu-west-1',
  time: '2026-11-25T12:00:00Z',
  resources: [],
  detail: { n: 1 },
  ...change,
});

/** classify publishes one finding (acted on or not); the action publishes its result; alert sends one message. */
const publishesFinding =
  (act: boolean) =>
  (deps: ChainDependencies): Behaviour =>
  async () => {
    await deps.bus.publish([{ detailType: 'Secret Finding', detail: { act }, resources: [] }]);
    return 'found';
  };
const publishesResult =
  (deps: ChainDependencies): Behaviour =>
  async () => {
    await deps.bus.publish([{ detailType: 'Remediation Result', detail: { outcome: 'applied' }, resources: [] }]);
    return 'restored';
  };
const sendsAlert =
  (deps: ChainDependencies): Behaviour =>
  async () => {
    await deps.notifier.publish(alertMessage);
    return 'sent';
  };

describe('Function: runChain', () => {
  it('follows an event through every rule it matches, then what each function published, until nothing new is', async () => {
    // Prepare
    const { deps } = rig({ classify: publishesFinding(true), 'restore-secret': publishesResult, alert: sendsAlert });

    // Act
    const invocations = await runChain(input(), deps);

    // Assess
    expect(invocations.map((i) => [i.bus, i.route, i.target, i.output])).toStrictEqual([
      ['default', 'inputs', 'classify', 'found'],
      ['project', 'findings-to-restore', 'restore-secret', 'restored'],
      ['project', 'findings-to-alert', 'alert', 'sent'],
      ['project', 'results-to-alert', 'alert', 'sent'],
    ]);
    expect(invocations.map((i) => i.published.map((e) => e['detail-type']))).toStrictEqual([
      ['Secret Finding'],
      ['Remediation Result'],
      [],
      [],
    ]);
    expect(invocations.map((i) => i.alerts.length)).toStrictEqual([0, 0, 1, 1]);
    expect(invocations[1]?.input).toBe(deps.bus.published[0]);
  });

  it('invokes nothing for an event no rule of its bus matches', async () => {
    // Prepare
    const { deps, calls } = rig();

    // Act
    const onDefault = await runChain(input({ 'detail-type': 'Something Else' }), deps);
    const onWrongBus = await runChain(input(), deps, 'project');

    // Assess
    expect(onDefault).toStrictEqual([]);
    expect(onWrongBus).toStrictEqual([]);
    expect(calls).toStrictEqual([]);
  });

  it('starts on the project bus when asked, as for a finding published there', async () => {
    // Prepare
    const { deps } = rig();
    const finding = input({ 'detail-type': 'Secret Finding', detail: { act: false } });

    // Act
    const invocations = await runChain(finding, deps, 'project');

    // Assess
    expect(invocations.map((i) => i.target)).toStrictEqual(['alert']);
  });

  it('runs a JSON array of events one by one, in order, as EventBridge delivers them', async () => {
    // Prepare
    const { deps, calls } = rig();

    // Act
    const invocations = await runChain([input({ id: 'a' }), input({ id: 'b', 'detail-type': 'Other' }), input({ id: 'c' })], deps);

    // Assess
    expect(invocations).toHaveLength(2);
    expect(calls.map((c) => c.event.id)).toStrictEqual(['a', 'c']);
  });

  it('places each function in the account and Region the event names, or where the dependencies say', async () => {
    // Prepare
    const named = rig();
    const hub = rig();
    hub.deps.account = '123456789012';
    hub.deps.region = 'us-east-1';

    // Act
    await runChain(input(), named.deps);
    await runChain(input(), hub.deps);

    // Assess
    expect(named.calls[0]?.context.invokedFunctionArn).toBe(
      'arn:aws:lambda:eu-west-1:210987654321:function:secrets-remediator-local-classify',
    );
    expect(hub.calls[0]?.context.invokedFunctionArn).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-local-classify',
    );
  });

  it('gives each function its own copy of the event, so nothing one does to it reaches the next or the caller', async () => {
    // Prepare
    const event = input({ 'detail-type': 'Secret Finding', detail: { act: true } });
    // Each answers with what it was given, then changes it.
    const tamper = (): Behaviour => (received) => {
      const detail = received.detail as Record<string, unknown>;
      const seen = detail.act;
      detail.act = 'tampered';
      return Promise.resolve(seen);
    };
    const { deps, calls } = rig({ 'restore-secret': tamper, alert: tamper });

    // Act
    const invocations = await runChain(event, deps, 'project');

    // Assess
    expect(invocations.map((i) => [i.target, i.output])).toStrictEqual([
      ['restore-secret', true],
      ['alert', true],
    ]);
    expect(event.detail).toStrictEqual({ act: true });
    expect(calls[0]?.event).not.toBe(event);
  });

  it('names the function that threw, and keeps what it threw as the cause', async () => {
    // Prepare
    const boom = new Error('no such secret');
    const { deps } = rig({
      classify: publishesFinding(true),
      'restore-secret': () => () => Promise.reject(boom),
    });

    // Act
    const running = runChain(input(), deps);

    // Assess
    await expect(running).rejects.toThrow(InvocationError);
    const error = await running.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvocationError', message: 'restore-secret threw', target: 'restore-secret', cause: boom });
  });

  it('stops a chain that keeps publishing, after 100 invocations, rather than spin', async () => {
    // Prepare: alert answers every finding with another.
    const { deps, calls } = rig({ classify: publishesFinding(false), alert: publishesFinding(false) });

    // Act
    const running = runChain(input(), deps);

    // Assess
    await expect(running).rejects.toThrow('replay stopped after 100 invocations: the chain loops');
    expect(calls).toHaveLength(100);
  });

  it('routes a sample event by the real rules when given none', async () => {
    // Prepare
    const { deps, calls } = rig();
    const { routes: _routes, ...withoutRoutes } = deps;

    // Act
    const invocations = await runChain(loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json'), withoutRoutes);

    // Assess
    expect(invocations.map((i) => [i.route, i.target])).toStrictEqual([['rotation-service-events', 'classify']]);
    expect(calls[0]?.context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-local-classify');
  });
});

describe('Function: flushDigests', () => {
  it('runs alert-digest once on a scheduled event at the time given, and answers with the alerts it sent', async () => {
    // Prepare
    const { deps, calls } = rig({ 'alert-digest': sendsAlert });
    await deps.notifier.publish({ ...alertMessage, subject: 'sent before' });

    // Act
    const flush = await flushDigests(deps, new Date('2026-11-25T12:07:30.250Z'));

    // Assess
    expect(flush).toMatchObject({ target: 'alert-digest', route: 'schedule', bus: 'default', output: 'sent', published: [] });
    expect(flush.alerts).toStrictEqual([alertMessage]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-25T12:07:30Z',
      detail: {},
    });
    expect(calls[0]?.event).toStrictEqual(flush.input);
    expect(calls[0]?.event).not.toBe(flush.input);
    expect(calls[0]?.context.functionName).toBe('secrets-remediator-local-alert-digest');
  });
});

describe('Functions: placeNamedBy, accountNamedBy', () => {
  it('takes the account and Region an EventBridge event names', () => {
    expect(placeNamedBy({ account: '210987654321', region: 'us-gov-west-1' })).toStrictEqual({
      account: '210987654321',
      region: 'us-gov-west-1',
    });
    expect(accountNamedBy({ account: '210987654321' })).toBe('210987654321');
  });

  it.each([
    ['no event', undefined],
    ['not an object', 'account'],
    ['no fields', {}],
    ['fields that are not strings', { account: 123456789012, region: ['us-east-1'] }],
    ['an account with a path in it', { account: '../../etc', region: 'us-east-1.evil.example' }],
    ['an account past 64 characters, a Region that is not one', { account: 'a'.repeat(65), region: 'global' }],
  ])("falls back to the sandbox's account and Region for %s", (_case, event) => {
    expect(placeNamedBy(event)).toStrictEqual({ account: LOCAL_ACCOUNT, region: LOCAL_REGION });
  });
});
