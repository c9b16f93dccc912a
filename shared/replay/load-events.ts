/**
 * Event files for the replay: files or folders (searched recursively for `*.json`), read in a
 * stable order. A bare CloudTrail record is wrapped in the EventBridge envelope that CloudTrail's
 * delivery to EventBridge would give it, so published log entries can be replayed as they are.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { API_CALL, isBareCloudTrailRecord, SERVICE_EVENT } from '../contracts/cloudtrail-event.js';

export interface LoadedEvent {
  /** The path as the user should read it (relative to the working directory). */
  readonly file: string;
  /** The event to route, or the reason it cannot be routed. */
  readonly event: { readonly ok: true; readonly value: unknown; readonly wrapped: boolean } | { readonly ok: false; readonly problem: string };
}

export const findEventFiles = (paths: readonly string[]): string[] =>
  paths.flatMap((path) => {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) throw new Error(`${path}: no such file or folder`);
    if (stats.isFile()) return [path];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(path, name));
  });

export const loadEvent = (file: string): LoadedEvent => {
  const display = relative(process.cwd(), file) || file;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { file: display, event: { ok: false, problem: `event: not JSON (${(error as Error).message})` } };
  }
  return isBareCloudTrailRecord(value)
    ? { file: display, event: { ok: true, value: wrapCloudTrailRecord(value), wrapped: true } }
    : { file: display, event: { ok: true, value, wrapped: false } };
};

const detailTypes: Readonly<Record<string, string>> = {
  AwsApiCall: API_CALL,
  AwsServiceEvent: SERVICE_EVENT,
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
};

/** The envelope EventBridge gives a CloudTrail record (see test/fixtures/published/README.md). */
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

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
