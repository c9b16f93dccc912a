/**
 * The member stack's forward queue (organisation mode): where a member keeps the events the hub's
 * bus did not take, the alarms that say so at the hub, and which of the queue's messages
 * `secrets-remediator redrive --member-account` may send on to the hub's classify. Pure.
 *
 * The names are the member template's (deploy/plugins/organisation.cjs takes them from here
 * through the deployment facts, and fails packaging if its alarms come out named otherwise), so
 * the hub's rule, the member's alarms and the command that reads the queue cannot drift apart.
 *
 * What the queue holds is a claim twice over: the events are only what the member's default bus
 * saw, and anyone of the member account whose identity policy allows `sqs:SendMessage` can add a
 * message of their own. So a message is sent on only when it is an EventBridge event of that
 * member account and region that one of the member's forwarding rules would have sent; classify
 * then reads the account's state before anything is acted on, as for every forwarded event.
 */
import { redactEventText } from '../contracts/hostile-text.js';
import { asObject, text, undeliveredReason } from './dead-letter.js';
import { SERVICE_NAME, stageProblem } from './service-roles.js';

/** `source` and `detail-type` of the event CloudWatch sends when an alarm changes state. */
export const ALARM_SOURCE = 'aws.cloudwatch';
export const ALARM_DETAIL_TYPE = 'CloudWatch Alarm State Change';

/**
 * The alarms on a dead-letter queue, by the suffix each adds to the queue's name: a message
 * arrived (NumberOfMessagesSent), and one has waited more than an hour (the oldest message's
 * age). The hub's own dead-letter queues have the same two (deploy/dead-letter-alarms.cjs).
 */
export const DEAD_LETTER_ALARM_SUFFIXES = ['arrivals', 'oldest-message'] as const;

const checkedStage = (stage: string): string => {
  const problem = stageProblem(stage);
  if (problem) throw new Error(problem);
  return stage;
};

/** The member stack's queue of undelivered forwards: `secrets-remediator-<stage>-forward-undelivered`. */
export const forwardQueueName = (stage: string): string => `${SERVICE_NAME}-${checkedStage(stage)}-forward-undelivered`;

/** The names of the member stack's alarms on its forward queue (the same in every account and region). */
export const forwardQueueAlarmNames = (stage: string): readonly string[] =>
  DEAD_LETTER_ALARM_SUFFIXES.map((suffix) => `${forwardQueueName(stage)}-${suffix}`);

/**
 * The pattern of the hub's rule that turns a member's forward-queue alarm into a notification:
 * only those two alarm names, exactly, and only when they go into ALARM. Any account of the
 * organisation can forward alarm events of its own making to the hub's bus (the bus admits
 * `aws.cloudwatch` from the organisation), so nothing looser may match, and what the rule does
 * with a match is notify the operations topic, never act.
 */
export const forwardQueueAlarmPattern = (stage: string): Readonly<Record<string, unknown>> => ({
  source: [ALARM_SOURCE],
  'detail-type': [ALARM_DETAIL_TYPE],
  detail: { alarmName: [...forwardQueueAlarmNames(stage)], state: { value: ['ALARM'] } },
});

/** The member account and region whose queue is read. */
export interface MemberPlace {
  readonly account: string;
  readonly region: string;
}

/** What one message of a member's forward queue is, and what redrive may do with it. */
export type ForwardedLetter =
  | {
      /** An event a forwarding rule of this member could have sent: send it to the hub's classify. */
      readonly kind: 'forwarded';
      readonly eventId: string | undefined;
      /** `source` and `detail-type`, redacted and bounded, for the report. */
      readonly what: string;
      /** Why EventBridge kept it (its attributes), redacted and bounded. */
      readonly error: string;
      /** The event, as JSON, as the hub's rule would have given it to classify. */
      readonly payload: string;
    }
  | {
      /**
       * The state change of this member's own forward-queue alarm, kept because the hub's bus did
       * not take it either: it said that this queue holds letters, which the person reading the
       * queue now knows. Nothing to send on.
       */
      readonly kind: 'alarm';
      readonly alarmName: string;
    }
  | { readonly kind: 'unreadable'; readonly problem: string };

/**
 * Reads one message of the forward queue of the member at `place`.
 * @param forwardable - whether one of the member's forwarding rules (the policy's forwarded routes) matches the event
 */
export const readForwardedLetter = (
  body: string,
  attributes: Readonly<Record<string, string>>,
  context: { readonly place: MemberPlace; readonly alarmNames: readonly string[]; readonly forwardable: (event: unknown) => boolean },
): ForwardedLetter => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'unreadable', problem: 'the body is not JSON: not an event a forwarding rule sent; left for a person to look at' };
  }
  const event = asObject(parsed);
  const [source, detailType, account, region] = ['source', 'detail-type', 'account', 'region'].map((key) => text(event?.[key]));
  if (!event || !source || !detailType || !account || !region)
    return {
      kind: 'unreadable',
      problem: 'not an EventBridge event (no source, detail-type, account or region): left for a person to look at',
    };
  const what = redactEventText(`${source} ${detailType}`);
  const { place } = context;
  if (account !== place.account || region !== place.region)
    return {
      kind: 'unreadable',
      problem: `${what} of ${redactEventText(account)} in ${redactEventText(region)}, not of this member (${place.account} in ${place.region}): a forwarding rule here sends only this account-region's events; left for a person to look at`,
    };
  const alarmName = text(asObject(event.detail)?.alarmName);
  if (source === ALARM_SOURCE && detailType === ALARM_DETAIL_TYPE && alarmName !== undefined && context.alarmNames.includes(alarmName))
    return { kind: 'alarm', alarmName };
  if (!context.forwardable(event))
    return {
      kind: 'unreadable',
      problem: `${what}: not an event the forwarding rules send (the policy's patterns for classify); left for a person to look at`,
    };
  return { kind: 'forwarded', eventId: text(event.id), what, error: undeliveredReason(attributes), payload: JSON.stringify(event) };
};
