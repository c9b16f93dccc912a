/**
 * access-denied-burst through the real EventBridge patterns and handlers, against the sandbox:
 * refused calls — reads and writes — reach classify once each, through the one rule that sees
 * read-only calls; calls without an errorCode keep their own routes; and the sample burst raises
 * one finding and one alert, however often it is delivered.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEvent } from '../../shared/replay/load-events.js';
import { matchesPattern } from '../../shared/rules/match-pattern.js';
import { routes } from '../../shared/rules/routes.js';
import { eventsDir, loadSampleEvent } from '../helpers/events.js';
import { replayEvent } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const BURST = 'access-denied-burst/fires.AccessDenied.authored.11-calls-by-one-role.json';

type RawEvent = { id: string; detail: Record<string, unknown> };

/** The names of the default-bus routes an event takes. */
const routesOf = (event: unknown): string[] =>
  routes.filter((r) => r.bus === 'default' && matchesPattern(r.pattern, event)).map((r) => r.name);

const burst = (): RawEvent[] => loadSampleEvent<RawEvent[]>(BURST);

/** One call of the burst, with its errorCode replaced (or removed, with `undefined`). */
const withErrorCode = (event: RawEvent, errorCode: string | undefined): RawEvent => {
  const copy = structuredClone(event);
  delete copy.detail.errorCode;
  delete copy.detail.errorMessage;
  if (errorCode) Object.assign(copy.detail, { errorCode, errorMessage: 'refused' });
  return copy;
};

const replayBurst = async (account = defaultSandbox()) => {
  const loaded = loadEvent(join(eventsDir, BURST));
  if (!loaded.event.ok) throw new Error(loaded.event.problem);
  return { account, report: await replayEvent(loaded.event.value, account, 'dry-run', BURST) };
};

describe('Replay: access-denied-burst', () => {
  it('routes every refused call of the burst, reads and writes, to classify through the read-calls rule only', () => {
    // Prepare
    const events = burst();

    // Act
    const taken = events.map((e) => [e.detail.eventName, routesOf(e)]);

    // Assess
    expect(new Set(events.map((e) => e.detail.eventName))).toEqual(
      new Set(['ListSecrets', 'GetSecretValue', 'DescribeSecret', 'BatchGetSecretValue', 'PutSecretValue']),
    );
    expect(taken).toEqual(events.map((e) => [e.detail.eventName, ['secretsmanager-read-calls']]));
    expect(routes.find((r) => r.name === 'secretsmanager-read-calls')?.state).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  });

  it.each([
    ['PutSecretValue', undefined, ['secretsmanager-api-calls']],
    ['PutSecretValue', 'ThrottlingException', []],
    ['DescribeSecret', undefined, []],
    ['ListSecrets', undefined, []],
    // A successful read can fire only for a secret the policy's vpcEndpoints names: none here.
    ['GetSecretValue', undefined, []],
    ['PutSecretValue', 'AccessDeniedException', ['secretsmanager-read-calls']],
  ] as const)('routes %s with errorCode %s to %j', (eventName, errorCode, expected) => {
    // Prepare
    const template = burst().find((e) => e.detail.eventName === eventName);
    if (!template) throw new Error(`no ${eventName} in ${BURST}`);

    // Act
    const taken = routesOf(withErrorCode(template, errorCode));

    // Assess
    expect(taken).toEqual(expected);
  });

  it('raises one finding, on the call that crossed the line, and one alert, changing nothing', async () => {
    // Prepare
    const account = defaultSandbox();
    const before = account.secrets.snapshot();

    // Act
    const { report } = await replayBurst(account);

    // Assess
    expect(report.rejected).toBeUndefined();
    expect(report.routes.filter((r) => r.endsWith('→ classify'))).toHaveLength(11);
    expect(report.findings).toEqual([
      expect.objectContaining({
        id: 'access-denied-burst/arn:aws:iam::123456789012:role/ci-deployer/2026-11-24T10:20:00.000Z',
        rule: 'access-denied-burst',
        severity: 'medium',
        secret: 'prod/payments/db',
        actions: [],
      }),
    ]);
    expect(report.findings[0]?.reason).toMatch(
      /^arn:aws:iam::123456789012:role\/ci-deployer \(assumed-role\) had 11 calls on Secrets Manager refused/,
    );
    expect(account.notifier.sent.map((m) => m.subject)).toEqual([
      '[MEDIUM] access-denied-burst: prod/payments/db (123456789012/us-east-1)',
    ]);
    expect(account.secrets.calls).toEqual([]);
    expect(account.secrets.snapshot()).toEqual(before);
  });

  it('raises nothing new when the whole burst is delivered again', async () => {
    // Prepare
    const { account } = await replayBurst();

    // Act
    const { report } = await replayBurst(account);

    // Assess: the crossing call's redelivery decides the same finding, reported already: nothing
    // is published again, and one alert was sent in all.
    expect(report.findings).toEqual([]);
    expect(
      report.noFinding?.some((reason) =>
        reason.includes('reported already (access-denied-burst/arn:aws:iam::123456789012:role/ci-deployer/2026-11-24T10:20:00.000Z)'),
      ),
    ).toBe(true);
    expect(account.notifier.sent).toHaveLength(1);
  });
});
