/**
 * Who scheduled a secret's deletion, asked of CloudTrail's event history (LookupEvents) rather
 * than of any finding: a read of a deleted secret names the reader, and restore-secret must not
 * undo what an allowed admin deleted on purpose. The deletion is the latest successful
 * `DeleteSecret` of that secret at or before the `DeletedDate` DescribeSecret shows; its caller
 * is judged by the same actor rules as every event (shared/domain/actor.ts), so an identity of
 * unknown type matches no allowed-admin glob.
 */
import { type CloudTrailRecord, cloudTrailRecordSchema } from '../contracts/cloudtrail-event.js';
import type { Actor } from '../contracts/finding.js';
import type { Policy } from '../policy/schema.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import { actorOf } from './actor.js';
import { secretRef } from './locate-secret.js';

/** How long before DescribeSecret's `DeletedDate` the history is searched for the deletion (clocks of two hosts, a slow call). */
const DELETION_LOOKBACK_MS = 5 * 60_000;

/** At most this many pages of DeleteSecret calls are read (50 each): more in so short a window is not a deletion to guess about. */
export const MAX_DELETION_PAGES = 5;

/** The secret as DescribeSecret shows it, with the date it was marked for deletion. */
export interface DeletedSecret {
  readonly arn: string;
  readonly name: string;
  readonly deletedDate: Date;
}

/** The call that scheduled the deletion, and who made it. */
export interface DeletionAuthor {
  readonly actor: Actor;
  /** The record's `eventTime`. */
  readonly eventTime: string;
  readonly eventId?: string;
}

export type DeletionLookup =
  | { readonly kind: 'found'; readonly author: DeletionAuthor }
  /** No deletion found or the history could not be read: `reason` says which, in words. */
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * The time range to ask LookupEvents for: from {@link DELETION_LOOKBACK_MS} before the deletion
 * date to the end of its second (CloudTrail's `eventTime` has whole seconds; `DeletedDate` has
 * milliseconds, so a call logged at 10:15:00Z marked the secret at 10:15:00.412Z).
 */
const deletionWindow = (deletedDate: Date): { readonly startTime: Date; readonly endTime: Date } => ({
  startTime: new Date(deletedDate.getTime() - DELETION_LOOKBACK_MS),
  endTime: new Date(Math.floor(deletedDate.getTime() / 1000) * 1000 + 999),
});

/** Whether a DeleteSecret record is about `secret`: by the ARN it answered with, its resources, or the id the caller gave. */
const namesSecret = (record: CloudTrailRecord, secret: DeletedSecret): boolean => {
  const arns = [
    record.responseElements?.arn,
    ...(Array.isArray(record.resources) ? record.resources.map((r: unknown) => (r as { ARN?: unknown } | null)?.ARN) : []),
  ];
  if (arns.includes(secret.arn)) return true;
  const secretId = record.requestParameters?.secretId;
  if (typeof secretId !== 'string') return false;
  if (secretId === secret.arn || secretId === secret.name) return true;
  // A partial ARN, or the ARN of a secret of the same name in this account and region.
  const [, , , region, account] = secret.arn.split(':');
  const named = secretRef(secretId, 'requestParameters.secretId', { account: account ?? '', region: region ?? '' }).secret;
  return secretId.startsWith('arn:') && named.name === secret.name && named.account === account && named.region === region;
};

/**
 * Of CloudTrail records (parsed from LookupEvents), the latest successful DeleteSecret of
 * `secret` at or before its deletion date (to the second), with its caller judged against the
 * policy's `allowedAdmins`. Undefined when none is there. Pure.
 */
export const deletionAuthorOf = (
  records: readonly unknown[],
  secret: DeletedSecret,
  policy: Pick<Policy, 'allowedAdmins'>,
): DeletionAuthor | undefined => {
  const { endTime } = deletionWindow(secret.deletedDate);
  const deletions = records.flatMap((raw) => {
    const parsed = cloudTrailRecordSchema().safeParse(raw);
    if (!parsed.success) return [];
    const record = parsed.data;
    const time = Date.parse(record.eventTime);
    // A refused or failed DeleteSecret deleted nothing.
    const fits =
      record.eventName === 'DeleteSecret' &&
      !record.errorCode &&
      !Number.isNaN(time) &&
      time <= endTime.getTime() &&
      namesSecret(record, secret);
    return fits ? [{ record, time }] : [];
  });
  const latest = deletions.reduce<(typeof deletions)[number] | undefined>(
    (best, each) => (!best || each.time > best.time ? each : best),
    undefined,
  );
  if (!latest) return undefined;
  return {
    actor: actorOf(latest.record, { allowedAdmins: policy.allowedAdmins }),
    eventTime: latest.record.eventTime,
    ...(latest.record.eventID ? { eventId: latest.record.eventID } : {}),
  };
};

/**
 * Asks CloudTrail's event history who scheduled the deletion of `secret`: the DeleteSecret calls
 * of the minutes before its deletion date (by event name, which finds the call however the
 * caller named the secret — name, partial or full ARN), page by page. Never throws: a history
 * that cannot be read, or holds no such call yet (CloudTrail can take minutes to show one), is
 * `unknown`, with the reason.
 */
export const lookUpDeletion = async (
  history: CloudTrailHistoryPort,
  secret: DeletedSecret,
  policy: Pick<Policy, 'allowedAdmins'>,
): Promise<DeletionLookup> => {
  const { startTime, endTime } = deletionWindow(secret.deletedDate);
  const records: unknown[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await history.lookupEvents({
        lookupAttribute: { key: 'EventName', value: 'DeleteSecret' },
        startTime,
        endTime,
        ...(nextToken ? { nextToken } : {}),
      });
      pages += 1;
      for (const entry of page.events) records.push(parseRecord(entry.cloudTrailEvent));
      nextToken = page.nextToken;
    } while (nextToken && pages < MAX_DELETION_PAGES);
  } catch (error) {
    return { kind: 'unknown', reason: `CloudTrail's event history could not be read (LookupEvents: ${(error as Error).name})` };
  }
  const author = deletionAuthorOf(records, secret, policy);
  if (author) return { kind: 'found', author };
  const searched = `${startTime.toISOString()} to ${endTime.toISOString()}`;
  return {
    kind: 'unknown',
    reason: nextToken
      ? `more DeleteSecret calls between ${searched} than the ${MAX_DELETION_PAGES * 50} read, none of them this secret's`
      : `CloudTrail's event history shows no DeleteSecret of it between ${searched} (CloudTrail can take minutes to show a call)`,
  };
};

/** One entry's record; an unreadable one counts as no record (it cannot name a deleter). */
const parseRecord = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};
