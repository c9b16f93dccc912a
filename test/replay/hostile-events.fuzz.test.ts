/**
 * Fuzz: any JSON the buses can deliver is survivable. Generated inputs — every sample under
 * `events/` and `test/fixtures/published` mutated at any node (a value replaced by hostile text,
 * a 1 MB string, a 10,000-deep nesting, a lone surrogate, a `__proto__` key, or removed), and
 * random JSON with and without an EventBridge envelope — go through the real classify handler,
 * then every finding it published (and, for findings that wait for an action, a dry-run result)
 * through the real alert handler; a share go through the whole replay chain against the sandbox
 * account. Properties: no handler throws; an input refused is answered `rejected` with problems
 * that each name the field (`path: problem`), and nothing was written (no Secrets Manager or
 * ledger call, nothing published); every alert sent is well formed (no lone surrogate) and its
 * subject fits SNS.
 *
 * Sizes, chosen for CI on two cores: 10,000 runs through classify and alert (about half are
 * refused, about one in six raises a finding and renders its alert on SNS, Chatbot and Slack:
 * ~14 s of CPU here), 300 through the whole chain (~2 s). The 1 MB string, the deep nesting and
 * the sandbox seed are built once and shared. The timeouts below are ceilings for a loaded
 * machine, not speed goals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeHandler as makeClassify } from '../../shared/handlers/classify.js';
import { isBareCloudTrailRecord } from '../../shared/contracts/cloudtrail-event.js';
import { type Finding, FINDING_DETAIL_TYPE, resultBusEvent, SERVICE_SOURCE } from '../../shared/contracts/finding.js';
import type { LedgerPort } from '../../shared/ports/ledger.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { wrapCloudTrailRecord } from '../../shared/replay/load-events.js';
import { dryRunResult } from '../alerts/findings.js';
import { alertRig, alertSettings, SLACK_SECRET_ARN } from '../helpers/alerts.js';
import { eventsDir, publishedFixturesDir } from '../helpers/events.js';
import { classifyContext } from '../helpers/policy.js';
import { replayEvent } from '../helpers/replay.js';
import { fixedClock } from '../helpers/sandbox.js';
import { loadAccountSeed, sandboxAccount } from '../../shared/sandbox/sandbox-account.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

const samples: readonly Json[] = [eventsDir, publishedFixturesDir]
  .flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(dir, f)),
  )
  .flatMap((file) => {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Json;
    return Array.isArray(raw) ? raw : [raw];
  })
  .map((raw) => (isBareCloudTrailRecord(raw) ? (wrapCloudTrailRecord(raw) as Json) : raw));

/** Every node of a sample: where a mutation may land. */
const nodePaths = (value: Json, at: Path = []): Path[] => [
  at,
  ...(Array.isArray(value)
    ? value.flatMap((item, i) => nodePaths(item, [...at, i]))
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, item]) => nodePaths(item, [...at, key]))
      : []),
];
const pathsBySample = samples.map((sample) => nodePaths(sample).filter((p) => p.length > 0));

const MEGABYTE = `${'A1b2C3d4'.repeat(65_536)} password=Tr0ub4dor&3 ${'x'.repeat(524_288)}`;
const DEEP = (() => {
  let node: Json = 'bottom';
  for (let i = 0; i < 10_000; i++) node = { a: node };
  // fast-check prints a counterexample by recursing: give it a name instead.
  Object.defineProperty(node, fc.toStringMethod, { value: () => '<10,000-deep nesting>' });
  return node;
})();
const WITH_PROTO = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as Json;

/** The default sandbox account's seed, read once: each run gets a fresh account from it. */
const SEED = loadAccountSeed();
const freshAccount = () => sandboxAccount(SEED, fixedClock);

const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(
    '\uD800',
    'prod/\uDC00db',
    `a${'\uD83D'}`,
    `prod/${'a'.repeat(32_770)}`,
    '{\\"username\\":\\"admin\\",\\"password\\":\\"Tr0ub4dor&3-xyz!\\"}',
    'redis://:r3d1sP4ssw0rd@cache.internal:6379/0',
    'postgres://app:p@ssw0rd!@db.internal/prod',
    '__proto__',
    '',
    ' ',
    '[REDACTED value]',
    '%E0%A4%A',
    '$'.repeat(5_000),
  ),
);

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom<Json>(MEGABYTE, DEEP, WITH_PROTO, null, [], {}, 0, -1, 1e308, true) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

/** `event` with the node at `path` replaced (or removed when `value` is undefined). */
const mutated = (event: Json, path: Path, value: Json | undefined, addKey?: string): Json => {
  const copy = structuredClone(event);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (addKey !== undefined && node[last] && typeof node[last] === 'object' && !Array.isArray(node[last])) {
    // defineProperty, so a `__proto__` key is an own key as JSON.parse makes it, not a prototype.
    Object.defineProperty(node[last], addKey, { value: value ?? null, enumerable: true, writable: true, configurable: true });
  } else if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
};

const mutation: fc.Arbitrary<Json> = fc.nat({ max: samples.length - 1 }).chain((index) =>
  fc
    .record({
      path: fc.constantFrom(...(pathsBySample[index] ?? [])),
      value: hostileValue,
      op: fc.constantFrom('replace', 'replace', 'replace', 'remove', 'add-key'),
      key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'secretId', 'SecretId', 'annotation'), hostileText),
    })
    .map(({ path, value, op, key }) =>
      mutated(samples[index] ?? null, path, op === 'remove' ? undefined : value, op === 'add-key' ? key : undefined),
    ),
);

/** Random JSON, bare or in an envelope that a route could match. */
const randomEvent: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
  fc.record({
    version: fc.constant('0'),
    id: hostileText,
    'detail-type': fc.constantFrom(
      'AWS API Call via CloudTrail',
      'AWS Service Event via CloudTrail',
      'Config Rules Compliance Change',
      FINDING_DETAIL_TYPE,
    ),
    source: fc.constantFrom('aws.secretsmanager', 'aws.config', SERVICE_SOURCE),
    account: fc.oneof(fc.constant('123456789012'), hostileText),
    time: fc.oneof(fc.constant('2026-11-24T10:20:20Z'), hostileText),
    region: fc.oneof(fc.constant('us-east-1'), hostileText),
    resources: fc.array(hostileText, { maxLength: 3 }),
    detail: fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
  }) as fc.Arbitrary<Json>,
);

const hostileEvent: fc.Arbitrary<Json> = fc.oneof({ weight: 4, arbitrary: mutation }, { weight: 1, arbitrary: randomEvent });

const ANSWERS = new Set(['published', 'no-finding', 'ignored', 'rejected', 'sent', 'held', 'duplicate']);
/**
 * A refusal names the field: `detail.userIdentity: …`, `event: …` for the input as a whole, or —
 * for an event that names no secret — the fields it looked in.
 */
const NAMES_A_FIELD = /^[^\s:]+: \S|\(looked in detail\.[\w.]+/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A ledger that counts every call made to it. */
const countingLedger = (ledger: LedgerPort): { ledger: LedgerPort; calls: () => number } => {
  let calls = 0;
  const counted = new Proxy(ledger, {
    get: (target, key, receiver) => {
      const member = Reflect.get(target, key, receiver) as unknown;
      return typeof member === 'function'
        ? (...args: unknown[]) => {
            calls++;
            return (member as (...a: unknown[]) => unknown).apply(target, args);
          }
        : member;
    },
  });
  return { ledger: counted, calls: () => calls };
};

interface Answer {
  readonly status: string;
  readonly problems?: readonly string[];
}

const expectRejectionNamesFields = (answer: Answer): void => {
  expect(answer.problems?.length).toBeGreaterThan(0);
  for (const problem of answer.problems ?? []) expect(problem).toMatch(NAMES_A_FIELD);
};

describe('Fuzz: hostile events', () => {
  it('has samples to mutate', () => {
    expect(samples.length).toBeGreaterThanOrEqual(40);
  });

  it('never crashes classify or alert, and a refused event writes nothing and names its fields', async () => {
    const seen = { rejected: 0, published: 0, alerts: 0 };
    await fc.assert(
      fc.asyncProperty(hostileEvent, async (event) => {
        // Prepare
        const account = freshAccount();
        const { ledger, calls: ledgerCalls } = countingLedger(account.ledger);
        const classify = makeClassify({ ...account, ledger }, classifyContext);
        const rig = alertRig(alertSettings({ channels: { chatbot: true, slackWebhookSecretArn: SLACK_SECRET_ARN } }));

        // Act
        const answer = (await classify(event, localContext('classify'))) as Answer;
        const published = account.bus.published;
        const alertInputs = published.flatMap((e) => {
          const finding = e.detail as Finding;
          const result = dryRunResult(finding);
          if (!result) return [e];
          const { detailType, detail } = resultBusEvent({ finding, result });
          return [e, { ...e, 'detail-type': detailType, detail }];
        });
        const alertAnswers: Answer[] = [];
        for (const input of alertInputs) alertAnswers.push(await rig.alert(structuredClone(input), localContext('alert')));

        // Assess
        expect(ANSWERS.has(answer.status)).toBe(true);
        if (answer.status === 'rejected') {
          seen.rejected++;
          expectRejectionNamesFields(answer);
          expect(account.secrets.calls).toEqual([]);
          expect(ledgerCalls()).toBe(0);
          expect(published).toEqual([]);
        }
        if (published.length > 0) seen.published++;
        // What classify published is well formed, so the alert function never refuses it.
        for (const alertAnswer of alertAnswers) expect(['sent', 'held', 'duplicate', 'ignored']).toContain(alertAnswer.status);
        for (const sent of rig.ports.notifier.sent) {
          seen.alerts++;
          expect(sent.subject.length).toBeLessThanOrEqual(99);
          expect(JSON.stringify(sent)).not.toMatch(LONE_SURROGATE);
        }
      }),
      { numRuns: 10_000 },
    );
    // Not vacuous: the runs reached every outcome.
    expect(seen.rejected).toBeGreaterThan(2_000);
    expect(seen.published).toBeGreaterThan(800);
    expect(seen.alerts).toBeGreaterThan(800);
  }, 120_000);

  it('never crashes the whole replay chain, and a refused event writes nothing', async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(hostileEvent, async (event) => {
        // Prepare
        const account = freshAccount();

        // Act
        const report = await replayEvent(event, account, 'enforce');

        // Assess
        if (report.rejected) {
          rejected++;
          expectRejectionNamesFields({ status: 'rejected', problems: report.rejected });
          expect(account.secrets.calls).toEqual([]);
          expect(account.bus.published).toEqual([]);
          expect(account.notifier.sent).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(10);
  }, 120_000);
});
