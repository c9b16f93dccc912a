/**
 * What a replayed file may hold, recognised by shape and turned into the EventBridge events the
 * rules' patterns expect. Pure: text or a parsed value in, events (or the reason there are none)
 * out. The file formats it knows:
 *
 * - an EventBridge event, or a JSON array of them (calls that only mean something together);
 * - a bare CloudTrail record (what EventBridge puts under `detail`);
 * - a CloudTrail log file as a trail delivers it to S3: `{"Records": [record, ...]}`;
 * - the output of `aws cloudtrail lookup-events` (the LookupEvents API): `{"Events": [{"CloudTrailEvent": "<record as a JSON string>", ...}]}`.
 *
 * Records of other services (a trail logs every service) are counted, not replayed: only
 * Secrets Manager's reach the rules. A rejection names the field and what is wrong with it,
 * never the text it found there: a replayed file may hold anything, secrets included.
 */
import { isBareCloudTrailRecord } from '../contracts/cloudtrail-event.js';
import { API_CALL, SERVICE_EVENT } from '../contracts/cloudtrail-event.js';

/** The event source of Secrets Manager's CloudTrail records. */
export const SECRETS_MANAGER_EVENT_SOURCE = 'secretsmanager.amazonaws.com';

/**
 * Deepest nesting of arrays and objects accepted. Real CloudTrail records nest a dozen levels
 * at most (policies travel as strings); the limit exists so that a hostile file is refused with
 * a reason instead of exhausting the stack of whatever walks the value recursively afterwards
 * (structured clone, the pattern matcher, redaction, JSON.stringify of the report).
 */
export const MAX_NESTING_DEPTH = 64;

/** Where a file's events came from, for the per-file note of a log file or a lookup. */
export interface EventSource {
  readonly format: 'cloudtrail-log-file' | 'lookup-events';
  /** Every record the file held. */
  readonly records: number;
  /** Those from Secrets Manager: the only ones replayed. */
  readonly secretsManager: number;
}

export type DecodedEvents =
  | {
      readonly ok: true;
      /** One event, or an array of events to run in order. */
      readonly value: unknown;
      /** Set when bare CloudTrail records were wrapped in the envelope EventBridge would give them. */
      readonly wrapped: boolean;
      readonly source?: EventSource;
    }
  | { readonly ok: false; readonly problem: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON type of a value, in words (never the value itself). */
export const describeJsonType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
};

/**
 * How deeply arrays and objects nest in JSON text, scanning it once without recursion and
 * stopping as soon as `limit` is passed. Hand-written because it must run before `JSON.parse`
 * builds anything, and no JSON library reports depth; strings (with their escapes) are skipped
 * so a bracket inside a string does not count.
 */
export const jsonNestingDepth = (text: string, limit = Number.POSITIVE_INFINITY): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return deepest;
};

/** `JSON.parse`'s complaint without the input it quotes (Node's messages include a snippet): only where. */
const syntaxErrorWhere = (error: unknown): string => {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `syntax error at character ${position}`;
  if (/end of JSON input|Unterminated/i.test(message)) return 'the text ends before the JSON does';
  return 'syntax error';
};

/**
 * Parses JSON text: a leading byte-order mark is dropped (editors on Windows write one), nesting
 * deeper than {@link MAX_NESTING_DEPTH} is refused before parsing. `what` names the text in the
 * problem ("event", "Events[3].CloudTrailEvent").
 */
export const parseJsonText = (text: string, what: string): { ok: true; value: unknown } | { ok: false; problem: string } => {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: false, problem: `${what}: empty, no JSON in it` };
  if (jsonNestingDepth(body, MAX_NESTING_DEPTH) > MAX_NESTING_DEPTH) {
    return {
      ok: false,
      problem: `${what}: arrays and objects nest deeper than ${MAX_NESTING_DEPTH} levels; no CloudTrail or EventBridge event does`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return { ok: false, problem: `${what}: not JSON (${syntaxErrorWhere(error)})` };
  }
};

const isEventBridgeEvent = (value: unknown): boolean =>
  isObject(value) && typeof value.source === 'string' && typeof value['detail-type'] === 'string';

const detailTypes: Readonly<Record<string, string>> = {
  AwsApiCall: API_CALL,
  AwsServiceEvent: SERVICE_EVENT,
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The envelope EventBridge gives a CloudTrail record: `detail-type` from the record's
 * `eventType` (AwsApiCall → "AWS API Call via CloudTrail", AwsServiceEvent → "AWS Service Event
 * via CloudTrail"), `source` from its `eventSource`, account, time and region from the record.
 */
export const wrapCloudTrailRecord = (record: Record<string, unknown>) => {
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  const eventSource = text(record.eventSource) ?? 'unknown';
  const eventTime = text(record.eventTime) ?? new Date(0).toISOString();
  return {
    version: '0',
    id: text(record.eventID) ?? `wrapped-${eventTime}`,
    'detail-type': detailTypes[text(record.eventType) ?? ''] ?? API_CALL,
    source: `aws.${eventSource.split('.')[0] ?? eventSource}`,
    account: text(record.recipientAccountId) ?? text(identity.accountId) ?? '000000000000',
    time: eventTime,
    region: text(record.awsRegion) ?? 'us-east-1',
    resources: [],
    detail: record,
  };
};

/** Time order, oldest first: a trail's file and a lookup's pages are not in the order the rules need (bursts count in order). */
const byEventTime = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  (text(a.eventTime) ?? '').localeCompare(text(b.eventTime) ?? '');

/**
 * The Secrets Manager records among `records`, wrapped and in time order, with the count of all.
 * A record that is not one (not an object, no `eventSource` or `eventName`) rejects the file,
 * named by its index.
 */
export const secretsManagerEvents = (
  records: readonly unknown[],
  format: EventSource['format'],
  where: (index: number) => string,
): DecodedEvents => {
  const kept: Record<string, unknown>[] = [];
  for (const [index, record] of records.entries()) {
    if (!isBareCloudTrailRecord(record)) {
      return {
        ok: false,
        problem: `${where(index)}: not a CloudTrail record (${isObject(record) ? 'it has no eventSource or eventName' : `found ${describeJsonType(record)}`})`,
      };
    }
    if (record.eventSource === SECRETS_MANAGER_EVENT_SOURCE) kept.push(record);
  }
  return {
    ok: true,
    value: kept.sort(byEventTime).map(wrapCloudTrailRecord),
    wrapped: true,
    source: { format, records: records.length, secretsManager: kept.length },
  };
};

const fromLogFile = (records: unknown): DecodedEvents =>
  Array.isArray(records)
    ? secretsManagerEvents(records, 'cloudtrail-log-file', (index) => `Records[${index}]`)
    : { ok: false, problem: `Records: expected an array of CloudTrail records, found ${describeJsonType(records)}` };

const fromLookupEvents = (events: unknown): DecodedEvents => {
  if (!Array.isArray(events))
    return { ok: false, problem: `Events: expected an array of lookup results, found ${describeJsonType(events)}` };
  const records: unknown[] = [];
  for (const [index, entry] of events.entries()) {
    const where = `Events[${index}].CloudTrailEvent`;
    const embedded = isObject(entry) ? entry.CloudTrailEvent : undefined;
    if (typeof embedded !== 'string') {
      return {
        ok: false,
        problem: `${where}: expected the record as a JSON string, found ${isObject(entry) ? describeJsonType(embedded) : `Events[${index}] to be ${describeJsonType(entry)}`}`,
      };
    }
    const parsed = parseJsonText(embedded, where);
    if (!parsed.ok) return parsed;
    records.push(parsed.value);
  }
  return secretsManagerEvents(records, 'lookup-events', (index) => `Events[${index}].CloudTrailEvent`);
};

/**
 * What a parsed file holds, as events for the chain. Rejected: `null`, strings, numbers and
 * booleans; arrays that hold anything but events; objects that are none of the formats above.
 */
export const decodeEvents = (value: unknown): DecodedEvents => {
  if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false, problem: 'event: an empty array, no event in it' };
    const events: unknown[] = [];
    let wrapped = false;
    for (const [index, each] of value.entries()) {
      if (isBareCloudTrailRecord(each)) {
        events.push(wrapCloudTrailRecord(each));
        wrapped = true;
      } else if (isEventBridgeEvent(each)) events.push(each);
      else
        return {
          ok: false,
          problem: `[${index}]: not an EventBridge event or a CloudTrail record (found ${describeJsonType(each)}${isObject(each) ? ' without source and detail-type' : ''})`,
        };
    }
    return { ok: true, value: events, wrapped };
  }
  if (!isObject(value))
    return { ok: false, problem: `event: expected a JSON object or an array of events, found ${describeJsonType(value)}` };
  if ('Records' in value) return fromLogFile(value.Records);
  if ('Events' in value && !('detail' in value)) return fromLookupEvents(value.Events);
  if (isBareCloudTrailRecord(value)) return { ok: true, value: wrapCloudTrailRecord(value), wrapped: true };
  if (isEventBridgeEvent(value)) return { ok: true, value, wrapped: false };
  return {
    ok: false,
    problem:
      'event: not a format the replay reads: an EventBridge event has source and detail-type, a CloudTrail record eventSource and eventName, ' +
      'a CloudTrail log file Records, lookup-events output Events',
  };
};

/** The per-file note of a log file or a lookup: "CloudTrail log file: 412 records, 3 from Secrets Manager". */
export const describeSource = (source: EventSource): string =>
  `${source.format === 'lookup-events' ? 'lookup-events output' : 'CloudTrail log file'}: ${source.records} record${source.records === 1 ? '' : 's'}, ` +
  `${source.secretsManager === 0 ? 'none' : source.secretsManager} from Secrets Manager` +
  (source.records > source.secretsManager ? ` (${source.records - source.secretsManager} of other services not replayed)` : '');
