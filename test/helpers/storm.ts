/**
 * Storms of real-shaped events, and their replay through the real chain: the sample events of
 * `events/` copied for many secrets (each copy its own event id, CloudTrail event id, secret name
 * and ARN, and — by shape — caller), the sandbox holding every secret they name, the functions
 * wired as the replay wires them, and alert-digest run once at the end as its schedule would.
 * The tests and `npm run bench -- storm` share it.
 */
import { FINDING_DETAIL_TYPE, type Finding } from '../../shared/contracts/finding.js';
import type { Policy } from '../../shared/policy/schema.js';
import { flushDigests, runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { buildReport, type ReplaySummary, summarize } from '../../shared/replay/report.js';
import { routesFor } from '../../shared/rules/routes.js';
import type { AlertMessage, SlackMessage } from '../../shared/ports/notifier.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { loadSampleEvent } from './events.js';
import { sandboxWith } from './sandbox.js';

/** The storms the bench and the tests replay: 1,000 findings of one rule, shaped three ways. */
export const STORM_SHAPES = {
  'one caller, many prefixes': 'alice (one IAM user) changes the value of 1,000 secrets under 50 team folders',
  'many callers, one prefix': '40 IAM users change the value of 1,000 secrets, all under prod/payments/',
  'rotation-failed, one rotation function': 'one rotation function fails for 1,000 secrets under prod/payments/',
} as const;

export type StormShape = keyof typeof STORM_SHAPES;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROTATION_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments-db-rotation`;

interface CloudTrailEvent {
  id: string;
  detail: {
    eventID: string;
    requestID?: string;
    userIdentity: Record<string, unknown>;
    requestParameters: Record<string, unknown> | null;
    responseElements: Record<string, unknown> | null;
    additionalEventData?: Record<string, unknown>;
    errorMessage?: string;
  };
}

/** A UUID-shaped id unique to `n` within `kind`. */
const idOf = (kind: number, n: number): string =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const arnOf = (name: string): string => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-Mn56Op`;

/** PutSecretValue by an IAM user (events/value-changed-by-hand), for `name`, by `user`. */
const valueChanged = (n: number, name: string, user: string): CloudTrailEvent => {
  const event = loadSampleEvent<CloudTrailEvent>('value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json');
  event.id = idOf(1, n);
  event.detail.eventID = idOf(2, n);
  event.detail.userIdentity = {
    ...event.detail.userIdentity,
    arn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
    userName: user,
    principalId: `AIDA${user.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
  };
  event.detail.requestParameters = { ...event.detail.requestParameters, secretId: name };
  event.detail.responseElements = { ...event.detail.responseElements, name, arn: arnOf(name) };
  return event;
};

/** RotationFailed at setSecret (events/rotation-failed), for `name`, naming the one rotation function. */
const rotationFailed = (n: number, name: string): CloudTrailEvent => {
  const event = loadSampleEvent<CloudTrailEvent>('rotation-failed/fires.RotationFailed.authored.set-secret.json');
  event.id = idOf(3, n);
  event.detail.eventID = idOf(4, n);
  event.detail.additionalEventData = { SecretId: arnOf(name) };
  event.detail.requestID = `Rotation-${arnOf(name)}-${idOf(5, n)}`;
  event.detail.errorMessage = `Error when executing lambda ${ROTATION_FUNCTION} during setSecret step`;
  return event;
};

/** A secret the sandbox holds for `name`, with the rotation function the storm names. */
const seedOf = (name: string): SecretSeed => ({
  name,
  arn: arnOf(name),
  rotationEnabled: true,
  rotationLambdaArn: ROTATION_FUNCTION,
  versions: { '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0001': ['AWSCURRENT'], '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002': ['AWSPREVIOUS'] },
});

/** `count` events of one storm, and the secrets they name. */
export const stormEvents = (
  shape: StormShape,
  count = 1000,
): { readonly events: readonly CloudTrailEvent[]; readonly seeds: readonly SecretSeed[] } => {
  const names = Array.from({ length: count }, (_, n) =>
    shape === 'one caller, many prefixes' ? `team-${n % 50}/app-${n}/db` : `prod/payments/svc-${n}`,
  );
  const events = names.map((name, n) =>
    shape === 'one caller, many prefixes'
      ? valueChanged(n, name, 'alice')
      : shape === 'many callers, one prefix'
        ? valueChanged(n, name, `user-${n % 40}`)
        : rotationFailed(n, name),
  );
  return { events, seeds: names.map(seedOf) };
};

/** What a replayed storm did: the replay's summary, what each channel was sent, the findings made. */
export interface StormReplay {
  readonly summary: ReplaySummary;
  readonly email: readonly AlertMessage[];
  readonly slack: readonly SlackMessage[];
  readonly findings: readonly Finding[];
}

/**
 * Replays `events` through the real patterns and functions against a sandbox holding `seeds`, in
 * dry run, then runs alert-digest once; every event falls in one storm window (the sandbox's
 * clock stands still).
 */
export const replayStorm = async (events: readonly unknown[], seeds: readonly SecretSeed[], policy: Policy): Promise<StormReplay> => {
  const account = sandboxWith(...seeds);
  const handlers = localHandlers({ ...account, digest: new MemoryDigest() }, { policy, mode: 'dry-run' });
  const deps = { handlers, bus: account.bus, notifier: account.notifier, routes: routesFor(policy) };
  const reports = [];
  for (const [n, event] of events.entries()) reports.push(buildReport(`storm-${n}`, await runChain(event, deps)));
  const flushed = await flushDigests(deps);
  return {
    summary: summarize(reports, flushed.alerts.length, { topic: account.notifier.sent, slack: account.chat.sent }),
    email: account.notifier.sent,
    slack: account.chat.sent,
    findings: account.bus.published.filter((e) => e['detail-type'] === FINDING_DETAIL_TYPE).map((e) => e.detail as Finding),
  };
};
