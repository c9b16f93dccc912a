/**
 * The alert functions as Lambda runs them (real middy chains, in-memory ports, a clock the test
 * moves): storm control end to end — the alert function sends or holds, alert-digest sends the
 * digests — the policy's channels and minimum severity, and what happens when Slack fails.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DigestOutcome } from '../../shared/handlers/alert-digest.js';
import { type AlertOutcome, makeHandler as makeAlert } from '../../shared/handlers/alert.js';
import { SlackUnavailableError, SlackWebhookRejectedError } from '../../shared/adapters/slack-webhook.js';
import { alertKeyOf } from '../../shared/alerts/alert-use-case.js';
import { AlertInProgressError } from '../../shared/alerts/delivery.js';
import { windowFor } from '../../shared/alerts/storm.js';
import { type Config, digestTableFor } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';
import { DEFAULT_POLICY } from '../../shared/policy/schema.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { RecordingChat } from '../../shared/sandbox/recording-chat.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import {
  alertRig,
  alertSettings,
  type FindingEvent,
  findingEventOf,
  findingFor,
  resultEventFor,
  SLACK_SECRET_ARN,
  scheduledEvent,
} from '../helpers/alerts.js';

const VALUE_CHANGED = 'value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json';
const FORCE_DELETED = 'secret-force-deleted/fires.DeleteSecret.authored.force.json';

const statusesOf = (outcomes: readonly AlertOutcome[]) =>
  outcomes.reduce<Record<string, number>>((count, o) => ({ ...count, [o.status]: (count[o.status] ?? 0) + 1 }), {});

const sentIds = (outcomes: readonly AlertOutcome[]) => outcomes.flatMap((o) => (o.status === 'sent' ? [o.findingId] : []));

/** Runs alert-digest at `time`. */
const flushAt = async (
  rig: ReturnType<typeof alertRig>,
  time: string,
  lambdaContext: Context = localContext('alert-digest'),
): Promise<DigestOutcome> => {
  rig.at(time);
  return rig.digest(scheduledEvent(time), lambdaContext);
};

describe('Handler: alert and alert-digest, a storm', () => {
  it('sends at most digestAfter of a burst of 1,000 findings one by one and all the others in few digest messages: none lost, none twice', async () => {
    // Prepare: 1,000 findings of one rule within a window, the first 100 delivered twice.
    const rig = alertRig(alertSettings());
    const template = await findingEventOf(VALUE_CHANGED);
    const burst = Array.from({ length: 1000 }, (_, n) => findingFor(template, n));
    const deliveries = [...burst, ...burst.slice(0, 100)];
    const outcomes: AlertOutcome[] = [];

    // Act
    for (const [n, event] of deliveries.entries()) {
      rig.at(new Date(Date.parse('2026-11-25T12:01:00Z') + n * 150).toISOString());
      outcomes.push(await rig.alert(structuredClone(event), localContext('alert')));
    }
    const individual = rig.ports.notifier.sent.length;
    const early = await flushAt(rig, '2026-11-25T12:06:59Z');
    const flushed = await flushAt(rig, '2026-11-25T12:07:00Z');
    const again = await flushAt(rig, '2026-11-25T12:08:00Z');

    // Assess
    expect(statusesOf(outcomes)).toEqual({ sent: 5, held: 995, duplicate: 100 });
    expect(individual).toBe(5);
    expect(early.digests).toEqual([]);
    expect(flushed.digests).toHaveLength(1);
    const [digest] = flushed.digests;
    expect(digest).toMatchObject({ status: 'sent', rule: 'value-changed-by-hand', count: 995, channels: ['sns'] });
    const everyId = [...sentIds(outcomes), ...(digest?.findingIds ?? [])];
    expect(everyId).toHaveLength(1000);
    expect(new Set(everyId)).toEqual(new Set(burst.map((e) => e.detail.id)));
    const digestMessages = rig.ports.notifier.sent.slice(individual);
    expect(digestMessages).toHaveLength(digest?.parts ?? -1);
    // Few: an SNS message holds ~256 KB, so 995 one-line findings fit in a handful.
    expect(digestMessages.length).toBeLessThanOrEqual(5);
    const text = digestMessages.map((m) => m.body).join('\n');
    expect(burst.slice(5).filter((e) => !text.includes(`- ${e.detail.secret.name} (`))).toEqual([]);
    expect(again.digests).toEqual([]);
    expect(rig.ports.notifier.sent).toHaveLength(individual + digestMessages.length);
  });

  it('keeps the findings of different rules in windows of their own', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ digestAfter: 3 }));
    const template = await findingEventOf(VALUE_CHANGED);
    const events = Array.from({ length: 20 }, (_, n) =>
      findingFor(template, n, { rule: n % 2 === 0 ? 'value-changed-by-hand' : 'abac-tag-changed' }),
    );

    // Act
    const outcomes: AlertOutcome[] = [];
    for (const event of events) outcomes.push(await rig.alert(event, localContext('alert')));
    const flushed = await flushAt(rig, '2026-11-25T12:07:00Z');

    // Assess
    expect(statusesOf(outcomes)).toEqual({ sent: 6, held: 14 });
    expect(flushed.digests.map((d) => [d.rule, d.count]).sort()).toEqual([
      ['abac-tag-changed', 7],
      ['value-changed-by-hand', 7],
    ]);
    for (const digest of flushed.digests) expect(digest.findingIds.every((id) => id.endsWith(`/${digest.rule}`))).toBe(true);
  });

  it('starts counting again in the next window', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ digestAfter: 2 }));
    const template = await findingEventOf(VALUE_CHANGED);

    // Act
    const first: AlertOutcome[] = [];
    for (const n of [0, 1, 2]) first.push(await rig.alert(findingFor(template, n), localContext('alert')));
    rig.at('2026-11-25T12:05:00.000Z');
    const second: AlertOutcome[] = [];
    for (const n of [3, 4]) second.push(await rig.alert(findingFor(template, n), localContext('alert')));

    // Assess
    expect(first.map((o) => o.status)).toEqual(['sent', 'sent', 'held']);
    expect(second.map((o) => o.status)).toEqual(['sent', 'sent']);
  });

  it('pages the first critical findings of a storm at once, then once more with the digest, at critical', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ digestAfter: 2 }));
    const template = await findingEventOf(FORCE_DELETED);

    // Act
    for (const n of [0, 1, 2, 3]) await rig.alert(findingFor(template, n), localContext('alert'));
    const flushed = await flushAt(rig, '2026-11-25T12:07:00Z');

    // Assess
    expect(flushed.digests).toMatchObject([{ count: 2, parts: 1 }]);
    expect(rig.ports.notifier.sent.map((m) => m.attributes.severity)).toEqual(['critical', 'critical', 'critical']);
    expect(rig.ports.notifier.sent.map((m) => m.attributes.rule)).toEqual([
      'secret-force-deleted',
      'secret-force-deleted',
      'secret-force-deleted',
    ]);
  });

  it("holds an action's result with its outcome", async () => {
    // Prepare
    const rig = alertRig(alertSettings({ digestAfter: 1 }));
    const template = await findingEventOf(VALUE_CHANGED);
    const results = [0, 1].map((n) =>
      resultEventFor(findingFor(template, n), { type: 'restore-secret', outcome: 'planned', reason: 'dry run', mode: 'dry-run' }),
    );

    // Act
    const outcomes: AlertOutcome[] = [];
    for (const event of results) outcomes.push(await rig.alert(event, localContext('alert')));

    // Assess
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'held']);
    const window = windowFor(findingFor(template, 1).detail, new Date('2026-11-25T12:01:00Z'), 5);
    expect(await rig.ports.digest.held(window)).toMatchObject([{ findingId: 'storm-1/value-changed-by-hand', outcome: 'planned' }]);
  });

  it.each(['failed', 'blocked'] as const)(
    'sends every %s result on its own, even in a storm: on-call must see why and do it by hand',
    async (outcome) => {
      // Prepare
      const rig = alertRig(alertSettings({ digestAfter: 1 }));
      const template = await findingEventOf(VALUE_CHANGED);
      const results = [0, 1, 2].map((n) =>
        resultEventFor(findingFor(template, n), {
          type: 'restore-secret',
          outcome,
          reason: `restore-secret ${outcome}: AccessDenied on PutSecretValue`,
          mode: 'enforce',
        }),
      );

      // Act
      const outcomes: AlertOutcome[] = [];
      for (const event of results) outcomes.push(await rig.alert(event, localContext('alert')));

      // Assess
      expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);
      expect(rig.ports.notifier.sent.map((m) => m.body).filter((body) => body.includes(`AccessDenied on PutSecretValue`))).toHaveLength(3);
      expect(rig.ports.digest.openWindows).toEqual([]);
    },
  );

  it('stores a held alert with its reason redacted', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ digestAfter: 1 }));
    const template = await findingEventOf(VALUE_CHANGED);
    const leaky = (n: number): FindingEvent => {
      const event = findingFor(template, n);
      return {
        ...event,
        detail: { ...event.detail, reason: 'rotation failed: connect postgres://app:Sup3rS3cretPassw0rd@db:5432/x refused' },
      };
    };

    // Act
    for (const n of [0, 1]) await rig.alert(leaky(n), localContext('alert'));

    // Assess
    const window = windowFor(findingFor(template, 1).detail, new Date('2026-11-25T12:01:00Z'), 5);
    const [held] = await rig.ports.digest.held(window);
    expect(held?.reason).toBe('rotation failed: connect postgres://app:[REDACTED password]@db:5432/x refused');
  });

  it('lets an invocation that died mid-send be retried a minute later: its claim has run out by then', async () => {
    // Prepare: the first invocation hangs in Publish until Lambda kills it (30 s).
    const rig = alertRig(alertSettings());
    const event = findingFor(await findingEventOf(VALUE_CHANGED), 0);
    let publishing: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      publishing = resolve;
    });
    const hanging = {
      publish: async () => {
        publishing();
        return new Promise<void>(() => undefined);
      },
    };
    void makeAlert({ ...rig.ports, notifier: hanging }, { alerts: alertSettings() })(event, localContext('alert'));
    await started;

    // Act: Lambda's first retry, about a minute later.
    rig.at('2026-11-25T12:02:00.000Z');
    const retry = await rig.alert(structuredClone(event), localContext('alert'));

    // Assess
    expect(retry).toMatchObject({ status: 'sent', channels: ['sns'] });
    expect(rig.ports.notifier.sent).toHaveLength(1);
  });

  it('sends every alert on its own when digestWindowMinutes is 0', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ digestWindowMinutes: 0, digestAfter: 1 }));
    const template = await findingEventOf(VALUE_CHANGED);

    // Act
    const outcomes: AlertOutcome[] = [];
    for (const n of [0, 1, 2, 3]) outcomes.push(await rig.alert(findingFor(template, n), localContext('alert')));

    // Assess
    expect(statusesOf(outcomes)).toEqual({ sent: 4 });
    expect(rig.ports.digest.openWindows).toEqual([]);
  });

  it('decides again, in a later window, an alert that could not be held before its window closed', async () => {
    // Prepare: the counter answers only after the window and its hold deadline have passed.
    let now = new Date('2026-11-25T12:04:59.000Z');
    const clock = { now: () => now };
    const ledger = new (class extends MemoryLedger {
      public override async count(scope: string, expiresAt: Date): Promise<number> {
        const position = await super.count(scope, expiresAt);
        if (position === 2) now = new Date('2026-11-25T12:06:30.000Z');
        return position;
      }
    })(() => now);
    const ports = { notifier: new RecordingNotifier(), ledger, digest: new MemoryDigest(), clock };
    const handler = makeAlert(ports, { alerts: alertSettings({ digestAfter: 1 }) });
    const template = await findingEventOf(VALUE_CHANGED);
    await handler(findingFor(template, 0), localContext('alert'));

    // Act
    const late = handler(findingFor(template, 1), localContext('alert'));
    await expect(late).rejects.toMatchObject({ name: 'WindowClosedError', retryable: true });
    const retry = await handler(findingFor(template, 1), localContext('alert'));

    // Assess
    expect(retry).toMatchObject({ status: 'sent', findingId: 'storm-1/value-changed-by-hand' });
    expect(ports.digest.openWindows).toEqual([]);
  });

  it('refuses to send an alert another invocation is sending, so Lambda retries it later', async () => {
    // Prepare
    const rig = alertRig(alertSettings());
    const event = findingFor(await findingEventOf(VALUE_CHANGED), 0);
    await rig.ports.ledger.claim(alertKeyOf(event.detail), new Date('2026-11-25T12:02:00Z'));

    // Act
    const outcome = rig.alert(event, localContext('alert'));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(AlertInProgressError);
    expect(rig.ports.notifier.sent).toEqual([]);
  });
});

describe('Handler: alert, minimum severity', () => {
  it('ignores findings below alerts.minimumSeverity, naming it, and counts them in no storm', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ minimumSeverity: 'high', digestAfter: 1 }));
    const template = await findingEventOf(VALUE_CHANGED);

    // Act
    const medium = await rig.alert(findingFor(template, 0), localContext('alert'));
    const high = await rig.alert(findingFor(template, 1, { severity: 'high' }), localContext('alert'));

    // Assess
    expect(medium).toEqual({ status: 'ignored', reason: 'severity medium is below alerts.minimumSeverity (high)' });
    expect(high).toMatchObject({ status: 'sent' });
    expect(rig.ports.notifier.sent.map((m) => m.attributes.severity)).toEqual(['high']);
  });
});

describe('Handler: alert, channels', () => {
  const withSlack = alertSettings({ channels: { slackWebhookSecretArn: SLACK_SECRET_ARN } });

  it('publishes to the topic and posts to Slack, each once however often the finding is delivered', async () => {
    // Prepare
    const chat = new RecordingChat();
    const rig = alertRig(withSlack, undefined, chat);
    const event = findingFor(await findingEventOf(VALUE_CHANGED), 0);

    // Act
    const first = await rig.alert(event, localContext('alert'));
    const second = await rig.alert(structuredClone(event), localContext('alert'));

    // Assess
    expect(first).toMatchObject({ status: 'sent', channels: ['sns', 'slack'] });
    expect(second).toEqual({ status: 'duplicate', findingId: event.detail.id });
    expect(rig.ports.notifier.sent).toHaveLength(1);
    expect(chat.sent).toHaveLength(1);
  });

  it('posts to Slack on retry when Slack was down, without publishing to the topic again', async () => {
    // Prepare
    const chat = new RecordingChat().failNext(
      new SlackUnavailableError('Slack webhook unavailable after 4 attempts: HTTP 500 rollup_error'),
    );
    const rig = alertRig(withSlack, undefined, chat);
    const event = findingFor(await findingEventOf(VALUE_CHANGED), 0);

    // Act
    const first = rig.alert(event, localContext('alert'));
    await expect(first).rejects.toBeInstanceOf(SlackUnavailableError);
    const published = rig.ports.notifier.sent.length;
    const retry = await rig.alert(event, localContext('alert'));

    // Assess
    expect(published).toBe(1);
    expect(retry).toMatchObject({ status: 'sent', channels: ['slack'] });
    expect(rig.ports.notifier.sent).toHaveLength(1);
    expect(chat.sent).toHaveLength(1);
  });

  it('settles an alert Slack refuses as failed, not retried (retrying cannot fix a removed webhook), and a redelivery does not publish to the topic again', async () => {
    // Prepare: the delivery and a later redelivery of the same event both meet a removed webhook.
    const refused = new SlackWebhookRejectedError(
      404,
      'no_service',
      `Slack webhook (secret ${SLACK_SECRET_ARN}) refused the message: HTTP 404 no_service`,
    );
    const chat = new RecordingChat().failNext(refused, 2);
    const rig = alertRig(withSlack, undefined, chat);
    const event = findingFor(await findingEventOf(VALUE_CHANGED), 0);

    // Act
    const outcomes: unknown[] = [];
    for (const time of ['2026-11-25T12:01:00.000Z', '2026-11-25T12:02:00.000Z']) {
      rig.at(time);
      outcomes.push(await rig.alert(structuredClone(event), localContext('alert')));
    }

    // Assess
    const failed = {
      status: 'failed',
      error: 'SlackWebhookRejectedError',
      reason: expect.stringContaining('HTTP 404 no_service') as unknown,
    };
    expect(outcomes).toEqual([failed, failed]);
    expect(rig.ports.notifier.sent).toHaveLength(1);
    expect(chat.sent).toEqual([]);
  });

  it('publishes nothing to the topic when only Slack is on', async () => {
    // Prepare
    const chat = new RecordingChat();
    const rig = alertRig(alertSettings({ channels: { email: false, slackWebhookSecretArn: SLACK_SECRET_ARN } }), undefined, chat);

    // Act
    const outcome = await rig.alert(findingFor(await findingEventOf(VALUE_CHANGED), 0), localContext('alert'));

    // Assess
    expect(outcome).toMatchObject({ status: 'sent', channels: ['slack'] });
    expect(rig.ports.notifier.sent).toEqual([]);
    expect(chat.sent).toHaveLength(1);
  });

  it("puts Chatbot's custom-notification document on the topic message when Chatbot is on", async () => {
    // Prepare
    const rig = alertRig(alertSettings({ channels: { chatbot: true } }));

    // Act
    await rig.alert(findingFor(await findingEventOf(VALUE_CHANGED), 0), localContext('alert'));

    // Assess
    expect(rig.ports.notifier.sent).toHaveLength(1);
    expect(rig.ports.notifier.sent[0]?.chatbot).toMatchObject({ version: '1.0', source: 'custom' });
  });

  it('still publishes to the topic when every channel is off: an alert is never sent nowhere', async () => {
    // Prepare
    const rig = alertRig(alertSettings({ channels: { email: false, chatbot: false } }));

    // Act
    const outcome = await rig.alert(findingFor(await findingEventOf(VALUE_CHANGED), 0), localContext('alert'));

    // Assess
    expect(outcome).toMatchObject({ status: 'sent', channels: ['sns'] });
    expect(rig.ports.notifier.sent).toHaveLength(1);
    expect(rig.ports.notifier.sent[0]?.chatbot).toBeUndefined();
  });
});

describe('Handler: alert-digest', () => {
  const stormOf = async (rig: ReturnType<typeof alertRig>, count: number, template?: FindingEvent, prefix?: string) => {
    const finding = template ?? (await findingEventOf(VALUE_CHANGED));
    for (let n = 0; n < count; n++) await rig.alert(findingFor(finding, n, prefix ? { prefix } : {}), localContext('alert'));
  };
  /** Secret names this long make a storm of 600 take several email parts (SNS's 256 KB, the text twice beside Chatbot's document). */
  const LONG_PREFIX = `prod/${'a-long-service-name/'.repeat(22)}secret-`;

  it('sends each digest to the topic and to Slack once, however often it runs', async () => {
    // Prepare
    const chat = new RecordingChat();
    const rig = alertRig(alertSettings({ digestAfter: 1, channels: { slackWebhookSecretArn: SLACK_SECRET_ARN } }), undefined, chat);
    await stormOf(rig, 4);

    // Act
    const first = await flushAt(rig, '2026-11-25T12:07:00Z');
    const second = await flushAt(rig, '2026-11-25T12:08:00Z');

    // Assess
    expect(first.digests).toMatchObject([{ status: 'sent', count: 3, parts: 1, channels: ['sns', 'slack'] }]);
    expect(second.digests).toEqual([]);
    expect(rig.ports.notifier.sent).toHaveLength(2);
    expect(chat.sent).toHaveLength(2);
    expect(rig.ports.digest.openWindows).toEqual([]);
  });

  it('posts one Slack message a digest, with what the storm shares and the command that lists every held finding', async () => {
    // Prepare: a store whose held alerts a command can list (the DynamoDB table's, in AWS).
    const chat = new RecordingChat();
    const rig = alertRig(alertSettings({ channels: { chatbot: true, slackWebhookSecretArn: SLACK_SECRET_ARN } }), undefined, chat);
    const listed: string[] = [];
    rig.ports.digest.listCommand = (window) => {
      listed.push(window.key);
      return [
        'aws',
        'dynamodb',
        'query',
        '--table-name',
        'secrets-remediator-test-digest',
        '--expression-attribute-values',
        `{":pk":{"S":"held#${window.key}"}}`,
      ];
    };
    await stormOf(rig, 600, undefined, LONG_PREFIX);
    const individual = chat.sent.length;

    // Act
    const flushed = await flushAt(rig, '2026-11-25T12:07:00Z');

    // Assess
    expect(flushed.digests).toMatchObject([{ status: 'sent', count: 595, channels: ['sns', 'slack'] }]);
    expect(flushed.digests[0]?.parts).toBeGreaterThan(1);
    expect(chat.sent).toHaveLength(individual + 1);
    const slack = JSON.stringify(chat.sent.at(-1));
    expect(listed).toEqual(['123456789012/us-east-1/value-changed-by-hand/2026-11-25T12:00:00.000Z']);
    expect(slack).toContain(
      `aws dynamodb query --table-name secrets-remediator-test-digest --expression-attribute-values '{\\":pk\\":{\\"S\\":\\"held#${listed[0]}\\"}}'`,
    );
    expect(slack).toContain('Caller');
    expect(slack).toContain('The first 5 alerts of this storm went out one by one');
    expect(slack).toContain('and 585 more');
  });

  it('keeps a digest Slack refused for the next run, which posts it without publishing to the topic again', async () => {
    // Prepare
    const chat = new RecordingChat();
    const rig = alertRig(alertSettings({ digestAfter: 1, channels: { slackWebhookSecretArn: SLACK_SECRET_ARN } }), undefined, chat);
    await stormOf(rig, 3);
    chat.failNext(new SlackUnavailableError('Slack webhook unavailable after 4 attempts: HTTP 503'));

    // Act
    const failed = flushAt(rig, '2026-11-25T12:07:00Z');
    await expect(failed).rejects.toMatchObject({ name: 'DigestDeliveryError', retryable: true });
    const published = rig.ports.notifier.sent.length;
    const next = await flushAt(rig, '2026-11-25T12:08:00Z');

    // Assess
    expect(published).toBe(2);
    expect(next.digests).toMatchObject([{ status: 'sent', count: 2, channels: ['slack'] }]);
    expect(rig.ports.notifier.sent).toHaveLength(2);
    expect(chat.sent).toHaveLength(2);
  });

  it('publishes every part of every digest to the topic while Slack is down, tries Slack once per run, and posts one message a digest when Slack is back', async () => {
    // Prepare: two windows (two rules), the first in several email parts (long names fill
    // SNS's 256 KB); Slack fails every post of the first run.
    const posts: string[] = [];
    let slackDown = false;
    const chat = {
      post: (message: { text: string }) => {
        posts.push(message.text);
        return slackDown
          ? Promise.reject(new SlackUnavailableError('Slack webhook unavailable after 4 attempts: HTTP 503'))
          : Promise.resolve();
      },
    };
    const rig = alertRig(
      alertSettings({ digestAfter: 1, channels: { chatbot: true, slackWebhookSecretArn: SLACK_SECRET_ARN } }),
      undefined,
      chat,
    );
    const template = await findingEventOf(VALUE_CHANGED);
    await stormOf(rig, 601, template, LONG_PREFIX);
    for (let n = 0; n < 3; n++) await rig.alert(findingFor(template, 1000 + n, { rule: 'abac-tag-changed' }), localContext('alert'));
    const individual = rig.ports.notifier.sent.length;
    posts.length = 0;
    slackDown = true;

    // Act
    const failed = flushAt(rig, '2026-11-25T12:07:00Z');
    await expect(failed).rejects.toMatchObject({ name: 'DigestDeliveryError', retryable: true });
    const published = rig.ports.notifier.sent.slice(individual).map((m) => m.subject);
    const slackTries = posts.length;
    slackDown = false;
    posts.length = 0;
    const next = await flushAt(rig, '2026-11-25T12:08:00Z');

    // Assess
    const parts = next.digests.reduce((sum, d) => sum + d.parts, 0);
    expect(next.digests.find((d) => d.rule === 'value-changed-by-hand')?.parts).toBeGreaterThan(2);
    expect(next.digests).toHaveLength(2);
    for (const digest of next.digests) expect(digest).toMatchObject({ status: 'sent', channels: ['slack'] });
    expect(published).toHaveLength(parts);
    expect(new Set(published).size).toBe(parts);
    expect(slackTries).toBe(1);
    expect(posts).toHaveLength(2);
    expect(rig.ports.notifier.sent).toHaveLength(individual + parts);
    expect(rig.ports.digest.openWindows).toEqual([]);
  });

  it('stops starting parts when time runs short, and the next run sends the rest, each part once', async () => {
    // Prepare: a storm whose digest takes several email parts (long names fill SNS's 256 KB),
    // and a run with time for two of them.
    const rig = alertRig(alertSettings({ digestAfter: 1, channels: { chatbot: true } }));
    await stormOf(rig, 601, undefined, LONG_PREFIX);
    let checks = 0;
    const shortRun: Context = { ...localContext('alert-digest'), getRemainingTimeInMillis: () => (++checks <= 3 ? 120_000 : 20_000) };

    // Act
    const first = await flushAt(rig, '2026-11-25T12:07:00Z', shortRun);
    const second = await flushAt(rig, '2026-11-25T12:08:00Z');

    // Assess
    const parts = second.digests[0]?.parts ?? 0;
    expect(parts).toBeGreaterThan(2);
    expect(first.digests).toMatchObject([{ status: 'deferred', count: 600 }]);
    expect(second.digests).toMatchObject([{ status: 'sent', count: 600, parts }]);
    const digestSubjects = rig.ports.notifier.sent.slice(1).map((m) => m.subject);
    expect(digestSubjects).toHaveLength(parts);
    expect(new Set(digestSubjects).size).toBe(parts);
  });
});

describe('Function: digestTableFor', () => {
  const config = (digestWindowMinutes: number, digestTableName?: string): Config => ({
    eventBusName: 'secrets-remediator-test',
    alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-test-alerts',
    stage: 'test',
    ledgerTableName: 'secrets-remediator-test-ledger',
    ...(digestTableName ? { digestTableName } : {}),
    policy: { ...DEFAULT_POLICY, alerts: { ...DEFAULT_POLICY.alerts, digestWindowMinutes } },
    mode: 'dry-run',
  });

  it('fails the cold start, naming the variable, when digests are on and the table is not set', () => {
    expect(() => digestTableFor(config(5))).toThrow(ConfigError);
    expect(() => digestTableFor(config(5))).toThrow(/DIGEST_TABLE_NAME: missing/);
  });

  it('answers the table when set, and needs none with digests off', () => {
    expect(digestTableFor(config(5, 'secrets-remediator-test-digest'))).toBe('secrets-remediator-test-digest');
    expect(digestTableFor(config(0))).toBeUndefined();
  });
});
