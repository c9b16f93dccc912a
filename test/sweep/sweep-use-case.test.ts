/**
 * The sweep use case, run through the sweep function's handler (its Lambda context gives the
 * time left): a scheduled run publishes one finding per problem and one summary; a run
 * short of time stops between pages and continues through its own continuation event, and the
 * two invocations together find exactly what one run finds.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler, SWEEP_CONTINUATION_DETAIL_TYPE } from '../../shared/handlers/sweep.js';
import { FINDING_DETAIL_TYPE, findingSchema, SERVICE_SOURCE } from '../../shared/contracts/finding.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { singleAccountPolicy } from '../helpers/policy.js';
import { rotatedSecret, sandboxWith } from '../helpers/sandbox.js';

const scheduledEvent = {
  version: '0',
  id: '5a1f3c2e-0d4b-4c6a-9e8f-1b2c3d4e5f60',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-25T03:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/secrets-remediator-dev-sweep'],
  detail: {},
};

/** 250 secrets over three pages and more: every tenth unused for a year, the rest read yesterday. */
const estate = (): SecretSeed[] =>
  Array.from({ length: 250 }, (_, i) =>
    rotatedSecret(
      `${['app', 'Batch', '9lives', '_infra', '/root', 'db'][i % 6]}/secret-${String(i).padStart(3, '0')}`,
      `v-${i}`,
      i % 10 === 0 ? 365 : 1,
    ),
  );

const run = async (account: SandboxAccount, event: unknown, context: Context = localContext('sweep')) =>
  await makeHandler(account, { policy: singleAccountPolicy })(event, context);

const publishedFindings = (account: SandboxAccount) =>
  account.bus.published.filter((e) => e['detail-type'] === FINDING_DETAIL_TYPE).map((e) => findingSchema().parse(e.detail));

/** A Lambda context whose time runs out after `pages` ListSecrets pages were started. */
const contextRunningOutAfter = (account: SandboxAccount, pages: number): Context => ({
  ...localContext('sweep'),
  getRemainingTimeInMillis: () => (account.secrets.calls.filter((c) => c.operation === 'listSecrets').length < pages ? 600_000 : 1_000),
});

describe('Function: sweep', () => {
  it('publishes a finding per problem to the bus and one summary to the topic', async () => {
    // Prepare
    const account = sandboxWith(...estate());

    // Act
    const outcome = await run(account, scheduledEvent);

    // Assess
    expect(outcome).toMatchObject({ status: 'complete', counts: { secrets: 250, findings: 25, byRule: { unused: 25 } } });
    const findings = publishedFindings(account);
    expect(findings).toHaveLength(25);
    expect(new Set(findings.map((f) => f.secret.name))).toEqual(
      new Set(
        estate()
          .filter((_, i) => i % 10 === 0)
          .map((s) => s.name),
      ),
    );
    expect(findings.every((f) => f.actor.kind === 'sweep' && f.rule === 'unused')).toBe(true);
    expect(account.notifier.sent).toHaveLength(1);
    expect(account.notifier.sent[0]?.subject).toBe('[LOW] sweep: 25 findings in 250 secrets (123456789012/us-east-1)');
    // Read-only: nothing but reads reached Secrets Manager.
    expect(new Set(account.secrets.calls.map((c) => c.operation))).toEqual(new Set(['listSecrets']));
  });

  it('stops between pages when time runs short, and its continuation finishes the run: each secret judged once', async () => {
    // Prepare
    const account = sandboxWith(...estate());

    // Act
    const first = await run(account, scheduledEvent, contextRunningOutAfter(account, 1));
    const continuation = account.bus.published.find((e) => e['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE);
    const second = await run(account, {
      ...scheduledEvent,
      id: 'c0ffee00-0000-4000-8000-000000000001',
      source: SERVICE_SOURCE,
      'detail-type': SWEEP_CONTINUATION_DETAIL_TYPE,
      resources: [],
      detail: continuation?.detail,
    });

    // Assess
    expect(first).toMatchObject({ status: 'continued', invocation: 2 });
    expect(continuation).toBeDefined();
    expect(JSON.stringify(continuation?.detail).length).toBeLessThan(256 * 1024);
    expect(second).toMatchObject({ status: 'complete', counts: { secrets: 250, findings: 25 } });
    const findings = publishedFindings(account);
    expect(findings).toHaveLength(25);
    expect(new Set(findings.map((f) => f.id)).size).toBe(25);
    expect(account.notifier.sent).toHaveLength(1);
    expect(account.notifier.sent[0]?.body).toContain('2 invocations');
  });

  it('judges a continuation by the clock its run recorded, not by a startedAt a year ahead in the event: the same findings as an honest continuation', async () => {
    // Prepare
    const account = sandboxWith(...estate());
    await run(account, scheduledEvent, contextRunningOutAfter(account, 1));
    const continuation = account.bus.published.find((e) => e['detail-type'] === SWEEP_CONTINUATION_DETAIL_TYPE);
    const detail = structuredClone(continuation?.detail) as { checkpoint: { startedAt: string } };
    detail.checkpoint.startedAt = new Date(Date.parse(detail.checkpoint.startedAt) + 365 * 86_400_000).toISOString();

    // Act
    const second = await run(account, {
      ...scheduledEvent,
      id: 'c0ffee00-0000-4000-8000-000000000002',
      source: SERVICE_SOURCE,
      'detail-type': SWEEP_CONTINUATION_DETAIL_TYPE,
      resources: [],
      detail,
    });

    // Assess: a year ahead, every secret would look unused; by the run's own clock, 25 are.
    expect(second).toMatchObject({ status: 'complete', counts: { secrets: 250, findings: 25 } });
    expect(publishedFindings(account)).toHaveLength(25);
  });

  it('refuses a continuation of a run it never started, and reads nothing', async () => {
    // Prepare
    const account = sandboxWith(...estate());
    const forged = {
      checkpoint: { version: 1, runId: 'sweep-20270101T0000Z-forged00', startedAt: '2027-12-01T00:00:00Z', listing: {}, counts: {} },
      invocation: 2,
      listCalls: 0,
    };

    // Act
    const outcome = await run(account, {
      ...scheduledEvent,
      source: SERVICE_SOURCE,
      'detail-type': SWEEP_CONTINUATION_DETAIL_TYPE,
      resources: [],
      detail: forged,
    });

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(account.secrets.calls).toEqual([]);
    expect(account.bus.published).toEqual([]);
  });

  it('runs a duplicated delivery of its schedule once: one listing, one summary', async () => {
    // Prepare
    const account = sandboxWith(...estate());

    // Act
    const first = await run(account, structuredClone(scheduledEvent));
    const listCalls = account.secrets.calls.length;
    const second = await run(account, structuredClone(scheduledEvent));

    // Assess
    expect(first).toMatchObject({ status: 'complete' });
    expect(second).toMatchObject({ status: 'duplicate', invocation: 1 });
    expect(account.secrets.calls).toHaveLength(listCalls);
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('settles an invocation refused for good as failed (no retry can fix access denied) and gives its claim back, so a later delivery runs', async () => {
    // Prepare: the first ListSecrets call is refused (not throttling: the engine does not retry it).
    const account = sandboxWith(...estate());
    account.secrets.failNext('listSecrets', new PermissionDeniedError('ListSecrets: AccessDeniedException'));

    // Act
    const failed = await run(account, structuredClone(scheduledEvent));
    const redelivered = await run(account, structuredClone(scheduledEvent));

    // Assess
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'ListAccountError',
      reason: expect.stringContaining('AccessDeniedException') as unknown,
    });
    expect(redelivered).toMatchObject({ status: 'complete', counts: { secrets: 250 } });
  });

  it('rejects an event that is neither its schedule nor its continuation, and reads nothing', async () => {
    // Prepare
    const account = sandboxWith(...estate());

    // Act
    const outcome = await run(account, { ...scheduledEvent, source: 'aws.secretsmanager', 'detail-type': 'AWS API Call via CloudTrail' });
    const forged = await run(account, {
      ...scheduledEvent,
      source: SERVICE_SOURCE,
      'detail-type': SWEEP_CONTINUATION_DETAIL_TYPE,
      detail: { checkpoint: 'all of it' },
    });

    // Assess
    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(forged).toMatchObject({ status: 'rejected' });
    expect(account.secrets.calls).toHaveLength(0);
    expect(account.bus.published).toHaveLength(0);
    expect(account.notifier.sent).toHaveLength(0);
  });
});
