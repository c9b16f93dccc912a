/**
 * The handlers are the seam: real middy chains over the sandbox account. Bad input is answered
 * `rejected` with what is missing (so Lambda does not retry it) and changes nothing; transient
 * AWS errors fail the invocation so Lambda retries it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AlertPorts, makeHandler as makeAlert } from '../../shared/handlers/alert.js';
import { makeHandler as makeClassify } from '../../shared/handlers/classify.js';
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import { enableRotationAction } from '../../shared/actions/enable-rotation.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { ConfigError, TransientAwsError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { placeNamedBy } from '../../shared/replay/chain.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { loadSampleEvent } from '../helpers/events.js';
import { classifyContext, packagedPolicyFile, samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

/** The alert function on a sandbox account, with the sample policy's alert settings and an in-memory digest store. */
/** classify's context in the account and region the event names, as the deployment that received it would run. */
const inAccountOf = (event: unknown) => localContext('classify', placeNamedBy(event).account, placeNamedBy(event).region);
/** The account and region the published RotationFailed sample was captured in. */
const UMCCR_ACCOUNT = '843407916570';
const UMCCR_REGION = 'ap-southeast-2';

const alertFor = (ports: Omit<AlertPorts, 'digest'>) =>
  makeAlert({ ...ports, digest: new MemoryDigest() }, { alerts: samplePolicy.alerts });

const findingEventFor = async (file: string) => {
  const account = defaultSandbox();
  const sample = loadSampleEvent(file);
  await makeClassify(account, classifyContext)(sample, inAccountOf(sample));
  const [event] = account.bus.published;
  if (!event) throw new Error('classify published nothing');
  return event;
};

describe('Handler: classify', () => {
  it('publishes one Secret Finding per finding and answers with their ids', async () => {
    const account = defaultSandbox();

    const event = loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json');
    const outcome = await makeClassify(account, classifyContext)(event, inAccountOf(event));

    expect(outcome).toEqual({ status: 'published', findings: ['d82e0a2d-f36e-11fd-37cb-cba423a71196/rotation-failed'] });
    expect(account.bus.published).toHaveLength(1);
    expect(account.bus.published[0]).toMatchObject({
      source: 'secrets-remediator',
      'detail-type': 'Secret Finding',
      resources: ['arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA'],
      detail: { rule: 'rotation-failed', actions: ['clear-stale-pending'], needsRemediation: true },
    });
  });

  it.each([
    ['text that is not JSON', 'not json at all', /^event: not JSON/],
    ['an event without the envelope', { detail: {} }, /^version: missing/],
    [
      'a bare CloudTrail record',
      loadSampleEvent('default-kms-key/fires.CreateSecret.published-awsdocs.cloudtrail-record.json'),
      /bare CloudTrail record/,
    ],
  ])('rejects %s, naming what is missing, and publishes nothing', async (_label, raw, problem) => {
    const account = defaultSandbox();

    const outcome = await makeClassify(account, classifyContext)(raw, inAccountOf(raw));

    expect(outcome).toMatchObject({ status: 'rejected', problems: expect.arrayContaining([expect.stringMatching(problem)]) });
    expect(account.bus.published).toEqual([]);
  });

  it('answers ignored for an event no rule is about', async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent<{ detail: Record<string, unknown> }>(
      'rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json',
    );
    event.detail.eventName = 'RotationStarted';

    const outcome = await makeClassify(account, classifyContext)(event, inAccountOf(event));

    expect(outcome).toEqual({ status: 'ignored', reason: 'no rule for AWS Service Event via CloudTrail RotationStarted' });
    expect(account.bus.published).toEqual([]);
  });

  it('fails the invocation when the bus is throttled, so the finding is retried rather than lost', async () => {
    const account = defaultSandbox();
    const bus = { publish: vi.fn().mockRejectedValue(new TransientAwsError('PutEvents: ThrottlingException')) };

    await expect(
      makeClassify({ bus, secrets: account.secrets, ledger: account.ledger, clock: account.clock }, classifyContext)(
        loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'),
        localContext('classify', UMCCR_ACCOUNT, UMCCR_REGION),
      ),
    ).rejects.toThrow(TransientAwsError);
    expect(account.bus.published).toEqual([]);
  });

  it('reports a burst of refused calls once, and again on the retry when publishing it failed', async () => {
    // Prepare: the sample burst; the bus refuses the crossing call's finding once.
    const account = defaultSandbox();
    const burst = loadSampleEvent<unknown[]>('access-denied-burst/fires.AccessDenied.authored.11-calls-by-one-role.json');
    let failures = 1;
    const bus = {
      publish: vi.fn(async (events: Parameters<typeof account.bus.publish>[0]) => {
        if (failures-- > 0) throw new TransientAwsError('PutEvents: ThrottlingException');
        await account.bus.publish(events);
      }),
    };
    const classify = makeClassify({ bus, secrets: account.secrets, ledger: account.ledger, clock: account.clock }, classifyContext);
    const crossing = burst.at(-1);

    // Act
    for (const event of burst.slice(0, -1)) await classify(structuredClone(event), localContext('classify'));
    const failed = classify(structuredClone(crossing), localContext('classify'));
    await expect(failed).rejects.toThrow(TransientAwsError);
    const retried = await classify(structuredClone(crossing), localContext('classify'));
    const redelivered = await classify(structuredClone(crossing), localContext('classify'));

    // Assess
    expect(retried).toMatchObject({ status: 'published', findings: [expect.stringMatching(/^access-denied-burst\//)] });
    expect(redelivered).toMatchObject({ status: 'no-finding' });
    expect(account.bus.published.map((e) => (e.detail as { rule: string }).rule)).toEqual(['access-denied-burst']);
  });
});

describe('Handler: clear-stale-pending', () => {
  it('acts on a finding and publishes its Remediation Result', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-failed/fires.RotationFailed.authored.set-secret.json');

    const outcome = await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(
      finding,
      localContext('classify'),
    );

    expect(outcome).toMatchObject({ status: 'applied', findingId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed' });
    expect(account.bus.published).toHaveLength(1);
    expect(account.bus.published[0]).toMatchObject({
      'detail-type': 'Remediation Result',
      detail: { finding: { id: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed' }, result: { outcome: 'applied', mode: 'enforce' } },
    });
  });

  it('rejects a finding whose detail is incomplete, naming the field, and writes nothing', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    delete (finding.detail as { secret?: unknown }).secret;
    const before = account.secrets.snapshot();

    const outcome = await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(
      finding,
      localContext('classify'),
    );

    expect(outcome).toEqual({ status: 'rejected', problems: ['detail.secret: missing (expected object)'] });
    expect(account.secrets.calls).toEqual([]);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.bus.published).toEqual([]);
  });

  it('ignores a finding that does not plan it', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    const outcome = await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(
      finding,
      localContext('classify'),
    );

    expect(outcome).toMatchObject({ status: 'ignored' });
    expect(account.secrets.calls).toEqual([]);
  });

  it('fails the invocation on throttling, leaving the secret as it was', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('describeSecret', new TransientAwsError('DescribeSecret: ThrottlingException'));
    const finding = await findingEventFor('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const before = account.secrets.snapshot();

    await expect(
      makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(finding, localContext('classify')),
    ).rejects.toThrow(TransientAwsError);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.bus.published).toEqual([]);
  });
});

describe('Handler: an action (audit trail)', () => {
  it('logs each decision with event, secret, rule, action, outcome and the principal that caused it', async () => {
    // Prepare
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const appendKeys = vi.spyOn(logger, 'appendKeys');
    const info = vi.spyOn(logger, 'info');

    // Act
    await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(finding, localContext('classify'));

    // Assess
    expect(appendKeys).toHaveBeenCalledWith({
      eventId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03',
      findingId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed',
      ruleId: 'rotation-failed',
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op',
      action: 'clear-stale-pending',
    });
    expect(info).toHaveBeenCalledWith(
      'remediation finished',
      expect.objectContaining({
        outcome: 'applied',
        mode: 'enforce',
        principal: 'secretsmanager.amazonaws.com',
        principalKind: 'aws-service',
      }),
    );
    expect(account.bus.published.map((e) => e['detail-type'])).toEqual(['Remediation Result']);
  });

  it('reports a duplicate delivery once: the same result again, no second write', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const handler = makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' });

    const first = await handler(finding, localContext('classify'));
    const second = await handler(structuredClone(finding), localContext('classify'));

    expect(first).toMatchObject({ status: 'applied' });
    expect(second).toEqual({ status: 'duplicate', findingId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed' });
    expect(account.secrets.calls.filter((c) => c.operation === 'removeStagingLabel')).toHaveLength(1);
    expect(account.bus.published.map((e) => (e.detail as { result: { outcome: string } }).result.outcome)).toEqual(['applied', 'applied']);
  });

  it('needs the Config client only for an action that declares a Config rule', () => {
    const { compliance: _unused, ...withoutConfig } = defaultSandbox();

    expect(() => makeActionHandler(clearStalePendingAction, withoutConfig, { policy: samplePolicy, mode: 'enforce' })).not.toThrow();
    expect(() => makeActionHandler(enableRotationAction, withoutConfig, { policy: samplePolicy, mode: 'enforce' })).toThrow(
      /secretsmanager-rotation-enabled-check: wire a compliance port/,
    );
  });
});

describe('Handler: alert', () => {
  it('sends one alert per finding, however often it is delivered', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    await alertFor(account)(finding, localContext('classify'));
    const again = await alertFor(account)(structuredClone(finding), localContext('classify'));

    expect(again).toMatchObject({ status: 'duplicate' });
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('sends it again on retry when SNS failed the first time', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');
    const failing = {
      ...account,
      notifier: { publish: vi.fn().mockRejectedValueOnce(new TransientAwsError('Publish: ThrottledException')) },
    };

    await expect(alertFor(failing)(finding, localContext('classify'))).rejects.toThrow(TransientAwsError);
    const retry = await alertFor(account)(finding, localContext('classify'));

    expect(retry).toMatchObject({ status: 'sent' });
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('sends one alert for a finding with no action', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    const outcome = await alertFor(account)(finding, localContext('classify'));

    expect(outcome).toMatchObject({ status: 'sent', subject: '[INFO] rotation-succeeded: Appuser-pyodbc (accountid/us-west-2)' });
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('waits for the result of a finding that plans an action (no second alert)', async () => {
    const account = defaultSandbox();
    const finding = await findingEventFor('rotation-failed/fires.RotationFailed.authored.set-secret.json');

    const outcome = await alertFor(account)(finding, localContext('classify'));

    expect(outcome).toEqual({ status: 'ignored', reason: 'the finding awaits its remediation result' });
    expect(account.notifier.sent).toEqual([]);
  });

  it('rejects an event of another detail-type and sends nothing', async () => {
    const account = defaultSandbox();

    const outcome = await alertFor(account)(
      loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'),
      localContext('classify'),
    );

    expect(outcome).toEqual({ status: 'rejected', problems: ["detail-type: expected 'Secret Finding' or 'Remediation Result'"] });
    expect(account.notifier.sent).toEqual([]);
  });
});

// Listed, not built from a template string: the test runner resolves only static import paths.
const entryPoints = {
  classify: () => import('../../functions/classify/handler.js'),
  'clear-stale-pending': () => import('../../functions/clear-stale-pending/handler.js'),
  alert: () => import('../../functions/alert/handler.js'),
  'alert-digest': () => import('../../functions/alert-digest/handler.js'),
} as const;

describe('Lambda entry points', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each(Object.keys(entryPoints) as (keyof typeof entryPoints)[])(
    '%s fails its cold start with the missing setting named',
    async (name) => {
      vi.stubEnv('EVENT_BUS_NAME', undefined);
      vi.stubEnv('ALERT_TOPIC_ARN', undefined);

      const load = entryPoints[name]();

      // A fresh module graph has its own ConfigError class: compare by name.
      await expect(load).rejects.toMatchObject({
        name: ConfigError.name,
        message: expect.stringMatching(/(EVENT_BUS_NAME|ALERT_TOPIC_ARN): missing/),
      });
    },
  );

  it.each(Object.keys(entryPoints) as (keyof typeof entryPoints)[])(
    '%s loads with its settings and the shipped policy, and exports a handler',
    async (name) => {
      vi.stubEnv('EVENT_BUS_NAME', 'secrets-remediator-test');
      vi.stubEnv('ALERT_TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-test-alerts');
      vi.stubEnv('STAGE', 'test');
      vi.stubEnv('LEDGER_TABLE_NAME', 'secrets-remediator-test-ledger');
      vi.stubEnv('DIGEST_TABLE_NAME', 'secrets-remediator-test-digest');
      vi.stubEnv('POLICY_FILE', packagedPolicyFile('test'));

      const module = await entryPoints[name]();

      expect(typeof module.handler).toBe('function');
    },
  );
});
