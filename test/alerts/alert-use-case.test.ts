/**
 * The alert use case, run as Lambda runs it (the alert function's real middy chain, in-memory
 * ports, a clock the test moves): in a storm it sends the first alerts and holds the rest for
 * the digest, keeps to the policy's channels and minimum severity, and sends each alert once
 * on each channel whatever fails and is retried.
 */
import { describe, expect, it } from 'vitest';
import { type AlertOutcome, makeHandler as makeAlert } from '../../shared/handlers/alert.js';
import { SlackUnavailableError } from '../../shared/adapters/slack-webhook.js';
import { alertKeyOf } from '../../shared/alerts/alert-use-case.js';
import { AlertInProgressError } from '../../shared/alerts/delivery.js';
import { windowFor } from '../../shared/alerts/storm.js';
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
  flushAt,
  resultEventFor,
  SLACK_SECRET_ARN,
  statusesOf,
} from '../helpers/alerts.js';

const VALUE_CHANGED = 'value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json';
const FORCE_DELETED = 'secret-force-deleted/fires.DeleteSecret.authored.force.json';

describe('Alert use case: a storm', () => {
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

describe('Alert use case: minimum severity', () => {
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

describe('Alert use case: channels', () => {
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
