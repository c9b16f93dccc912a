/**
 * Where is the secret in this event? CloudTrail puts it in a different field per event kind
 * and published samples are often redacted. Pure: takes the event, returns the
 * best reference it can make and notes on what it could not.
 */
import type { CloudTrailEvent } from '../contracts/cloudtrail-event.js';
import type { SecretRef } from '../contracts/finding.js';

interface Location {
  readonly path: string;
  readonly read: (event: CloudTrailEvent) => unknown;
}

const field = (record: Record<string, unknown> | null | undefined, key: string): unknown => record?.[key];

/**
 * Fields that may name the secret, in order of preference: full ARNs first (the service's
 * own events and response elements carry them), then what the caller typed (a name or partial
 * ARN). `aRN` and `ARN` appear in events before February 2024.
 */
const locations: readonly Location[] = [
  { path: 'detail.additionalEventData.SecretId', read: (e) => field(e.detail.additionalEventData, 'SecretId') },
  { path: 'detail.serviceEventDetails.secretId', read: (e) => field(e.detail.serviceEventDetails, 'secretId') },
  { path: 'detail.responseElements.arn', read: (e) => field(e.detail.responseElements, 'arn') },
  { path: 'detail.responseElements.aRN', read: (e) => field(e.detail.responseElements, 'aRN') },
  { path: 'detail.responseElements.ARN', read: (e) => field(e.detail.responseElements, 'ARN') },
  { path: 'resources[]', read: (e) => e.resources.find((arn) => arn.includes(':secretsmanager:')) },
  { path: 'detail.requestParameters.secretId', read: (e) => field(e.detail.requestParameters, 'secretId') },
  { path: 'detail.requestParameters.name', read: (e) => field(e.detail.requestParameters, 'name') },
  // BatchGetSecretValue names its secrets in a list; the first stands for the event, rules read the rest.
  { path: 'detail.requestParameters.secretIdList[0]', read: (e) => secretIdList(e)[0] },
];

/** The secrets a BatchGetSecretValue call names (none when it selected them by filters). */
export const secretIdList = (event: CloudTrailEvent): string[] => {
  const list = field(event.detail.requestParameters, 'secretIdList');
  return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string' && id.trim() !== '') : [];
};

export interface LocatedSecret {
  readonly secret: SecretRef;
  readonly notes: readonly string[];
}

/** Paths searched, for the error that says an event names no secret. */
export const secretLocationPaths: readonly string[] = locations.map((l) => l.path);

/** The secret the event is about, or `undefined` when no known field names one. */
export const locateSecret = (event: CloudTrailEvent): LocatedSecret | undefined => {
  for (const { path, read } of locations) {
    const value = read(event);
    if (typeof value === 'string' && value.trim() !== '') {
      return secretRef(value.trim(), path, {
        account: event.detail.recipientAccountId ?? event.account,
        region: event.detail.awsRegion || event.region,
      });
    }
  }
  return undefined;
};

// arn:partition:secretsmanager:region:account:secret:name-XXXXXX (the suffix is 6 random characters)
const SECRET_ARN = /^arn:[\w-]+:secretsmanager:([\w-]*):([^:]*):secret:(.+)$/;
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * A reference to the secret named by `id` (full ARN, partial ARN or name), found at `foundAt`;
 * account and region come from the ARN, else from where the event happened.
 */
export const secretRef = (id: string, foundAt: string, where: { account: string; region: string }): LocatedSecret => {
  const notes: string[] = [];
  const eventAccount = where.account;
  const eventRegion = where.region;
  const arnParts = SECRET_ARN.exec(id);

  let secret: SecretRef;
  if (arnParts) {
    const [, region = '', account = '', resource = ''] = arnParts;
    const redacted = resource.includes('...');
    if (redacted) notes.push(`secret ARN is redacted ('...'): its name could not be derived`);
    secret = {
      id,
      arn: id,
      ...(redacted ? {} : { name: resource.replace(RANDOM_SUFFIX, '') }),
      account: account || eventAccount,
      region: region || eventRegion,
      foundAt,
    };
  } else if (id.startsWith('arn:')) {
    notes.push(`'${foundAt}' holds an ARN that is not a Secrets Manager secret ARN`);
    secret = { id, account: eventAccount, region: eventRegion, foundAt };
  } else {
    // A name as the caller typed it; a partial ARN would have matched above.
    secret = { id, name: id, account: eventAccount, region: eventRegion, foundAt };
  }

  if (!ACCOUNT_ID.test(secret.account)) {
    notes.push(`account '${secret.account}' is not a 12-digit AWS account id`);
  }
  return { secret, notes };
};
