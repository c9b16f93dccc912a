/**
 * The event parser over every real sample and a set of malformed inputs: it takes what it can
 * from messy published events and names exactly what is missing from bad ones.
 */
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent, parseCloudTrailEvent } from '../../shared/contracts/cloudtrail-event.js';
import { InvalidEventError } from '../../shared/errors.js';
import { wrapCloudTrailRecord } from '../../shared/replay/load-events.js';
import { loadPublishedFixture, loadSampleEvent, publishedFixtureFiles, sampleEventFiles } from '../helpers/events.js';

const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseCloudTrailEvent(raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected the event to be rejected');
};

describe('Function: parseCloudTrailEvent', () => {
  const eventBridgeSamples = sampleEventFiles().filter((file) => 'detail' in loadSampleEvent(file));

  it('finds EventBridge samples to parse', () => {
    expect(eventBridgeSamples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(eventBridgeSamples)('parses the sample %s', (file) => {
    // Prepare
    const raw = loadSampleEvent<{ source: string; detail: { eventName?: string; configRuleName?: string; findings?: { Id: string }[] } }>(
      file,
    );

    // Act
    const parsed = parseClassifiableEvent(raw);

    // Assess
    if (parsed.kind === 'cloudtrail') {
      expect(parsed.event.source).toBe('aws.secretsmanager');
      expect(parsed.event.detail.eventName).toBe(raw.detail.eventName);
    } else if (parsed.kind === 'securityhub') {
      expect(raw.source).toBe('aws.securityhub');
      expect(parsed.event.detail.findings.map((f) => f.Id)).toEqual(raw.detail.findings?.map((f) => f.Id));
    } else {
      expect(raw.source).toBe('aws.config');
      expect(parsed.event.detail.configRuleName).toBe(raw.detail.configRuleName);
    }
  });

  it.each(publishedFixtureFiles().filter((f) => f.includes('cloudtrail-record')))(
    'parses the published bare record %s once wrapped in the EventBridge envelope',
    (name) => {
      const event = parseCloudTrailEvent(wrapCloudTrailRecord(loadPublishedFixture(name)));

      expect(event['detail-type']).toBe('AWS API Call via CloudTrail');
      expect(event.detail.requestParameters).toMatchObject({ name: 'MyDatabaseSecret' });
    },
  );

  it('keeps the fields it does not know (a lenient schema, not a lossy one)', () => {
    const event = parseCloudTrailEvent(loadPublishedFixture('RotationFailed.eventbridge.umccr.json'));

    expect(event.detail).toMatchObject({ eventCategory: 'Management', managementEvent: true });
  });

  it('accepts a JSON string as well as an object', () => {
    const text = JSON.stringify(loadPublishedFixture('RotationSucceeded.eventbridge.aws-blog.json'));

    expect(parseCloudTrailEvent(text).detail.eventName).toBe('RotationSucceeded');
  });

  it.each([
    ['text that is not JSON', '{"version": "0", ', /^event: not JSON/],
    ['null', null, /^event: expected a JSON object, received null$/],
    ['an array', [], /^event: expected a JSON object, received an array$/],
    ['a number', 42, /^event: expected a JSON object, received number$/],
  ])('rejects %s and says so', (_label, raw, expected) => {
    expect(problemsOf(raw)).toEqual([expect.stringMatching(expected)]);
  });

  it('rejects a bare CloudTrail record and names the missing envelope', () => {
    const problems = problemsOf(loadPublishedFixture('CreateSecret.cloudtrail-record.awsdocs.json'));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /bare CloudTrail record.*lacks the envelope \(version, id, detail-type, source, account, time, region, resources, detail\)/,
    );
  });

  it('names each missing field by its path', () => {
    // Prepare
    const raw = loadPublishedFixture<{ detail: Record<string, unknown>; region?: string }>('RotationFailed.eventbridge.umccr.json');
    delete raw.detail.eventName;
    delete raw.detail.eventSource;
    delete raw.region;

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        'region: missing (expected string)',
        'detail.eventName: missing (expected string)',
        'detail.eventSource: missing (expected string)',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('rejects a field of the wrong type, naming it', () => {
    const raw = loadPublishedFixture<{ detail: Record<string, unknown> }>('RotationFailed.eventbridge.umccr.json');
    raw.detail.additionalEventData = 'arn:aws:secretsmanager:...';

    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^detail\.additionalEventData: /)]);
  });

  it('rejects an event without detail', () => {
    const raw = loadPublishedFixture<{ detail?: unknown }>('RotationFailed.eventbridge.umccr.json');
    delete raw.detail;

    expect(problemsOf(raw)).toEqual(['detail: missing (expected object)']);
  });
});
