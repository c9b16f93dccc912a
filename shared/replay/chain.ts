/**
 * Runs one event (or a sequence of them) through the rules and functions as AWS would chain
 * them: the default bus's rules first, then every event the functions put on the project bus,
 * through that bus's rules, until nothing new is published. Same pattern files, same handlers,
 * whatever the ports.
 */
import type { Context } from 'aws-lambda';
import type { AlertMessage } from '../ports/notifier.js';
import { matchesPattern } from '../rules/match-pattern.js';
import type { FunctionName } from '../contracts/functions.js';
import { type BusName, type Route, routes as allRoutes } from '../rules/routes.js';
import type { DeliveredEvent, RecordingBus } from '../sandbox/recording-bus.js';
import type { RecordingNotifier } from '../sandbox/recording-notifier.js';
import { cloneEvent } from './clone-event.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, localContext } from './lambda-context.js';

export type Invoke = (event: unknown, context: Context) => Promise<unknown>;
export type Handlers = Readonly<Record<FunctionName, Invoke>>;

export interface Invocation {
  readonly target: FunctionName;
  readonly route: string;
  readonly bus: BusName;
  readonly input: unknown;
  readonly output: unknown;
  /** What this invocation put on the project bus and sent to the topic. */
  readonly published: readonly DeliveredEvent[];
  readonly alerts: readonly AlertMessage[];
}

export interface ChainDependencies {
  readonly handlers: Handlers;
  readonly bus: RecordingBus;
  readonly notifier: RecordingNotifier;
  readonly routes?: readonly Route[];
  /**
   * The account the functions run in. Default: the account the replayed event names, as if the
   * service were deployed where the event happened (a team replays its own history; the
   * published samples come from many accounts). Set it to see what a deployment elsewhere does
   * with an event from another account: nothing.
   */
  readonly account?: string;
  /**
   * The region the functions run in. Default: the region the replayed event names, for the same
   * reason. In organisation mode the replay runs as the hub: the sandbox's account and region.
   */
  readonly region?: string;
}

/**
 * A function threw while handling an event, instead of answering. Names the function, so a
 * replay can say where one bad file broke, and keeps the error as its `cause`.
 */
export class InvocationError extends Error {
  public constructor(
    public readonly target: FunctionName,
    options: { cause: unknown },
  ) {
    super(`${target} threw`, options);
    this.name = 'InvocationError';
  }
}

/** A chain that keeps publishing is a bug (a loop); stop it rather than spin. */
const MAX_INVOCATIONS = 100;

/**
 * What EventBridge's schedule does for alert-digest, once: at the end of a replay, so the
 * digests of the storms it caused are sent and shown (the replay's alert-digest runs with its
 * clock past every open window: see `localHandlers`). Answers its invocation, alerts included.
 */
export const flushDigests = async (deps: Pick<ChainDependencies, 'handlers' | 'notifier'>, time = new Date()): Promise<Invocation> => {
  const input = {
    version: '0',
    id: `replay-${time.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
  const sentBefore = deps.notifier.sent.length;
  const output = await deps.handlers['alert-digest'](structuredClone(input), localContext('alert-digest'));
  return {
    target: 'alert-digest',
    route: 'schedule',
    bus: 'default',
    input,
    output,
    published: [],
    alerts: deps.notifier.sent.slice(sentBefore),
  };
};

/** One function on one event, as Lambda would: a copy of the event, so nothing it does leaks back. */
const invoke = async (handlers: Handlers, target: FunctionName, event: unknown, place: Place): Promise<unknown> => {
  try {
    return await handlers[target](cloneEvent(event), localContext(target, place.account, place.region));
  } catch (error) {
    throw new InvocationError(target, { cause: error });
  }
};

/** An account and region a local function runs in. */
export interface Place {
  readonly account: string;
  readonly region: string;
}

const fieldOf = (event: unknown, key: 'account' | 'region'): unknown =>
  typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[key] : undefined;

/** The account an EventBridge event names, else the sandbox's. */
export const accountNamedBy = (event: unknown): string => {
  const named = fieldOf(event, 'account');
  return typeof named === 'string' && /^[\w-]{1,64}$/.test(named) ? named : LOCAL_ACCOUNT;
};

/** The account and region an EventBridge event names, else the sandbox's. */
export const placeNamedBy = (event: unknown): Place => {
  const region = fieldOf(event, 'region');
  return {
    account: accountNamedBy(event),
    region: typeof region === 'string' && /^[a-z]{2,}(-[a-z]+)+-\d+$/.test(region) ? region : LOCAL_REGION,
  };
};

/**
 * `event` through the rules of `bus` (the default bus: where AWS puts CloudTrail and Config
 * events; the project bus: to see what the functions do with an event published there, such as
 * a forged finding), then everything the functions publish, until nothing new is.
 */
export const runChain = async (event: unknown, deps: ChainDependencies, bus: BusName = 'default'): Promise<Invocation[]> => {
  // A sample may be a JSON array of events: calls that only mean something together (a burst of
  // refused calls). EventBridge delivers them one by one, so they run one by one, in order.
  if (Array.isArray(event)) {
    const all: Invocation[] = [];
    for (const each of event) all.push(...(await runChain(each, deps, bus)));
    return all;
  }
  const routes = deps.routes ?? allRoutes;
  const named = placeNamedBy(event);
  const place = { account: deps.account ?? named.account, region: deps.region ?? named.region };
  const invocations: Invocation[] = [];
  const queue: { bus: BusName; event: unknown }[] = [{ bus, event }];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const route of routes.filter((r) => r.bus === next?.bus && matchesPattern(r.pattern, next.event))) {
      if (invocations.length >= MAX_INVOCATIONS) throw new Error(`replay stopped after ${MAX_INVOCATIONS} invocations: the chain loops`);
      const publishedBefore = deps.bus.published.length;
      const sentBefore = deps.notifier.sent.length;
      const output = await invoke(deps.handlers, route.target, next.event, place);
      const published = deps.bus.published.slice(publishedBefore);
      invocations.push({
        target: route.target,
        route: route.name,
        bus: route.bus,
        input: next.event,
        output,
        published,
        alerts: deps.notifier.sent.slice(sentBefore),
      });
      queue.push(...published.map((e) => ({ bus: 'project' as const, event: e })));
    }
  }
  return invocations;
};
