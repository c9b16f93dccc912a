/**
 * The digest flush, run as Lambda runs it (alert-digest's real middy chain over the ports the
 * alert function held a storm in, a clock the test moves): each closed window's digest goes
 * out once on each channel, in as many email parts as it takes; what Slack refused or time cut
 * short is sent by the next run, and nothing twice.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { SlackUnavailableError } from '../../shared/adapters/slack-webhook.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { RecordingChat } from '../../shared/sandbox/recording-chat.js';
import { alertRig, alertSettings, type FindingEvent, findingEventOf, findingFor, flushAt, SLACK_SECRET_ARN } from '../helpers/alerts.js';

const VALUE_CHANGED = 'value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json';

describe('Digest flush', () => {
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
