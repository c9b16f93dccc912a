/**
 * What a dead letter is: which function gave up on (or never got) which event, why, and the
 * event to send it again. Two shapes reach the service's queues:
 *
 * - Lambda's on-failure destination (DeadLetterQueue): the body is the invocation record,
 *   `requestContext.functionArn`, `requestContext.condition`, `responsePayload.errorType` and
 *   `errorMessage`, and the original event in `requestPayload`;
 * - EventBridge's dead-letter queue (RuleDeadLetterQueue): the body is the event itself, and the
 *   attributes say TARGET_ARN, RULE_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION.
 *
 * Only the service's own functions are redriven: the function named must be
 * `secrets-remediator-<stage>-<function>` for one of its functions.
 */
import { functionNames } from '../contracts/functions.js';
import { redactEventText } from '../contracts/hostile-text.js';
import { SERVICE_NAME } from './service-roles.js';

export type ReadDeadLetter =
  | {
      readonly kind: 'redrivable';
      readonly source: 'lambda-failure' | 'undelivered';
      readonly functionArn: string;
      /** The EventBridge event id, when the event has one. */
      readonly eventId: string | undefined;
      /** Why it landed here, redacted and bounded (error text may quote the event). */
      readonly error: string;
      /** The original event, as JSON, to invoke the function with again. */
      readonly payload: string;
    }
  | { readonly kind: 'unreadable'; readonly problem: string };

const FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[$\w-]+)?$/;

/** The service function `arn` names, or undefined when it names no function of this service. */
export const serviceFunctionOf = (arn: string): string | undefined => {
  const name = FUNCTION_ARN.exec(arn)?.[1];
  if (!name?.startsWith(`${SERVICE_NAME}-`)) return undefined;
  return functionNames.find((fn) => name.endsWith(`-${fn}`) && name.length > `${SERVICE_NAME}-`.length + fn.length + 1);
};

/** `value` when it is a JSON object (not an array), else undefined. */
export const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
/** `value` when it is a string, else undefined. */
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The error EventBridge records with an event it could not deliver, from the message's attributes; empty when none. */
const undeliveredError = (attributes: Readonly<Record<string, string>>): string =>
  [attributes.EXHAUSTED_RETRY_CONDITION, attributes.ERROR_CODE, attributes.ERROR_MESSAGE].filter(Boolean).join(': ');

/**
 * Why EventBridge kept an event in a dead-letter queue, from the attributes it writes there
 * (EXHAUSTED_RETRY_CONDITION, ERROR_CODE, ERROR_MESSAGE), redacted and bounded: the error text
 * may quote the event.
 */
export const undeliveredReason = (attributes: Readonly<Record<string, string>>): string =>
  redactEventText(undeliveredError(attributes) || 'no error recorded');

/** Reads one message of a dead-letter queue. */
export const readDeadLetter = (body: string, attributes: Readonly<Record<string, string>>): ReadDeadLetter => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'unreadable', problem: 'the body is not JSON' };
  }
  const record = asObject(parsed);
  const context = asObject(record?.requestContext);
  const [functionArn, source, event, error] = context
    ? [
        text(context.functionArn),
        'lambda-failure' as const,
        record?.requestPayload,
        [text(context.condition), text(asObject(record?.responsePayload)?.errorType), text(asObject(record?.responsePayload)?.errorMessage)]
          .filter(Boolean)
          .join(': '),
      ]
    : [attributes.TARGET_ARN, 'undelivered' as const, parsed, undeliveredError(attributes)];
  if (!functionArn)
    return {
      kind: 'unreadable',
      problem: context ? 'the invocation record names no function' : 'no TARGET_ARN attribute: not a letter EventBridge or Lambda wrote',
    };
  if (!serviceFunctionOf(functionArn))
    return {
      kind: 'unreadable',
      problem: `${redactEventText(functionArn)} is not a ${SERVICE_NAME} function: left for a person to look at`,
    };
  if (event === undefined) return { kind: 'unreadable', problem: 'the invocation record carries no event (requestPayload)' };
  return {
    kind: 'redrivable',
    source,
    functionArn,
    eventId: text(asObject(event)?.id),
    error: redactEventText(error || 'no error recorded'),
    payload: JSON.stringify(event),
  };
};
