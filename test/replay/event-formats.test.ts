/**
 * What a replayed file may hold, without the file: JSON text parsed with its byte-order mark
 * dropped and hostile nesting refused before parsing; EventBridge events, bare CloudTrail records,
 * a trail's log file and lookup-events output recognised by shape and turned into the events the
 * rules expect (only Secrets Manager's, oldest first, wrapped as EventBridge wraps them); every
 * rejection naming the field and what is wrong, never the text found there. Reading files from
 * disk (gzip, folders) is load-events.test.ts's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_CALL, SERVICE_EVENT } from '../../shared/contracts/cloudtrail-event.js';
import {
  type DecodedEvents,
  decodeEvents,
  describeJsonType,
  describeSource,
  jsonNestingDepth,
  MAX_NESTING_DEPTH,
  parseJsonText,
  secretsManagerEvents,
  wrapCloudTrailRecord,
} from '../../shared/replay/event-formats.js';
import { loadPublishedFixture, repoRoot } from '../helpers/events.js';

const fixturesDir = join(repoRoot, 'test', 'fixtures', 'cloudtrail');
const LOG_FILE = readFileSync(join(fixturesDir, 'log-file.json'), 'utf8');
const LOOKUP = readFileSync(join(fixturesDir, 'lookup-events.json'), 'utf8');

type Json = Record<string, unknown>;

const record = (eventName: string, eventTime: string, change: Json = {}): Json => ({
  eventVersion: '1.08',
  eventSource: 'secretsmanager.amazonaws.com',
  eventName,
  eventTime,
  eventType: 'AwsApiCall',
  awsRegion: 'eu-west-1',
  recipientAccountId: '210987654321',
  userIdentity: { type: 'IAMUser', accountId: '210987654321' },
  ...change,
});

const accepted = (decoded: DecodedEvents) => {
  if (!decoded.ok) throw new Error(`expected it accepted, it was rejected: ${decoded.problem}`);
  return decoded;
};
const problemOf = (decoded: DecodedEvents | ReturnType<typeof parseJsonText>): string => {
  if (decoded.ok) throw new Error('expected it rejected, it was accepted');
  return decoded.problem;
};
const eventNames = (value: unknown): unknown[] => (value as { detail: Json }[]).map((e) => e.detail.eventName);

describe('Function: describeJsonType', () => {
  it.each([
    [null, 'null'],
    [[], 'an array'],
    [{}, 'an object'],
    ['hunter2', 'a string'],
    [7, 'a number'],
    [true, 'a boolean'],
    [undefined, 'a undefined'],
  ])('names %j as %s, never the value', (value, words) => {
    expect(describeJsonType(value)).toBe(words);
  });
});

describe('Function: jsonNestingDepth', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonNestingDepth('{"a": "[[[[{{{{\\"", "b": [[1]]}')).toBe(3);
  });

  it('reads an escaped backslash before a closing quote as the end of the string', () => {
    expect(jsonNestingDepth('["a\\\\", [[1]]]')).toBe(3);
  });

  it('is 0 for a scalar and stops counting as soon as the limit is passed', () => {
    expect(jsonNestingDepth('42')).toBe(0);
    expect(jsonNestingDepth('['.repeat(10_000), 5)).toBe(6);
  });

  it('finds the real log file fixture well under the limit', () => {
    expect(jsonNestingDepth(LOG_FILE)).toBeLessThan(MAX_NESTING_DEPTH);
  });
});

describe('Function: parseJsonText', () => {
  it('parses JSON text, a leading byte-order mark dropped', () => {
    expect(parseJsonText('\uFEFF{"a": [1]}', 'event')).toStrictEqual({ ok: true, value: { a: [1] } });
  });

  it.each(['', '   \n', '\uFEFF'])('refuses text with no JSON in it: %j', (text) => {
    expect(problemOf(parseJsonText(text, 'event'))).toBe('event: empty, no JSON in it');
  });

  it(`accepts ${MAX_NESTING_DEPTH} levels of nesting and refuses one more, before parsing`, () => {
    // Prepare
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

    // Act / Assess
    expect(parseJsonText(nested(MAX_NESTING_DEPTH), 'event').ok).toBe(true);
    expect(problemOf(parseJsonText(nested(MAX_NESTING_DEPTH + 1), 'Events[2].CloudTrailEvent'))).toBe(
      `Events[2].CloudTrailEvent: arrays and objects nest deeper than ${MAX_NESTING_DEPTH} levels; no CloudTrail or EventBridge event does`,
    );
  });

  it.each([
    ['{"password": "hunter2', 'event: not JSON (syntax error at character 21)'],
    ['{"password": hunter2}', 'event: not JSON (syntax error)'],
    ['{', 'event: not JSON (syntax error at character 1)'],
  ])('says where JSON text is broken, and never quotes it: %s', (text, problem) => {
    // Act
    const said = problemOf(parseJsonText(text, 'event'));

    // Assess
    expect(said).toBe(problem);
    expect(said).not.toContain('hunter2');
  });
});

describe('Function: wrapCloudTrailRecord', () => {
  it('gives a CloudTrail record the envelope EventBridge gives it', () => {
    // Prepare
    const cloudTrail = loadPublishedFixture('CreateSecret.cloudtrail-record.awsdocs.json');

    // Act
    const event = wrapCloudTrailRecord(cloudTrail);

    // Assess
    expect(event).toStrictEqual({
      version: '0',
      id: cloudTrail.eventID,
      'detail-type': API_CALL,
      source: 'aws.secretsmanager',
      account: cloudTrail.recipientAccountId,
      time: cloudTrail.eventTime,
      region: cloudTrail.awsRegion,
      resources: [],
      detail: cloudTrail,
    });
  });

  it.each([
    ['AwsServiceEvent', SERVICE_EVENT],
    ['AwsConsoleSignIn', 'AWS Console Sign In via CloudTrail'],
    ['AwsApiCall', API_CALL],
    ['SomethingNew', API_CALL],
  ])('takes the detail-type from eventType %s', (eventType, detailType) => {
    expect(wrapCloudTrailRecord(record('RotationFailed', '2026-11-24T10:16:31Z', { eventType }))['detail-type']).toBe(detailType);
  });

  it('fills what a record lacks: an id from its time, the caller account, then placeholders', () => {
    // Prepare
    const bare = { eventName: 'DeleteSecret', eventSource: 'secretsmanager.amazonaws.com', userIdentity: { accountId: '111122223333' } };

    // Act
    const wrapped = wrapCloudTrailRecord(bare);
    const empty = wrapCloudTrailRecord({ eventID: '', recipientAccountId: '' });

    // Assess
    expect(wrapped).toMatchObject({
      id: 'wrapped-1970-01-01T00:00:00.000Z',
      source: 'aws.secretsmanager',
      account: '111122223333',
      region: 'us-east-1',
    });
    expect(empty).toMatchObject({ id: 'wrapped-1970-01-01T00:00:00.000Z', source: 'aws.unknown', account: '000000000000' });
  });
});

describe('Function: secretsManagerEvents', () => {
  it("keeps Secrets Manager's records only, oldest first, wrapped, and counts them all", () => {
    // Prepare
    const records = [
      record('DeleteSecret', '2026-11-24T10:15:00Z'),
      record('StartInstances', '2026-11-24T10:12:03Z', { eventSource: 'ec2.amazonaws.com' }),
      record('RotationFailed', '2026-11-24T10:10:00Z', { eventType: 'AwsServiceEvent' }),
    ];

    // Act
    const decoded = accepted(secretsManagerEvents(records, 'cloudtrail-log-file', (i) => `Records[${i}]`));

    // Assess
    expect(eventNames(decoded.value)).toStrictEqual(['RotationFailed', 'DeleteSecret']);
    expect((decoded.value as { 'detail-type': string }[]).map((e) => e['detail-type'])).toStrictEqual([SERVICE_EVENT, API_CALL]);
    expect(decoded.wrapped).toBe(true);
    expect(decoded.source).toStrictEqual({ format: 'cloudtrail-log-file', records: 3, secretsManager: 2 });
  });

  it.each([
    ['a string', 'hunter2', 'found a string'],
    ['an object without eventSource or eventName', { password: 'hunter2' }, 'it has no eventSource or eventName'],
  ])('rejects the whole file for %s among the records, named by where it is', (_case, bad, why) => {
    // Act
    const problem = problemOf(
      secretsManagerEvents([record('DeleteSecret', 't'), bad], 'lookup-events', (i) => `Events[${i}].CloudTrailEvent`),
    );

    // Assess
    expect(problem).toBe(`Events[1].CloudTrailEvent: not a CloudTrail record (${why})`);
  });
});

describe('Function: decodeEvents', () => {
  it('takes an EventBridge event as it is', () => {
    // Prepare
    const event = loadPublishedFixture('RotationFailed.eventbridge.umccr.json');

    // Act / Assess
    expect(decodeEvents(event)).toStrictEqual({ ok: true, value: event, wrapped: false });
  });

  it('wraps a bare CloudTrail record', () => {
    // Prepare
    const cloudTrail = loadPublishedFixture('CreateSecret.cloudtrail-record.awsdocs.json');

    // Act / Assess
    expect(decodeEvents(cloudTrail)).toStrictEqual({ ok: true, value: wrapCloudTrailRecord(cloudTrail), wrapped: true });
  });

  it('takes an array of events and records in its own order, wrapping the records', () => {
    // Prepare
    const event = loadPublishedFixture('RotationFailed.eventbridge.umccr.json');
    const later = record('DeleteSecret', '2026-11-24T10:15:00Z');
    const earlier = record('CreateSecret', '2026-11-24T10:00:00Z');

    // Act
    const decoded = accepted(decodeEvents([later, event, earlier]));

    // Assess
    expect(decoded.value).toStrictEqual([wrapCloudTrailRecord(later), event, wrapCloudTrailRecord(earlier)]);
    expect(decoded.wrapped).toBe(true);
    expect(accepted(decodeEvents([event])).wrapped).toBe(false);
  });

  it("replays a trail's log file: its Secrets Manager records, oldest first, with the count of the rest", () => {
    // Act
    const decoded = accepted(decodeEvents(JSON.parse(LOG_FILE)));

    // Assess
    expect(eventNames(decoded.value)).toStrictEqual(['DeleteSecret', 'RotationFailed']);
    expect(decoded.source).toStrictEqual({ format: 'cloudtrail-log-file', records: 5, secretsManager: 2 });
  });

  it('replays lookup-events output: each CloudTrailEvent string parsed, oldest first', () => {
    // Act
    const decoded = accepted(decodeEvents(JSON.parse(LOOKUP)));

    // Assess
    expect(eventNames(decoded.value)).toStrictEqual(['CancelRotateSecret', 'DescribeSecret']);
    expect(decoded.source).toStrictEqual({ format: 'lookup-events', records: 2, secretsManager: 2 });
  });

  it('reads an EventBridge event with an Events field in its detail as an event, not as lookup output', () => {
    // Prepare
    const event = { source: 'aws.secretsmanager', 'detail-type': API_CALL, Events: [], detail: {} };

    // Act / Assess
    expect(decodeEvents(event)).toStrictEqual({ ok: true, value: event, wrapped: false });
  });

  it.each([
    [null, 'event: expected a JSON object or an array of events, found null'],
    ['hunter2', 'event: expected a JSON object or an array of events, found a string'],
    [[], 'event: an empty array, no event in it'],
    [
      [{ source: 'aws.secretsmanager', 'detail-type': API_CALL }, 7],
      '[1]: not an EventBridge event or a CloudTrail record (found a number)',
    ],
    [[{ password: 'hunter2' }], '[0]: not an EventBridge event or a CloudTrail record (found an object without source and detail-type)'],
    [{ Records: 'hunter2' }, 'Records: expected an array of CloudTrail records, found a string'],
    [{ Events: { CloudTrailEvent: '{}' } }, 'Events: expected an array of lookup results, found an object'],
    [{ Events: ['hunter2'] }, 'Events[0].CloudTrailEvent: expected the record as a JSON string, found Events[0] to be a string'],
    [
      { Events: [{ CloudTrailEvent: { eventName: 'x' } }] },
      'Events[0].CloudTrailEvent: expected the record as a JSON string, found an object',
    ],
    [{ Events: [{ CloudTrailEvent: '{"password": "hunter2' }] }, 'Events[0].CloudTrailEvent: not JSON (syntax error at character 21)'],
    [{ Events: [{ CloudTrailEvent: '"hunter2"' }] }, 'Events[0].CloudTrailEvent: not a CloudTrail record (found a string)'],
  ])('rejects %j, naming the field and never its text', (value, problem) => {
    // Act
    const said = problemOf(decodeEvents(value));

    // Assess
    expect(said).toBe(problem);
    expect(said).not.toContain('hunter2');
  });

  it('names every format it reads when an object is none of them', () => {
    expect(problemOf(decodeEvents({ password: 'hunter2' }))).toBe(
      'event: not a format the replay reads: an EventBridge event has source and detail-type, a CloudTrail record eventSource and eventName, ' +
        'a CloudTrail log file Records, lookup-events output Events',
    );
  });
});

describe('Function: describeSource', () => {
  it.each([
    [
      { format: 'cloudtrail-log-file', records: 412, secretsManager: 3 },
      'CloudTrail log file: 412 records, 3 from Secrets Manager (409 of other services not replayed)',
    ],
    [{ format: 'lookup-events', records: 2, secretsManager: 2 }, 'lookup-events output: 2 records, 2 from Secrets Manager'],
    [{ format: 'lookup-events', records: 1, secretsManager: 1 }, 'lookup-events output: 1 record, 1 from Secrets Manager'],
    [{ format: 'cloudtrail-log-file', records: 0, secretsManager: 0 }, 'CloudTrail log file: 0 records, none from Secrets Manager'],
  ] as const)('says %j as %s', (source, words) => {
    expect(describeSource(source)).toBe(words);
  });
});
