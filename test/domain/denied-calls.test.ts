/**
 * access-denied-burst: more than `alerts.accessDeniedBurst.count` refused calls by one principal
 * in a fixed window raise exactly one finding. The pipeline is classify's own — `prepare`, the
 * count in the ledger (`countDeniedCall`), `evaluate`, the first report claimed
 * (`claimFirstReports`) — over the sandbox's in-memory ledger, with events cut from the sample
 * burst in events/access-denied-burst/.
 */
import { describe, expect, it } from 'vitest';
import { type ClassifiableEvent, parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import type { Finding } from '../../shared/contracts/finding.js';
import { classify, evaluate, prepare } from '../../shared/domain/classify.js';
import {
  claimFirstReports,
  CountInProgressError,
  countDeniedCall,
  type DeniedCallPorts,
  deniedWindow,
} from '../../shared/domain/denied-calls.js';
import { rules } from '../../shared/domain/catalogue.js';
import type { Policy } from '../../shared/policy/schema.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { loadSampleEvent } from '../helpers/events.js';
import { classifyContext, samplePolicy } from '../helpers/policy.js';
import { fixedClock } from '../helpers/sandbox.js';

const ACCOUNT = '123456789012';
const BURST_SAMPLE = 'access-denied-burst/fires.AccessDenied.authored.11-calls-by-one-role.json';
const LIMIT = samplePolicy.alerts.accessDeniedBurst.count;
const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci-deployer`;

type RawEvent = { id: string; time: string; detail: Record<string, unknown> & { userIdentity: Record<string, unknown> } };

/** The sample's second call (GetSecretValue on prod/payments/db, refused), reshaped. */
const deniedCall = (
  n: number,
  options: {
    at?: string;
    role?: string;
    session?: string;
    errorCode?: string;
    eventName?: string;
    secretId?: string | null;
    eventId?: string;
  } = {},
): RawEvent => {
  const event = structuredClone(loadSampleEvent<RawEvent[]>(BURST_SAMPLE)[1]) as RawEvent;
  const role = options.role ?? 'ci-deployer';
  const session = options.session ?? 'gh-actions-8812';
  const at = options.at ?? new Date(Date.parse('2026-11-24T10:20:05Z') + n * 1000).toISOString();
  event.id = `eventbridge-${options.eventId ?? `${role}-${n}-${at}`}`;
  event.time = at;
  Object.assign(event.detail, {
    eventTime: at,
    eventID: options.eventId ?? `cloudtrail-${role}-${session}-${n}-${at}`,
    eventName: options.eventName ?? 'GetSecretValue',
    errorCode: options.errorCode ?? 'AccessDenied',
    requestParameters: options.secretId === null ? null : { secretId: options.secretId ?? 'prod/payments/db' },
    userIdentity: {
      type: 'AssumedRole',
      // A session's ARN names the role without its path; the issuer's ARN keeps it.
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.split('/').pop() ?? role}/${session}`,
      accountId: ACCOUNT,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role.split('/').pop() },
      },
    },
  });
  return event;
};

/** What classify does with one delivery: prepare, count when a rule asks, evaluate. */
const classifyWithLedger = async (raw: unknown, ports: DeniedCallPorts, policy: Policy = samplePolicy) => {
  const prepared = prepare(parseClassifiableEvent(raw), { ...classifyContext, policy });
  if (prepared.kind === 'ignored') return { prepared, raised: [] as Finding[], findings: [] as Finding[] };
  const tally =
    prepared.needsDeniedCount && prepared.event.kind === 'cloudtrail'
      ? await countDeniedCall(prepared.event.event, prepared.actor, policy, ports)
      : undefined;
  const result = evaluate(prepared, policy, undefined, tally);
  const raised = result.kind === 'findings' ? result.findings.filter((f) => f.rule === 'access-denied-burst') : [];
  const { publish } = await claimFirstReports(raised, (f) => rules.find((r) => r.id === f.rule)?.reportOnce === true, ports);
  return { prepared, tally, raised, findings: [...publish] };
};

/** Classifies each event in order, against one ledger; answers the burst findings raised. */
const classifyAll = async (events: readonly unknown[], ports: DeniedCallPorts, policy?: Policy): Promise<Finding[]> => {
  const findings: Finding[] = [];
  for (const event of events) findings.push(...(await classifyWithLedger(event, ports, policy)).findings);
  return findings;
};

const freshPorts = (): DeniedCallPorts & { ledger: MemoryLedger } => ({
  ledger: new MemoryLedger(() => fixedClock.now()),
  clock: fixedClock,
  remainingMs: () => 30_000,
});
const calls = (count: number, options: Parameters<typeof deniedCall>[1] = {}) =>
  Array.from({ length: count }, (_, n) => deniedCall(n, options));
const policyWith = (accessDeniedBurst: Policy['alerts']['accessDeniedBurst']): Policy => ({
  ...samplePolicy,
  alerts: { ...samplePolicy.alerts, accessDeniedBurst },
});

describe('Rule: access-denied-burst', () => {
  it(`raises nothing for ${LIMIT} refused calls, one finding at the ${LIMIT + 1}th, and still one at the ${LIMIT + 5}th`, async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const upToLimit = await classifyAll(calls(LIMIT), ports);
    const crossing = (await classifyWithLedger(deniedCall(LIMIT), ports)).findings;
    const after = await classifyAll(
      Array.from({ length: 4 }, (_, n) => deniedCall(LIMIT + 1 + n)),
      ports,
    );

    // Assess
    expect(upToLimit).toEqual([]);
    expect(crossing.map((f) => f.rule)).toEqual(['access-denied-burst']);
    expect(after).toEqual([]);
  });

  it('names the finding by principal and window, and keeps what the crossing call showed as evidence', async () => {
    // Prepare
    const ports = freshPorts();
    await classifyAll(calls(LIMIT), ports);

    // Act
    const [finding] = (
      await classifyWithLedger(deniedCall(LIMIT, { errorCode: 'AccessDeniedException', secretId: 'prod/billing/stripe-key' }), ports)
    ).findings;

    // Assess
    expect(finding).toMatchObject({
      id: `access-denied-burst/${CI_ROLE}/2026-11-24T10:20:00.000Z`,
      severity: 'medium',
      practices: [10],
      actions: [],
      needsRemediation: false,
      secret: { id: 'prod/billing/stripe-key', name: 'prod/billing/stripe-key' },
      actor: { kind: 'assumed-role', principal: CI_ROLE },
      evidence: {
        deniedCount: LIMIT + 1,
        deniedWindowMinutes: 5,
        deniedSecrets: ['prod/billing/stripe-key'],
        deniedEventNames: ['GetSecretValue'],
        errorCode: 'AccessDeniedException',
      },
    });
    expect(finding?.reason).toContain(
      `${LIMIT + 1} calls on Secrets Manager refused in the 5-minute window from 2026-11-24T10:20:00.000Z, more than ${LIMIT}`,
    );
  });

  it('counts principals apart, and the sessions of one role together', async () => {
    // Prepare
    const ports = freshPorts();
    const other = calls(LIMIT, { role: 'reporting-etl' });
    const twoSessions = [
      ...calls(LIMIT / 2, { session: 'gh-actions-1' }),
      ...Array.from({ length: LIMIT / 2 }, (_, n) => deniedCall(100 + n, { session: 'gh-actions-2' })),
    ];

    // Act
    const belowEach = await classifyAll([...other, ...twoSessions], ports);
    const crossing = await classifyAll([deniedCall(200, { session: 'gh-actions-3' })], ports);

    // Assess
    expect(belowEach).toEqual([]);
    expect(crossing.map((f) => f.actor.principal)).toEqual([CI_ROLE]);
  });

  it('counts people signed in through IAM Identity Center by person, not by their shared permission set', async () => {
    // Prepare
    const ports = freshPorts();
    const sso = 'aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef';
    const bob = calls(LIMIT, { role: sso, session: 'bob@example.com' });
    const carol = Array.from({ length: LIMIT + 1 }, (_, n) => deniedCall(50 + n, { role: sso, session: 'carol@example.com' }));

    // Act
    const findings = await classifyAll([...bob, ...carol], ports);

    // Assess
    expect(findings.map((f) => f.id)).toEqual([
      `access-denied-burst/arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/carol@example.com/2026-11-24T10:20:00.000Z`,
    ]);
  });

  it('counts each fixed window from zero: a burst split across a boundary is not seen (the documented limit)', async () => {
    // Prepare
    const ports = freshPorts();
    const beforeBoundary = Array.from({ length: LIMIT }, (_, n) =>
      deniedCall(n, { at: `2026-11-24T10:24:${String(10 + n).padStart(2, '0')}Z` }),
    );
    const afterBoundary = Array.from({ length: LIMIT }, (_, n) =>
      deniedCall(n, { at: `2026-11-24T10:25:${String(10 + n).padStart(2, '0')}Z` }),
    );

    // Act
    const split = await classifyAll([...beforeBoundary, ...afterBoundary], ports);
    const next = await classifyWithLedger(deniedCall(99, { at: '2026-11-24T10:29:59Z' }), ports);

    // Assess
    expect(split).toEqual([]);
    expect(next.findings.map((f) => f.id)).toEqual([`access-denied-burst/${CI_ROLE}/2026-11-24T10:25:00.000Z`]);
  });

  it("places windows by the call's own time, aligned to the epoch, and takes count and length from the policy", () => {
    // Prepare
    const at = new Date('2026-11-24T10:24:59.999Z');

    // Act
    const five = deniedWindow(at, 5);
    const seven = deniedWindow(at, 7);

    // Assess
    expect(five).toEqual({ start: new Date('2026-11-24T10:20:00Z'), end: new Date('2026-11-24T10:25:00Z'), minutes: 5 });
    expect(seven.start.getTime() % (7 * 60_000)).toBe(0);
    expect(seven.start <= at && at < seven.end).toBe(true);
  });

  it('fires at the third call in a minute when the policy says more than 2 in 1 minute', async () => {
    // Prepare
    const ports = freshPorts();
    const policy = policyWith({ count: 2, windowMinutes: 1 });

    // Act
    const findings = await classifyAll(calls(3), ports, policy);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: `access-denied-burst/${CI_ROLE}/2026-11-24T10:20:00.000Z`,
      evidence: { deniedCount: 3, deniedWindowMinutes: 1 },
    });
  });

  it('counts a redelivered call once, and decides the same finding again when the crossing call comes back', async () => {
    // Prepare
    const ports = freshPorts();
    const first = calls(LIMIT - 1);

    // Act: every call below the line delivered twice, then the crossing call twice.
    const belowLine = await classifyAll([...first, ...first.map((e) => structuredClone(e))], ports);
    const lastBelow = await classifyWithLedger(deniedCall(LIMIT - 1), ports);
    const crossing = await classifyWithLedger(deniedCall(LIMIT), ports);
    const again = await classifyWithLedger(deniedCall(LIMIT), ports);

    // Assess
    expect(belowLine).toEqual([]);
    expect(lastBelow).toMatchObject({ findings: [], tally: { kind: 'counted', count: LIMIT, redelivered: false } });
    expect(again.tally).toMatchObject({ kind: 'counted', count: LIMIT + 1, redelivered: true });
    // The same finding again, already reported: not published twice.
    expect(again.raised.map((f) => f.id)).toEqual(crossing.findings.map((f) => f.id));
    expect(again.findings).toEqual([]);
    expect(crossing.findings).toHaveLength(1);
  });

  it('fails, to be retried, while another delivery of the same call is counting it', async () => {
    // Prepare: a claim held, with no count recorded yet.
    const ports = freshPorts();
    const call = deniedCall(0);
    await ports.ledger.claim(`denied-call#${call.detail.eventID as string}`, new Date(fixedClock.now().getTime() + 60_000));

    // Act
    const attempt = classifyWithLedger(call, ports);

    // Assess
    await expect(attempt).rejects.toThrow(CountInProgressError);
    await expect(attempt).rejects.toMatchObject({ retryable: true });
  });

  it('still reports the burst when the delivery that crossed the line failed to publish and its retry counts one more', async () => {
    // Prepare: the crossing call is counted, but its publish fails (the claim on the report is given back) and its
    // record of the count is lost, so the retry counts the same call again.
    const ports = freshPorts();
    await classifyAll(calls(LIMIT), ports);
    const crossing = deniedCall(LIMIT);
    const first = await classifyWithLedger(crossing, ports);
    await ports.ledger.release(`reported#${first.findings[0]?.id ?? ''}`);
    await ports.ledger.release(`denied-call#${crossing.detail.eventID as string}`);

    // Act
    const retry = await classifyWithLedger(structuredClone(crossing), ports);

    // Assess
    expect(first.findings).toHaveLength(1);
    expect(retry.tally).toMatchObject({ count: LIMIT + 2, redelivered: false });
    expect(retry.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
  });

  it('lets the retry count a call whose count failed', async () => {
    // Prepare: the ledger fails the first count, as a throttled DynamoDB would.
    class FlakyLedger extends MemoryLedger {
      #failures = 1;
      public override async count(scope: string, expiresAt: Date): Promise<number> {
        if (this.#failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
        return super.count(scope, expiresAt);
      }
    }
    const flaky = new FlakyLedger(() => fixedClock.now());
    const ports = { ledger: flaky, clock: fixedClock, remainingMs: () => 30_000 };

    // Act
    const failed = classifyWithLedger(deniedCall(0), ports);
    await expect(failed).rejects.toThrow('ProvisionedThroughputExceededException');
    const retried = await classifyWithLedger(deniedCall(0), ports);

    // Assess
    expect(retried.tally).toMatchObject({ kind: 'counted', count: 1, redelivered: false });
  });

  it.each(['ThrottlingException', 'ResourceNotFoundException', 'InvalidRequestException', 'UnauthorizedOperation'])(
    'does not count a call that failed with %s',
    async (errorCode) => {
      // Prepare
      const ports = freshPorts();
      const failed = Array.from({ length: LIMIT + 1 }, (_, n) => deniedCall(100 + n, { errorCode }));

      // Act: the failed calls, then as many refused ones as the limit allows, then one more.
      const fromFailed = await classifyAll(failed, ports);
      const upToLimit = await classifyAll(calls(LIMIT), ports);
      const crossing = await classifyAll([deniedCall(LIMIT)], ports);

      // Assess: the failed calls added nothing to the count.
      expect(fromFailed).toEqual([]);
      expect(upToLimit).toEqual([]);
      expect(crossing.map((f) => f.evidence.deniedCount)).toEqual([LIMIT + 1]);
    },
  );

  it('counts refused writes without letting the write rules judge a call that changed nothing', () => {
    // Prepare
    const deleteSecret = deniedCall(0, { eventName: 'DeleteSecret' });

    // Act
    const prepared = prepare(parseClassifiableEvent(deleteSecret), classifyContext);

    // Assess
    expect(prepared.kind === 'prepared' ? prepared.rules.map((r) => r.id) : prepared).toEqual(['access-denied-burst']);
  });

  it('counts a refused call that names no secret, and a finding it crosses the line with names none', async () => {
    // Prepare
    const ports = freshPorts();
    await classifyAll(calls(LIMIT), ports);

    // Act
    const [finding] = (await classifyWithLedger(deniedCall(LIMIT, { eventName: 'ListSecrets', secretId: null }), ports)).findings;

    // Assess
    expect(finding?.secret).toEqual({ id: '*', account: ACCOUNT, region: 'us-east-1', foundAt: 'none' });
    expect(finding?.evidence).toMatchObject({ deniedSecrets: [], deniedEventNames: ['ListSecrets'] });
    expect(finding?.notes).toEqual(['AWS API Call via CloudTrail ListSecrets names no secret: the finding is about the caller']);
  });

  it('counts an allowed admin too: being refused is no admin privilege', async () => {
    // Prepare
    const ports = freshPorts();

    // Act
    const [finding] = await classifyAll(calls(LIMIT + 1, { role: 'SecretsAdmin' }), ports);

    // Assess
    expect(finding).toMatchObject({ actor: { principal: `arn:aws:iam::${ACCOUNT}:role/SecretsAdmin`, isAllowedAdmin: true } });
    expect(finding?.reason).toContain('an allowed admin');
  });

  it("never counts this service's own roles", async () => {
    // Prepare
    const ports = freshPorts();
    const own = calls(LIMIT + 1, { role: 'secrets-remediator-dev-cls-use1', eventName: 'DescribeSecret' });

    // Act
    const results: Awaited<ReturnType<typeof classifyWithLedger>>[] = [];
    for (const event of own) results.push(await classifyWithLedger(event, ports));

    // Assess
    expect(results.map((r) => r.prepared.kind)).toEqual(Array.from({ length: LIMIT + 1 }, () => 'ignored'));
    expect(results.flatMap((r) => (r.tally ? [r.tally] : []))).toEqual([]);
  });

  it('stays silent, saying why, when nothing counted the call (classify without a ledger)', () => {
    // Prepare
    const event: ClassifiableEvent = parseClassifiableEvent(deniedCall(0));

    // Act
    const result = classify(event, classifyContext);

    // Assess
    expect(result).toMatchObject({
      kind: 'no-finding',
      reasons: expect.arrayContaining([expect.stringMatching(/^access-denied-burst: refused calls were not counted/)]),
    });
  });

  it('keeps a token written into the event id out of the ledger, and bounds the key a huge event id makes', async () => {
    // Prepare: a ledger that records the keys it is asked to claim.
    const keys: string[] = [];
    class KeyRecordingLedger extends MemoryLedger {
      public override async claim(key: string, until: Date) {
        if (key.startsWith('denied-call#')) keys.push(key);
        return super.claim(key, until);
      }
    }
    const ports = { ...freshPorts(), ledger: new KeyRecordingLedger(() => fixedClock.now()) };
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

    // Act
    await classifyWithLedger(deniedCall(0, { eventId: token }), ports);
    await classifyWithLedger(deniedCall(1, { eventId: `x${'y'.repeat(5000)}` }), ports);

    // Assess
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toContain(token);
    expect(keys[1]?.length).toBeLessThanOrEqual(600);
  });
});
