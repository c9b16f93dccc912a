/**
 * The CloudTrail-in-EventBridge event, as zod schemas: the EventBridge envelope with a CloudTrail
 * record as `detail` (Powertools' parser has no CloudTrail schema).
 *
 * The schema is deliberately lenient (loose objects, optional fields): published events are
 * messy (redacted ARNs, `accountid` for an account, fields that come and go between event
 * versions). It insists only on what the service cannot work without; the domain then takes
 * what it can and says, in the finding's notes, what it could not.
 */
import { EventBridgeEnvelopeSchema as EventBridgeSchema } from './eventbridge-envelope.js';
import { describeIssues } from './zod-issues.js';
import { lazySchema } from './lazy-schema.js';
import * as z from './zod.js';
import { InvalidEventError } from '../errors.js';
import { CONFIG_COMPLIANCE_CHANGE, CONFIG_SOURCE, type ConfigComplianceEvent, configComplianceEventSchema } from './config-event.js';
import {
  FINDINGS_IMPORTED,
  SECURITY_HUB_SOURCE,
  type SecurityHubFindingsEvent,
  securityHubFindingsEventSchema,
  splitFindings,
} from './securityhub-event.js';

/** The detail-types CloudTrail's events arrive with on EventBridge. */
export const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
export const API_CALL = 'AWS API Call via CloudTrail';

/**
 * The CloudTrail schemas, built when the first event or record is parsed (./lazy-schema.ts)
 * rather than at cold start, like the other contract schemas.
 */
const schemas = lazySchema(() => {
  const nullableRecord = z.optional(z.nullable(z.record(z.string(), z.unknown())));

  const SessionIssuerSchema = z.looseObject({
    type: z.optional(z.string()),
    principalId: z.optional(z.string()),
    arn: z.optional(z.string()),
    accountId: z.optional(z.string()),
    userName: z.optional(z.string()),
  });

  const UserIdentitySchema = z.looseObject({
    type: z.optional(z.string()),
    principalId: z.optional(z.string()),
    arn: z.optional(z.string()),
    accountId: z.optional(z.string()),
    accessKeyId: z.optional(z.string()),
    userName: z.optional(z.string()),
    invokedBy: z.optional(z.string()),
    sessionContext: z.optional(
      z.looseObject({
        sessionIssuer: z.optional(SessionIssuerSchema),
        attributes: z.optional(z.looseObject({ mfaAuthenticated: z.optional(z.string()), creationDate: z.optional(z.string()) })),
      }),
    ),
  });

  /** One CloudTrail record: what EventBridge puts under `detail` for CloudTrail-sourced events. */
  const CloudTrailRecordSchema = z.looseObject({
    eventVersion: z.optional(z.string()),
    userIdentity: z.optional(UserIdentitySchema),
    eventTime: z.string(),
    eventSource: z.string(),
    eventName: z.string(),
    awsRegion: z.string(),
    sourceIPAddress: z.optional(z.string()),
    userAgent: z.optional(z.string()),
    errorCode: z.optional(z.string()),
    errorMessage: z.optional(z.string()),
    requestParameters: nullableRecord,
    responseElements: nullableRecord,
    additionalEventData: nullableRecord,
    serviceEventDetails: nullableRecord,
    requestID: z.optional(z.string()),
    eventID: z.optional(z.string()),
    eventType: z.optional(z.string()),
    readOnly: z.optional(z.boolean()),
    recipientAccountId: z.optional(z.string()),
    vpcEndpointId: z.optional(z.string()),
  });

  const CloudTrailEventSchema = z.extend(EventBridgeSchema, { detail: CloudTrailRecordSchema });
  return { CloudTrailRecordSchema, CloudTrailEventSchema };
});
type Schemas = ReturnType<typeof schemas>;

/** One CloudTrail record: what EventBridge puts under `detail` for CloudTrail-sourced events. */
export const cloudTrailRecordSchema = (): Schemas['CloudTrailRecordSchema'] => schemas().CloudTrailRecordSchema;

export type CloudTrailRecord = z.infer<Schemas['CloudTrailRecordSchema']>;
export type CloudTrailEvent = z.infer<Schemas['CloudTrailEventSchema']>;

const envelopeKeys = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'];

/** A bare CloudTrail record (what a trail's log file holds) rather than an EventBridge event. */
export const isBareCloudTrailRecord = (value: unknown): value is Record<string, unknown> =>
  isObject(value) && !('detail' in value) && typeof value.eventSource === 'string' && typeof value.eventName === 'string';

/**
 * Parses a schema's input, turning zod's issues into `path: problem` lines so that a rejected
 * event names exactly what is missing or wrong.
 */
export const parseWith = <S extends z.core.$ZodType>(schema: S, raw: unknown): z.infer<S> => {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  if (!isObject(value)) {
    throw new InvalidEventError([`event: expected a JSON object, received ${describeType(value)}`]);
  }
  if (isBareCloudTrailRecord(value)) {
    throw new InvalidEventError([
      `event: a bare CloudTrail record, not an EventBridge event; it lacks the envelope (${envelopeKeys.join(', ')})`,
    ]);
  }
  const result = z.safeParse(schema, value);
  if (!result.success) {
    throw new InvalidEventError(describeIssues(result.error, { top: 'event' }), { cause: result.error });
  }
  return result.data;
};

/** Parses a CloudTrail-in-EventBridge event or throws `InvalidEventError` naming each problem. */
export const parseCloudTrailEvent = (raw: unknown): CloudTrailEvent => parseWith(schemas().CloudTrailEventSchema, raw);

/**
 * What `classify` takes: a CloudTrail event, a Config compliance change, or a Security Hub
 * finding (in its event, with that finding alone: see `parseClassifiableEvents`).
 */
export type ClassifiableEvent =
  | { readonly kind: 'cloudtrail'; readonly event: CloudTrailEvent }
  | { readonly kind: 'config'; readonly event: ConfigComplianceEvent }
  | { readonly kind: 'securityhub'; readonly event: SecurityHubFindingsEvent };

const isSecurityHubEvent = (value: unknown): boolean =>
  isObject(value) && value.source === SECURITY_HUB_SOURCE && value['detail-type'] === FINDINGS_IMPORTED;

/**
 * Every event in `raw`, each to classify on its own: one, except for a Security Hub event, which
 * gives one per finding it carries. Throws `InvalidEventError` naming each problem.
 */
export const parseClassifiableEvents = (raw: unknown): ClassifiableEvent[] => {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  if (isSecurityHubEvent(value))
    return splitFindings(parseWith(securityHubFindingsEventSchema(), value)).map((event) => ({ kind: 'securityhub', event }));
  return [parseClassifiableEvent(value)];
};

/**
 * Parses any of the shapes, chosen by `source` and `detail-type`; throws `InvalidEventError`
 * naming each problem. A Security Hub event must carry one finding (what a finding's record
 * holds); `parseClassifiableEvents` takes any number.
 */
export const parseClassifiableEvent = (raw: unknown): ClassifiableEvent => {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  if (isObject(value) && value.source === CONFIG_SOURCE && value['detail-type'] === CONFIG_COMPLIANCE_CHANGE) {
    return { kind: 'config', event: parseWith(configComplianceEventSchema(), value) };
  }
  if (isSecurityHubEvent(value)) {
    const event = parseWith(securityHubFindingsEventSchema(), value);
    if (event.detail.findings.length !== 1)
      throw new InvalidEventError([`detail.findings: ${event.detail.findings.length} findings, where one was expected`]);
    return { kind: 'securityhub', event };
  }
  return { kind: 'cloudtrail', event: parseWith(schemas().CloudTrailEventSchema, value) };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Not the parser's message: it quotes a piece of the input, and the input is not ours to log.
    throw new InvalidEventError(['event: not JSON'], { cause: error });
  }
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const describeType = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);
