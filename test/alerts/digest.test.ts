/**
 * Storms: a digest of many findings of one rule says the count, the rule, the window and each
 * secret with its outcome — split into parts when one message would be too big for a channel,
 * with every item in exactly one part, in order, in every channel.
 */
import { describe, expect, it } from 'vitest';
import { limitViolations } from '../../shared/alerts/check-limits.js';
import { type Digest, type DigestItem, renderDigest } from '../../shared/alerts/render.js';

const item = (i: number, overrides: Partial<DigestItem> = {}): DigestItem => ({
  findingId: `f${String(i).padStart(5, '0')}-4c7d-8e9f/rotation-failed`,
  secret: `prod/service-${String(i).padStart(5, '0')}/db`,
  time: '2026-11-24T10:15:00Z',
  outcome: 'planned',
  reason: 'Secrets Manager reported RotationFailed at setSecret',
  ...overrides,
});

const digestOf = (items: readonly DigestItem[]): Digest => ({
  rule: 'rotation-failed',
  title: 'Secret rotation failed',
  severity: 'high',
  account: '123456789012',
  region: 'us-east-1',
  windowStart: '2026-11-24T10:15:00Z',
  windowEnd: '2026-11-24T10:20:00Z',
  items,
});

const texts = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.map(texts).join('\n') : value && typeof value === 'object' ? Object.values(value).map(texts).join('\n') : '';

const withoutOutcome = ({ outcome: _outcome, ...rest }: DigestItem): DigestItem => rest;

describe('Function: renderDigest', () => {
  it('renders a small storm as one message: count, rule, window, each secret with its outcome', () => {
    // Prepare
    const digest = digestOf([item(1), item(2, { outcome: 'failed' }), withoutOutcome(item(3))]);

    // Act
    const parts = renderDigest(digest, { chatbot: true });

    // Assess
    expect(parts).toHaveLength(1);
    const [part] = parts;
    expect(part?.sns.subject).toBe('[HIGH] rotation-failed: 3 findings (123456789012/us-east-1)');
    expect(part?.sns.attributes).toEqual({ severity: 'high', rule: 'rotation-failed', account: '123456789012', region: 'us-east-1', secret: 'digest', findings: '3', part: '1/1' });
    for (const channel of [part?.sns.body ?? '', texts(part?.chatbot), texts(part?.slack)]) {
      expect(channel).toContain('3 findings');
      expect(channel).toContain('rotation-failed');
      expect(channel).toContain('2026-11-24T10:15:00Z and 2026-11-24T10:20:00Z');
      expect(channel).toContain('prod/service-00002/db');
      expect(channel).toMatch(/prod\/service-00002\/db.*failed/);
    }
    expect(part?.sns.body).toContain('- prod/service-00001/db: Secrets Manager reported RotationFailed at setSecret [planned] (2026-11-24T10:15:00Z, finding f00001-4c7d-8e9f/rotation-failed)');
    expect(part?.chatbot.metadata.threadId).toBe('123456789012/us-east-1/digest/rotation-failed');
    expect(part?.sns.chatbot).toEqual(part?.chatbot);
    expect(part && limitViolations(part)).toEqual([]);
    expect(part).toMatchSnapshot();
  });

  it('splits a large storm into parts that each fit every channel, losing no item and keeping their order', () => {
    // Prepare: long names and reasons, so the limits bite.
    const items = Array.from({ length: 1000 }, (_, i) => item(i, { secret: `prod/${'team-'.repeat(20)}${i}/db`, reason: `reason ${i}: ${'the rotation function timed out; '.repeat(10)}` }));

    // Act
    const parts = renderDigest(digestOf(items), { chatbot: true });

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, part] of parts.entries()) {
      expect(limitViolations(part)).toEqual([]);
      expect(part.sns.subject).toBe(`[HIGH] rotation-failed: 1000 findings, part ${i + 1}/${parts.length} (123456789012/us-east-1)`);
    }
    for (const channel of ['email', 'chatbot', 'slack'] as const) {
      const seen = parts.flatMap((part) => {
        const text = channel === 'email' ? part.sns.body : texts(channel === 'chatbot' ? part.chatbot.content.description : part.slack.blocks);
        return [...text.matchAll(/team-(\d+)\/db/g)].map((m) => Number(m[1]));
      });
      expect(seen, channel).toEqual(items.map((_, i) => i));
    }
  });

  it('redacts what the items carry from events', () => {
    // Prepare
    const digest = digestOf([item(1, { reason: 'connect postgres://app:Sup3rS3cretPassw0rd@db:5432/x failed' })]);

    // Act
    const [part] = renderDigest(digest);

    // Assess
    expect(JSON.stringify(part)).not.toContain('Sup3rS3cret');
    expect(part?.sns.body).toContain('postgres://app:[REDACTED password]@db:5432/x');
  });

  it("lists the CloudTrail events from the first to the last finding's own event time, not the window", () => {
    // Prepare: events that happened before the window they were processed in.
    const digest = digestOf([item(1, { time: '2026-11-24T10:12:41Z' }), item(2, { time: '2026-11-24T10:09:03Z' }), item(3, { time: '2026-11-24T10:14:59Z' })]);

    // Act
    const [part] = renderDigest(digest);

    // Assess
    expect(part?.sns.body).toContain(
      "aws cloudtrail lookup-events --region us-east-1 --start-time 2026-11-24T10:09:03.000Z --end-time 2026-11-24T10:14:59.000Z --lookup-attributes AttributeKey=EventSource,AttributeValue=secretsmanager.amazonaws.com",
    );
  });

  it('lists the CloudTrail events of the window when no finding carries a time', () => {
    // Prepare
    const digest = digestOf([item(1, { time: '' }), item(2, { time: 'unknown' })]);

    // Act
    const [part] = renderDigest(digest);

    // Assess
    expect(part?.sns.body).toContain('--start-time 2026-11-24T10:15:00Z --end-time 2026-11-24T10:20:00Z');
  });
});
