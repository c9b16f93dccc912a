/**
 * The replay's loader: the file formats a team has at hand (EventBridge events, bare CloudTrail
 * records, a trail's S3 log files plain or gzipped, in the folders CloudTrail delivers them to,
 * and `aws cloudtrail lookup-events` output), each file on its own, bad files rejected with the
 * field and what is wrong and never the text found there.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../shared/cli/errors.js';
import { describeSource, MAX_NESTING_DEPTH } from '../../shared/replay/event-formats.js';
import { findEventFiles, type LoadedEvent, loadEvent } from '../../shared/replay/load-events.js';
import { repoRoot } from '../helpers/events.js';
import { replayEvent } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const fixturesDir = join(repoRoot, 'test', 'fixtures', 'cloudtrail');
const LOG_FILE = readFileSync(join(fixturesDir, 'log-file.json'), 'utf8');
const LOOKUP = readFileSync(join(fixturesDir, 'lookup-events.json'), 'utf8');

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'load-events-'));
const tempFile = (name: string, content: string | Buffer): string => {
  const file = join(tempDir(), name);
  writeFileSync(file, content);
  return file;
};

/** A trail's bucket as CloudTrail lays it out, one gzipped log file and its digest beside it. */
const deliveredBucket = (): { root: string; logFile: string } => {
  const root = tempDir();
  const day = join(root, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2026', '11', '24');
  const digestDay = join(root, 'AWSLogs', '123456789012', 'CloudTrail-Digest', 'us-east-1', '2026', '11', '24');
  mkdirSync(day, { recursive: true });
  mkdirSync(digestDay, { recursive: true });
  const logFile = join(day, '123456789012_CloudTrail_us-east-1_20261124T1020Z_Ab12Cd34Ef56Gh78.json.gz');
  writeFileSync(logFile, gzipSync(LOG_FILE));
  writeFileSync(
    join(digestDay, '123456789012_CloudTrail-Digest_us-east-1_trail_us-east-1_20261124T1100Z.json.gz'),
    gzipSync(JSON.stringify({ awsAccountId: '123456789012', digestStartTime: '2026-11-24T10:00:00Z', logFiles: [] })),
  );
  return { root, logFile };
};

const accepted = (loaded: LoadedEvent) => {
  if (!loaded.event.ok) throw new Error(`expected the file to be accepted, it was rejected: ${loaded.event.problem}`);
  return loaded.event;
};
const rejected = (loaded: LoadedEvent): string => {
  if (loaded.event.ok) throw new Error('expected the file to be rejected, it was accepted');
  return loaded.event.problem;
};
const names = (value: unknown) => (value as { detail: { eventName: string } }[]).map((e) => e.detail.eventName);

describe('loader: CloudTrail log files from S3', () => {
  it('replays only the Secrets Manager records of a log file, oldest first, each wrapped as EventBridge delivers it', () => {
    const loaded = loadEvent(tempFile('log.json', LOG_FILE));

    const event = accepted(loaded);
    expect(names(event.value)).toEqual(['DeleteSecret', 'RotationFailed']);
    expect(event.value).toMatchObject([
      {
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.secretsmanager',
        account: '123456789012',
        region: 'us-east-1',
        time: '2026-11-24T10:15:00Z',
      },
      { 'detail-type': 'AWS Service Event via CloudTrail', source: 'aws.secretsmanager' },
    ]);
    expect(event.wrapped).toBe(true);
    expect(loaded.source).toEqual({ format: 'cloudtrail-log-file', records: 5, secretsManager: 2 });
    expect(describeSource(loaded.source!)).toBe(
      'CloudTrail log file: 5 records, 2 from Secrets Manager (3 of other services not replayed)',
    );
  });

  it('reads a gzipped log file, and finds it in the folders CloudTrail delivers to, passing digest files by', () => {
    const { root, logFile } = deliveredBucket();

    const files = findEventFiles([root]);

    expect(files).toEqual([logFile]);
    expect(names(accepted(loadEvent(logFile)).value)).toEqual(['DeleteSecret', 'RotationFailed']);
  });

  it('runs the records of a log file through the real rules: the deletion and the rotation failure are found', async () => {
    const event = accepted(loadEvent(tempFile('log.json', LOG_FILE)));

    const report = await replayEvent(event.value, defaultSandbox(), 'dry-run');

    expect(report.findings.map((f) => f.rule).sort()).toEqual(['rotation-failed', 'secret-deleted']);
  });

  it('says "none" for a log file with no Secrets Manager record, and replays nothing from it', () => {
    const others = JSON.stringify({
      Records: (JSON.parse(LOG_FILE) as { Records: { eventSource: string }[] }).Records.filter(
        (r) => r.eventSource !== 'secretsmanager.amazonaws.com',
      ),
    });

    const loaded = loadEvent(tempFile('others.json', others));

    expect(accepted(loaded).value).toEqual([]);
    expect(describeSource(loaded.source!)).toBe(
      'CloudTrail log file: 3 records, none from Secrets Manager (3 of other services not replayed)',
    );
  });

  it('rejects a log file whose Records are not all records, naming the index and not the content', () => {
    const problem = rejected(
      loadEvent(
        tempFile(
          'bad.json',
          JSON.stringify({
            Records: [{ eventSource: 'secretsmanager.amazonaws.com', eventName: 'X', eventTime: 't', awsRegion: 'r' }, 'hunter2-secret'],
          }),
        ),
      ),
    );

    expect(problem).toBe('Records[1]: not a CloudTrail record (found a string)');
  });

  it('rejects Records that are not an array', () => {
    expect(rejected(loadEvent(tempFile('bad.json', '{"Records": {"a": 1}}')))).toBe(
      'Records: expected an array of CloudTrail records, found an object',
    );
  });
});

describe('loader: aws cloudtrail lookup-events output', () => {
  it('parses each CloudTrailEvent string into the record it holds, oldest first', () => {
    const loaded = loadEvent(tempFile('lookup.json', LOOKUP));

    const event = accepted(loaded);
    expect(names(event.value)).toEqual(['CancelRotateSecret', 'DescribeSecret']);
    expect(loaded.source).toEqual({ format: 'lookup-events', records: 2, secretsManager: 2 });
  });

  it('finds the developer turning rotation off through the real rules', async () => {
    const event = accepted(loadEvent(tempFile('lookup.json', LOOKUP)));

    const report = await replayEvent(event.value, defaultSandbox(), 'dry-run');

    expect(report.findings.map((f) => f.rule)).toEqual(['rotation-disabled']);
  });

  it('rejects an entry whose CloudTrailEvent is not JSON, by its index, without quoting it', () => {
    const lookup = JSON.stringify({ Events: [{ EventId: '1', CloudTrailEvent: '{"eventName": "hunter2-secret' }] });

    const problem = rejected(loadEvent(tempFile('lookup.json', lookup)));

    expect(problem).toMatch(/^Events\[0\]\.CloudTrailEvent: not JSON/);
    expect(problem).not.toContain('hunter2');
  });

  it('rejects an entry without a CloudTrailEvent string', () => {
    expect(rejected(loadEvent(tempFile('lookup.json', '{"Events": [{"EventId": "1", "CloudTrailEvent": 7}]}')))).toBe(
      'Events[0].CloudTrailEvent: expected the record as a JSON string, found a number',
    );
  });
});

describe('loader: robustness, file by file', () => {
  it.each([
    ['null', 'event: expected a JSON object or an array of events, found null'],
    ['"a string"', 'event: expected a JSON object or an array of events, found a string'],
    ['42', 'event: expected a JSON object or an array of events, found a number'],
    ['[1, 2]', '[0]: not an EventBridge event or a CloudTrail record (found a number)'],
    ['[{"name": "x"}]', '[0]: not an EventBridge event or a CloudTrail record (found an object without source and detail-type)'],
    ['[]', 'event: an empty array, no event in it'],
    ['{"name": "x"}', expect.stringMatching(/^event: not a format the replay reads/)],
  ])('rejects a file holding %s', (content, problem) => {
    expect(rejected(loadEvent(tempFile('x.json', content)))).toEqual(problem);
  });

  it('accepts a file that starts with a UTF-8 byte-order mark', () => {
    const sample = readFileSync(join(repoRoot, 'events', 'secret-deleted', 'fires.DeleteSecret.authored.by-developer.json'));

    const event = accepted(loadEvent(tempFile('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sample]))));

    expect(event.value).toMatchObject({ source: 'aws.secretsmanager', detail: { eventName: 'DeleteSecret' } });
  });

  it('rejects text that is not JSON without quoting it', () => {
    const problem = rejected(loadEvent(tempFile('broken.json', '{"secretString": "hunter2-secret')));

    expect(problem).toMatch(/^event: not JSON \(/);
    expect(problem).not.toContain('hunter2');
  });

  it('rejects binary garbage as not JSON', () => {
    expect(rejected(loadEvent(tempFile('garbage.json', Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7b]))))).toMatch(/^event: not JSON/);
  });

  it('rejects a damaged gzip file and a .gz file that is not gzip', () => {
    const damaged = gzipSync(LOG_FILE).subarray(0, 40);

    expect(rejected(loadEvent(tempFile('damaged.json.gz', damaged)))).toMatch(/^file: damaged gzip data/);
    expect(rejected(loadEvent(tempFile('plain.json.gz', LOG_FILE)))).toBe('file: named .gz but not gzip-compressed');
  });

  it('refuses 5,000 levels of nesting with a named reason, before anything recurses into it', () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

    const problem = rejected(loadEvent(tempFile('deep.json', deep)));

    expect(problem).toBe(`event: arrays and objects nest deeper than ${MAX_NESTING_DEPTH} levels; no CloudTrail or EventBridge event does`);
  });
});

describe('finding the files', () => {
  it('is a usage error to name a path that does not exist', () => {
    expect(() => findEventFiles([join(tempDir(), 'nope')])).toThrow(UsageError);
  });

  it('is a usage error to name an empty folder, or one without event files', () => {
    const empty = tempDir();
    const notes = tempDir();
    writeFileSync(join(notes, 'README.md'), '# notes');

    expect(() => findEventFiles([empty])).toThrow(/no event files in this folder/);
    expect(() => findEventFiles([notes])).toThrow(UsageError);
  });
});
