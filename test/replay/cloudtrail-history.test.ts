/**
 * `replay --from-cloudtrail --since`: the account's own Secrets Manager history from CloudTrail's
 * LookupEvents (paged, paced under two calls a second, the time range it was asked for). Its
 * replay through the real rules: from-cloudtrail.test.ts.
 */
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cloudTrailHistoryAdapter } from '../../shared/adapters/cloudtrail-history.js';
import { UsageError } from '../../shared/cli/errors.js';
import { parseSince, readSecretsManagerHistory } from '../../shared/replay/cloudtrail-history.js';
import { loadHistory } from '../../shared/replay/from-cloudtrail.js';
import { MemoryCloudTrailHistory } from '../../shared/sandbox/memory-cloudtrail-history.js';
import { repoRoot } from '../helpers/events.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const logRecords = (
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'cloudtrail', 'log-file.json'), 'utf8')) as {
    Records: Record<string, unknown>[];
  }
).Records;

/** `count` Secrets Manager records, one a minute from 10:00 on 24 November. */
const describeCalls = (count: number): Record<string, unknown>[] =>
  Array.from({ length: count }, (_, i) => ({
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'DescribeSecret',
    eventType: 'AwsApiCall',
    awsRegion: 'us-east-1',
    eventTime: new Date(Date.UTC(2026, 10, 24, 10, i)).toISOString().replace('.000', ''),
    eventID: `event-${i}`,
    recipientAccountId: '123456789012',
    requestParameters: { secretId: 'prod/payments/db' },
  }));

describe('--since', () => {
  it.each([
    ['7d', '2026-11-18T12:00:00.000Z'],
    ['12h', '2026-11-25T00:00:00.000Z'],
    ['30m', '2026-11-25T11:30:00.000Z'],
    ['90d', '2026-08-27T12:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-20T08:15:00Z', '2026-11-20T08:15:00.000Z'],
  ])('reads %s as %s', (value, expected) => {
    expect(parseSince(value, NOW).toISOString()).toBe(expected);
  });

  it('refuses more than the 90 days LookupEvents keeps, saying where older events are', () => {
    expect(() => parseSince('91d', NOW)).toThrow(UsageError);
    expect(() => parseSince('2026-01-01', NOW)).toThrow(/keeps 90 days.*log files in S3/);
  });

  it.each(['7 days', 'yesterday', '7w', '-3d', '2026-13-45'])('refuses %s as a usage error', (value) => {
    expect(() => parseSince(value, NOW)).toThrow(UsageError);
  });

  it('refuses a time in the future', () => {
    expect(() => parseSince('2026-12-01', NOW)).toThrow(/in the future/);
  });
});

describe('the LookupEvents adapter and the paced reader', () => {
  const cloudTrail = mockClient(CloudTrailClient);
  beforeEach(() => cloudTrail.reset());
  afterEach(() => vi.useRealTimers());

  it('asks for Secrets Manager events between --since and now, 50 a page, passing each token on', async () => {
    cloudTrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [{ EventId: 'b', CloudTrailEvent: JSON.stringify(describeCalls(2)[1]) }], NextToken: 'page-2' })
      .resolvesOnce({ Events: [{ EventId: 'a', CloudTrailEvent: JSON.stringify(describeCalls(1)[0]) }] });
    const since = parseSince('7d', NOW);

    const read = await readSecretsManagerHistory(cloudTrailHistoryAdapter(new CloudTrailClient({ region: 'us-east-1' })), {
      since,
      until: NOW,
    });

    const inputs = cloudTrail.commandCalls(LookupEventsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      {
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'secretsmanager.amazonaws.com' }],
        StartTime: since,
        EndTime: NOW,
        MaxResults: 50,
      },
      {
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'secretsmanager.amazonaws.com' }],
        StartTime: since,
        EndTime: NOW,
        MaxResults: 50,
        NextToken: 'page-2',
      },
    ]);
    expect(read).toMatchObject({ ok: true, pages: 2, source: { format: 'lookup-events', records: 2, secretsManager: 2 } });
  });

  it('never makes more than two calls in any one second, however many pages there are', async () => {
    vi.useFakeTimers({ now: NOW });
    const calledAt: number[] = [];
    const pages = 7;
    cloudTrail.on(LookupEventsCommand).callsFake((input: LookupEventsCommandInput) => {
      calledAt.push(Date.now());
      const page = Number(input.NextToken ?? 0);
      return {
        Events: [{ EventId: `e${page}`, CloudTrailEvent: JSON.stringify(describeCalls(pages)[page]) }],
        ...(page + 1 < pages ? { NextToken: String(page + 1) } : {}),
      };
    });

    const reading = readSecretsManagerHistory(cloudTrailHistoryAdapter(new CloudTrailClient({ region: 'us-east-1' })), {
      since: parseSince('1d', NOW),
      until: NOW,
    });
    await vi.advanceTimersByTimeAsync(10_000);
    const read = await reading;

    expect(read).toMatchObject({ ok: true, pages });
    expect(calledAt).toHaveLength(pages);
    for (let i = 2; i < calledAt.length; i += 1) expect(calledAt[i]! - calledAt[i - 2]!).toBeGreaterThanOrEqual(1000);
    // Paced, not stalled: seven calls at two a second take three seconds, not seven.
    expect(calledAt.at(-1)! - calledAt[0]!).toBeLessThanOrEqual(3000);
  });

  it('leaves other AWS errors to the CLI, which explains them (region, credentials, endpoint)', async () => {
    cloudTrail.on(LookupEventsCommand).rejects(Object.assign(new Error('Region is missing'), { name: 'Error' }));

    const loading = loadHistory(cloudTrailHistoryAdapter(new CloudTrailClient({ region: 'us-east-1' })), { since: '7d', now: NOW });

    await expect(loading).rejects.toThrow('Region is missing');
    await expect(loading).rejects.not.toThrow(UsageError);
  });

  it('names the permission when LookupEvents is refused', async () => {
    cloudTrail.on(LookupEventsCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    await expect(
      loadHistory(cloudTrailHistoryAdapter(new CloudTrailClient({ region: 'us-east-1' })), { since: '7d', now: NOW }),
    ).rejects.toThrow(/cloudtrail:LookupEvents/);
  });
});

describe('the in-memory history', () => {
  it('answers as LookupEvents does: one event source, the time range, newest first, in pages', async () => {
    const history = new MemoryCloudTrailHistory([...describeCalls(5), ...logRecords], 2);

    const read = await readSecretsManagerHistory(history, {
      since: new Date('2026-11-24T10:01:00Z'),
      until: new Date('2026-11-24T10:15:00Z'),
      onPage: () => undefined,
    });

    expect(history.requests.map((r) => r.nextToken)).toEqual([undefined, '2', '4']);
    expect(read.ok && (read.value as { detail: { eventTime: string } }[]).map((e) => e.detail.eventTime)).toEqual([
      '2026-11-24T10:01:00Z',
      '2026-11-24T10:02:00Z',
      '2026-11-24T10:03:00Z',
      '2026-11-24T10:04:00Z',
      '2026-11-24T10:15:00Z',
    ]);
  });
});
