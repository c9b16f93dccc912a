/**
 * Reads that cost nothing: a synthetic stream of Secrets Manager read events, as the read-calls
 * rule (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS) sees them in a busy account, pushed
 * through the deployed pattern with the project's matcher. Counts the classify invocations it lets
 * through, and checks that classify finds on them exactly what it finds when every read reaches it.
 *
 * The mix, per million reads: ≈ 99.9 % plain successful reads by application roles (by name,
 * full ARN or partial ARN; some through a VPC endpoint; near-miss names of the protected secrets
 * among them), and the rest: refused calls (one role's burst among them), reads of secrets marked
 * for deletion, other failed reads, reads of endpoint-only secrets through, without and outside
 * their endpoint, and BatchGetSecretValue by list and by filters. Deterministic (seeded).
 */
import { parseClassifiableEvent } from '../shared/contracts/cloudtrail-event.js';
import type { Finding } from '../shared/contracts/finding.js';
import { evaluate, prepare } from '../shared/domain/classify.js';
import { countedPrincipal, deniedWindow, type DeniedTally } from '../shared/domain/denied-calls.js';
import { loadPolicy } from '../shared/policy/load-policy.js';
import type { Policy } from '../shared/policy/schema.js';
import { compilePattern } from '../shared/rules/match-pattern.js';
import { streamOf } from '../shared/sandbox/synthetic-secrets.js';
import { readCallsPatternOf } from '../shared/rules/read-calls-pattern.js';
import { routesFor } from '../shared/rules/routes.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PAYMENTS_ENDPOINT = 'vpce-0a1b2c3d4e5f67890';
const LEDGER_ENDPOINTS = ['vpce-0b1c2d3e4f5a67890', 'vpce-0c1d2e3f4a5b67890'];
const APP_ENDPOINT = 'vpce-0d1e2f3a4b5c67890';

/** The sample world's policy, with two vpcEndpoints entries (globs with a star inside and at the end; one or two endpoints). */
export const readsPolicy = (): Policy => ({
  ...loadPolicy({ file: 'events/policy.yml', stage: 'dev' }),
  vpcEndpoints: [
    { secrets: ['prod/payments/*', 'prod/*/card-vault'], endpoints: [PAYMENTS_ENDPOINT] },
    { secrets: ['prod/ledger/*'], endpoints: LEDGER_ENDPOINTS },
  ],
});

/** What an event of the stream stands for. */
export type ReadKind =
  | 'plain'
  | 'protected-through-endpoint'
  | 'protected-no-endpoint'
  | 'protected-other-endpoint'
  | 'refused'
  | 'burst'
  | 'deleted'
  | 'failed-other'
  | 'batch-protected'
  | 'batch-plain'
  | 'batch-filters';

/** Per million reads; `plain` takes the rest. The burst is one block in the middle of the stream. */
const RARE_PER_MILLION: ReadonlyArray<readonly [ReadKind, number]> = [
  ['protected-through-endpoint', 300],
  ['protected-no-endpoint', 120],
  ['protected-other-endpoint', 30],
  ['refused', 250],
  ['deleted', 80],
  ['failed-other', 100],
  ['batch-protected', 40],
  ['batch-plain', 50],
  ['batch-filters', 30],
];
const BURST_LENGTH = 15;

// Near misses of the protected names among them (a secret named `prod/eu/card-vault-<more>` would
// pass by its full ARN: EventBridge cannot say "6 random characters").
const PLAIN_SECRETS = [
  'prod/orders/db',
  'prod/catalog/api-key',
  'prod/search/opensearch',
  'staging/payments/db',
  'prod/payments-legacy/db',
  'prod/ledgers/archive',
  'prod/eu/vault',
];
const PROTECTED_SECRETS = ['prod/payments/db', 'prod/payments/stripe-key', 'prod/eu/card-vault', 'prod/ledger/main'];
const APP_ROLES = ['orders-api-task-role', 'catalog-api-task-role', 'search-indexer-role', 'payments-api-task-role', 'ledger-writer-role'];

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)] as T;

const suffix = (next: () => number): string =>
  Math.floor(next() * 2 ** 31)
    .toString(36)
    .padStart(6, 'a')
    .slice(-6);

/** How a caller names a secret: by name most often, else its full or partial ARN. */
const secretIdOf = (name: string, next: () => number): string => {
  const form = next();
  const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}`;
  return form < 0.7 ? name : form < 0.9 ? `${arn}-${suffix(next)}` : arn;
};

const identity = (role: string) => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLE${role.length}:session`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/session`,
  accountId: ACCOUNT,
  sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role } },
});

interface Call {
  readonly eventName: string;
  readonly role: string;
  readonly requestParameters: Record<string, unknown>;
  readonly vpcEndpointId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

const eventOf = (index: number, at: number, call: Call): Record<string, unknown> => {
  const time = new Date(at).toISOString();
  const id = `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
  return {
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.11',
      userIdentity: identity(call.role),
      eventTime: time,
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: call.eventName,
      awsRegion: REGION,
      sourceIPAddress: '10.0.12.34',
      userAgent: 'aws-sdk-js/3.700.0',
      requestParameters: call.requestParameters,
      responseElements: null,
      eventID: id,
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
      ...(call.vpcEndpointId ? { vpcEndpointId: call.vpcEndpointId } : {}),
      ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: call.errorMessage ?? call.errorCode } : {}),
    },
  };
};

const read = (role: string, secretId: string, extra: Partial<Call> = {}): Call => ({
  eventName: 'GetSecretValue',
  role,
  requestParameters: { secretId },
  ...extra,
});

const callOf = (kind: ReadKind, next: () => number): Call => {
  const role = pick(APP_ROLES, next);
  const protectedSecret = () => secretIdOf(pick(PROTECTED_SECRETS, next), next);
  switch (kind) {
    case 'plain':
      return read(role, secretIdOf(pick(PLAIN_SECRETS, next), next), next() < 0.3 ? { vpcEndpointId: APP_ENDPOINT } : {});
    case 'protected-through-endpoint': {
      const name = pick(PROTECTED_SECRETS, next);
      return read(role, secretIdOf(name, next), {
        vpcEndpointId: name.startsWith('prod/ledger/') ? pick(LEDGER_ENDPOINTS, next) : PAYMENTS_ENDPOINT,
      });
    }
    case 'protected-no-endpoint':
      return read(role, protectedSecret());
    case 'protected-other-endpoint':
      return read(role, protectedSecret(), { vpcEndpointId: APP_ENDPOINT });
    case 'refused':
    case 'burst': {
      const caller = kind === 'burst' ? 'ci-runner-role' : role;
      const eventName = pick(['GetSecretValue', 'GetSecretValue', 'DescribeSecret', 'BatchGetSecretValue'], next);
      const secretId = secretIdOf(pick([...PLAIN_SECRETS, ...PROTECTED_SECRETS], next), next);
      const errorCode = pick(['AccessDenied', 'AccessDeniedException'], next);
      return {
        eventName,
        role: caller,
        requestParameters: eventName === 'BatchGetSecretValue' ? { secretIdList: [secretId] } : { secretId },
        errorCode,
      };
    }
    case 'deleted':
      return read(role, secretIdOf(pick(PLAIN_SECRETS, next), next), {
        errorCode: 'InvalidRequestException',
        errorMessage: "You can't perform this operation on the secret because it was marked for deletion.",
      });
    case 'failed-other':
      return read(role, secretIdOf(pick(PLAIN_SECRETS, next), next), {
        errorCode: pick(['ResourceNotFoundException', 'ThrottlingException', 'DecryptionFailure'], next),
      });
    case 'batch-protected':
      return {
        eventName: 'BatchGetSecretValue',
        role,
        requestParameters: { secretIdList: [secretIdOf(pick(PLAIN_SECRETS, next), next), protectedSecret()] },
      };
    case 'batch-plain':
      return {
        eventName: 'BatchGetSecretValue',
        role,
        requestParameters: { secretIdList: [secretIdOf(pick(PLAIN_SECRETS, next), next), secretIdOf(pick(PLAIN_SECRETS, next), next)] },
      };
    case 'batch-filters':
      return { eventName: 'BatchGetSecretValue', role, requestParameters: { filters: [{ key: 'name', values: ['prod/payments/'] }] } };
  }
};

export interface StreamedRead {
  readonly kind: ReadKind;
  readonly event: Record<string, unknown>;
}

/**
 * `count` read events spread over one day, made one at a time (a million never sit in memory).
 * The burst (15 refused calls by one role within seconds) sits in the middle.
 */
export function* readStream(count: number, seed = 20261207): Generator<StreamedRead> {
  // A seeded generator, so every run (and the test) sees the same stream.
  const next = streamOf(seed, 0, 0);
  const start = Date.parse('2026-12-07T00:00:00Z');
  const step = 86_400_000 / count;
  const burstAt = Math.floor(count / 2);
  const thresholds: Array<readonly [ReadKind, number]> = [];
  let sum = 0;
  for (const [kind, perMillion] of RARE_PER_MILLION) thresholds.push([kind, (sum += perMillion / 1_000_000)]);
  for (let index = 0; index < count; index += 1) {
    const roll = next();
    const kind: ReadKind =
      index >= burstAt && index < burstAt + BURST_LENGTH ? 'burst' : (thresholds.find(([, upTo]) => roll < upTo)?.[0] ?? 'plain');
    yield { kind, event: eventOf(index, start + index * step, callOf(kind, next)) };
  }
}

/**
 * Classify with the refused calls counted in memory, as the ledger counts them in the classify
 * function (per principal and fixed window): access-denied-burst is judged as deployed.
 */
const classifier = (policy: Policy) => {
  const counts = new Map<string, number>();
  const findings = new Map<string, Finding>();
  const classifyOne = (raw: unknown): void => {
    const event = parseClassifiableEvent(raw);
    const prepared = prepare(event, { policy });
    if (prepared.kind === 'ignored') return;
    let tally: DeniedTally | undefined;
    if (prepared.needsDeniedCount && event.kind === 'cloudtrail') {
      const principal = countedPrincipal(prepared.actor);
      const window = deniedWindow(new Date(event.event.detail.eventTime), policy.alerts.accessDeniedBurst.windowMinutes);
      const key = `${principal} ${window.start.toISOString()}`;
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      tally = { kind: 'counted', count, principal, window, redelivered: false };
    }
    const result = evaluate(prepared, policy, undefined, tally);
    // A finding reported once (a burst) keeps one id however many calls cross the line.
    if (result.kind === 'findings') for (const finding of result.findings) if (!findings.has(finding.id)) findings.set(finding.id, finding);
  };
  return { classifyOne, findings };
};

export interface ReadsResult {
  readonly reads: number;
  readonly byKind: Readonly<Record<string, number>>;
  /** Reads the deployed read-calls pattern lets through to classify. */
  readonly invocations: number;
  readonly invocationsPerMillion: number;
  /** Finding ids when classify sees every read, and when it sees only what the pattern lets through. */
  readonly findingsEveryRead: readonly string[];
  readonly findingsTight: readonly string[];
  /** Findings seen with every read and not with the pattern: must be none. */
  readonly lost: readonly string[];
  readonly findingsByRule: Readonly<Record<string, number>>;
  readonly patternPrecision: string;
  readonly patternChars: number;
  /** Matching alone: the pattern over every read. */
  readonly matchSeconds: number;
  readonly classifyEverySeconds: number;
  readonly classifyTightSeconds: number;
}

/** Pushes `count` reads through the deployed read-calls pattern and classify, both ways. */
export const measureReads = (count: number, policy: Policy = readsPolicy()): ReadsResult => {
  const route = routesFor(policy).find((r) => r.name === 'secretsmanager-read-calls');
  if (!route) throw new Error('no secretsmanager-read-calls route');
  const matches = compilePattern(route.pattern);
  const every = classifier(policy);
  const tight = classifier(policy);
  const byKind: Record<string, number> = {};
  let invocations = 0;
  let matchMs = 0;
  let everyMs = 0;
  let tightMs = 0;
  for (const { kind, event } of readStream(count)) {
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    let started = performance.now();
    const routed = matches(event);
    matchMs += performance.now() - started;
    started = performance.now();
    every.classifyOne(event);
    everyMs += performance.now() - started;
    if (!routed) continue;
    invocations += 1;
    started = performance.now();
    tight.classifyOne(event);
    tightMs += performance.now() - started;
  }
  const findingsEveryRead = [...every.findings.keys()].sort();
  const findingsTight = [...tight.findings.keys()].sort();
  const findingsByRule: Record<string, number> = {};
  for (const finding of every.findings.values()) findingsByRule[finding.rule] = (findingsByRule[finding.rule] ?? 0) + 1;
  return {
    reads: count,
    byKind,
    invocations,
    invocationsPerMillion: (invocations / count) * 1_000_000,
    findingsEveryRead,
    findingsTight,
    lost: findingsEveryRead.filter((id) => !tight.findings.has(id)),
    findingsByRule,
    patternPrecision: readCallsPatternOf(policy).precision,
    patternChars: JSON.stringify(route.pattern).length,
    matchSeconds: matchMs / 1000,
    classifyEverySeconds: everyMs / 1000,
    classifyTightSeconds: tightMs / 1000,
  };
};
