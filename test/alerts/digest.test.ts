/**
 * Storms: a digest of many findings of one rule leads with what they share (caller, user agent,
 * name prefix, rotation function), then counts by caller and prefix. The email lists every
 * finding, in as few parts as SNS's 256 KB allows; Slack gets one message and Chatbot one
 * document per email part, with the summary, the first few and the command that lists the rest.
 */
import { digestOf } from '../helpers/alerts.js';
import { describe, expect, it } from 'vitest';
import { limitViolations } from '../../shared/alerts/check-limits.js';
import { CHAT_ITEMS } from '../../shared/alerts/digest.js';
import { SNS_LIMITS, snsPublishBytes } from '../../shared/alerts/limits.js';
import { type DigestItem, type DigestRenderings, renderDigest } from '../../shared/alerts/render.js';

const ALICE = 'arn:aws:iam::123456789012:user/alice';
const CLI = 'aws-cli/2.22.5 md/Botocore#1.35.80 ua/2.0 os/linux#6.1';
const ROTATION_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation';

const item = (i: number, overrides: Partial<DigestItem> = {}): DigestItem => ({
  findingId: `f${String(i).padStart(5, '0')}-4c7d-8e9f/rotation-failed`,
  secret: `prod/service-${String(i).padStart(5, '0')}/db`,
  time: '2026-11-24T10:15:00Z',
  outcome: 'planned',
  reason: 'Secrets Manager reported RotationFailed at setSecret',
  ...overrides,
});

const texts = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? value.map(texts).join('\n')
      : value && typeof value === 'object'
        ? Object.values(value).map(texts).join('\n')
        : '';

const withoutOutcome = ({ outcome: _outcome, ...rest }: DigestItem): DigestItem => rest;

/** The email's text, every part. */
const emailOf = (rendered: DigestRenderings): string => rendered.email.map((part) => part.sns.body).join('\n');

const LIST_COMMAND = [
  'aws',
  'dynamodb',
  'query',
  '--region',
  'us-east-1',
  '--table-name',
  'secrets-remediator-dev-digest',
  '--key-condition-expression',
  'pk = :pk',
  '--expression-attribute-values',
  '{":pk":{"S":"held#123456789012/us-east-1/rotation-failed/2026-11-24T10:15:00.000Z"}}',
  '--query',
  'Items[].alert.S',
  '--output',
  'json',
];

describe('Function: renderDigest', () => {
  it('renders a small storm as one message a channel: count, rule, window, each secret with its outcome', () => {
    // Prepare
    const digest = digestOf([item(1), item(2, { outcome: 'failed' }), withoutOutcome(item(3))]);

    // Act
    const rendered = renderDigest(digest, { chatbot: true });

    // Assess
    expect(rendered.email).toHaveLength(1);
    const [part] = rendered.email;
    expect(part?.sns.subject).toBe('[HIGH] rotation-failed: 3 findings (123456789012/us-east-1)');
    expect(part?.sns.attributes).toEqual({
      severity: 'high',
      rule: 'rotation-failed',
      account: '123456789012',
      region: 'us-east-1',
      secret: 'digest',
      findings: '3',
      part: '1/1',
    });
    for (const channel of [part?.sns.body ?? '', texts(part?.chatbot), texts(rendered.slack)]) {
      expect(channel).toContain('3 findings');
      expect(channel).toContain('rotation-failed');
      expect(channel).toContain('2026-11-24T10:15:00Z and 2026-11-24T10:20:00Z');
      expect(channel).toContain('prod/service-00002/db');
      expect(channel).toMatch(/prod\/service-00002\/db.*failed/);
    }
    // One reason for all: said once, under what they share, and left off each line.
    expect(part?.sns.body).toContain('Why each fired: Secrets Manager reported RotationFailed at setSecret');
    expect(part?.sns.body).toContain('- prod/service-00001/db [planned] (2026-11-24T10:15:00Z, finding f00001-4c7d-8e9f/rotation-failed)');
    expect(part?.chatbot.metadata.threadId).toBe('123456789012/us-east-1/digest/rotation-failed');
    expect(part?.sns.chatbot).toEqual(part?.chatbot);
    expect(part && limitViolations({ ...part, slack: rendered.slack })).toEqual([]);
    expect(rendered).toMatchSnapshot();
  });

  it('leads with what a storm shares: one caller, one user agent, one name prefix, in every channel', () => {
    // Prepare: alice changed 1,000 secrets under prod/payments/.
    const items = Array.from({ length: 1000 }, (_, i) =>
      item(i, { secret: `prod/payments/svc-${i}`, caller: ALICE, userAgent: CLI, reason: `PutSecretValue by ${ALICE} (iam-user)` }),
    );

    // Act
    const rendered = renderDigest(digestOf(items, { rule: 'value-changed-by-hand', sentBefore: 5 }), { chatbot: true });

    // Assess
    const [first] = rendered.email;
    for (const channel of [first?.sns.body ?? '', texts(first?.chatbot), texts(rendered.slack)]) {
      expect(channel).toContain(ALICE);
      expect(channel).toContain(CLI);
      expect(channel).toContain('prod/payments/');
      expect(channel).toContain('first 5 alerts');
    }
    const body = first?.sns.body ?? '';
    expect(body.indexOf('What they share')).toBeLessThan(body.indexOf('Findings'));
    expect(body).toContain(`Caller: ${ALICE}`);
    expect(body).not.toContain('By caller');
    expect(rendered.slack.text).toContain(`all by ${ALICE}`);
  });

  it('counts by caller when two share a storm half and half, and by prefix when the names share none', () => {
    // Prepare
    const bob = 'arn:aws:iam::123456789012:user/bob';
    const items = Array.from({ length: 100 }, (_, i) =>
      item(i, { secret: i % 2 === 0 ? `team-${i % 4}/db-${i}` : `flat-${i}`, caller: i % 2 === 0 ? ALICE : bob, reason: `reason ${i}` }),
    );

    // Act
    const rendered = renderDigest(digestOf(items));

    // Assess
    const body = rendered.email[0]?.sns.body ?? '';
    expect(body).toContain('no one caller, user agent or name prefix');
    expect(body).toContain(`By caller\n  50 findings: ${ALICE}\n  50 findings: ${bob}`);
    expect(body).toContain('By name prefix\n  50 findings: (no prefix)\n  25 findings: team-0/\n  25 findings: team-2/');
    // Each line says its caller, since they do not share one.
    expect(body).toContain(`- flat-1: reason 1 by ${bob} [planned]`);
    expect(texts(rendered.slack)).toContain('50 findings');
  });

  it('counts a finding without a caller apart, and names the rotation function every finding shares', () => {
    // Prepare
    const items = [
      ...Array.from({ length: 9 }, (_, i) => item(i, { caller: ALICE, rotationFunction: ROTATION_FUNCTION })),
      item(9, { rotationFunction: ROTATION_FUNCTION }),
    ];

    // Act
    const rendered = renderDigest(digestOf(items));

    // Assess
    const body = rendered.email[0]?.sns.body ?? '';
    expect(body).toContain(`Rotation function: ${ROTATION_FUNCTION}`);
    expect(body).toContain(`By caller\n  9 findings: ${ALICE}\n  1 finding: (no caller)`);
    expect(body).not.toContain('Caller: ');
  });

  it('shows chat the first few and the command that lists them all, and the email every one, in as few parts as SNS allows', () => {
    // Prepare: long names and reasons that differ, so the list is large.
    const items = Array.from({ length: 1000 }, (_, i) =>
      item(i, {
        secret: `prod/${'team-'.repeat(20)}${i}/db`,
        reason: `reason ${i}: ${'the rotation function timed out; '.repeat(6)}`,
        caller: ALICE,
      }),
    );

    // Act
    const rendered = renderDigest(digestOf(items, { listCommand: LIST_COMMAND }), { chatbot: true });

    // Assess: every part fits each channel, and is not cut.
    expect(rendered.email.length).toBeGreaterThan(1);
    expect(rendered.email.length).toBeLessThanOrEqual(5);
    for (const [i, part] of rendered.email.entries()) {
      expect(limitViolations({ ...part, slack: rendered.slack })).toEqual([]);
      expect(snsPublishBytes(part.sns)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
      expect(part.sns.body).not.toContain('cut to fit');
      expect(part.sns.subject).toBe(
        `[HIGH] rotation-failed: 1000 findings, part ${i + 1}/${rendered.email.length} (123456789012/us-east-1)`,
      );
    }
    // The email lists each finding once, in order.
    const seen = [...emailOf(rendered).matchAll(/team-(\d+)\/db/g)].map((m) => Number(m[1]));
    expect(seen).toEqual(items.map((_, i) => i));
    // Chat names the first few, says how many more, and gives the command, quoted for a shell.
    const command = `aws dynamodb query --region us-east-1 --table-name secrets-remediator-dev-digest --key-condition-expression 'pk = :pk' --expression-attribute-values '{":pk":{"S":"held#123456789012/us-east-1/rotation-failed/2026-11-24T10:15:00.000Z"}}' --query 'Items[].alert.S' --output json`;
    for (const chat of [texts(rendered.slack), texts(rendered.email[0]?.chatbot)]) {
      expect([...chat.matchAll(/team-(\d+)\/db/g)].map((m) => Number(m[1]))).toEqual(items.slice(0, CHAT_ITEMS).map((_, i) => i));
      expect(chat).toContain(`and ${1000 - CHAT_ITEMS} more`);
      expect(chat).toContain(command);
    }
    expect(rendered.email[0]?.sns.body).toContain(command);
    // A later part's Chatbot document says only which items the email's list goes on with.
    expect(rendered.email[1]?.chatbot.content.description).toMatch(/goes on with items \d+–\d+/);
  });

  it('needs fewer parts without a Chatbot document, which doubles the text in the SNS message', () => {
    // Prepare
    const items = Array.from({ length: 1000 }, (_, i) =>
      item(i, { secret: `prod/${'team-'.repeat(20)}${i}/db`, reason: `reason ${i}: ${'the rotation function timed out; '.repeat(6)}` }),
    );

    // Act
    const withChatbot = renderDigest(digestOf(items), { chatbot: true });
    const plain = renderDigest(digestOf(items), { chatbot: false });

    // Assess
    expect(plain.email.length).toBeLessThan(withChatbot.email.length);
    for (const part of plain.email) expect(part.sns.chatbot).toBeUndefined();
    expect([...emailOf(plain).matchAll(/team-(\d+)\/db/g)]).toHaveLength(1000);
  });

  it('escapes hostile text in a shared user agent for chat, and redacts what it carries', () => {
    // Prepare
    const hostile = 'evil <!channel> *bold* `tick` password=Sup3rS3cretPassw0rd';
    const items = [item(1, { userAgent: hostile, caller: ALICE }), item(2, { userAgent: hostile, caller: ALICE })];

    // Act
    const rendered = renderDigest(digestOf(items), { chatbot: true });

    // Assess
    expect(JSON.stringify(rendered)).not.toContain('Sup3rS3cret');
    for (const chat of [JSON.stringify(rendered.slack), JSON.stringify(rendered.email[0]?.chatbot)]) {
      expect(chat).not.toContain('<!channel>');
      expect(chat).toContain('&lt;!channel&gt;');
    }
    expect(rendered.email[0]?.sns.body).toContain('User agent: evil <!channel>');
  });

  it('redacts what the items carry from events', () => {
    // Prepare
    const digest = digestOf([item(1, { reason: 'connect postgres://app:Sup3rS3cretPassw0rd@db:5432/x failed' })]);

    // Act
    const rendered = renderDigest(digest);

    // Assess
    expect(JSON.stringify(rendered)).not.toContain('Sup3rS3cret');
    expect(rendered.email[0]?.sns.body).toContain('postgres://app:[REDACTED password]@db:5432/x');
  });

  it("lists the CloudTrail events from the first to the last finding's own event time, not the window", () => {
    // Prepare: events that happened before the window they were processed in.
    const digest = digestOf([
      item(1, { time: '2026-11-24T10:12:41Z' }),
      item(2, { time: '2026-11-24T10:09:03Z' }),
      item(3, { time: '2026-11-24T10:14:59Z' }),
    ]);

    // Act
    const rendered = renderDigest(digest);

    // Assess
    expect(rendered.email[0]?.sns.body).toContain(
      'aws cloudtrail lookup-events --region us-east-1 --start-time 2026-11-24T10:09:03.000Z --end-time 2026-11-24T10:14:59.000Z --lookup-attributes AttributeKey=EventSource,AttributeValue=secretsmanager.amazonaws.com',
    );
  });

  it('lists the CloudTrail events of the window when no finding carries a time', () => {
    // Prepare
    const digest = digestOf([item(1, { time: '' }), item(2, { time: 'unknown' })]);

    // Act
    const rendered = renderDigest(digest);

    // Assess
    expect(rendered.email[0]?.sns.body).toContain('--start-time 2026-11-24T10:15:00Z --end-time 2026-11-24T10:20:00Z');
  });
});
