/**
 * Alerts as the alert functions receive them, many at a time: a real "Secret Finding" (classify
 * over a sample event) copied for other secrets, and a rig of both alert functions over one set
 * of in-memory ports with a clock the test moves.
 */
import type { RuleId } from '../../shared/contracts/rule-ids.js';
import type { Context } from 'aws-lambda';
import { type DigestOutcome, makeHandler as makeAlertDigest } from '../../shared/handlers/alert-digest.js';
import { type AlertOutcome, makeHandler as makeAlert } from '../../shared/handlers/alert.js';
import { makeHandler as makeClassify } from '../../shared/handlers/classify.js';
import type { Digest, DigestItem } from '../../shared/alerts/digest.js';
import type { AlertSettings } from '../../shared/alerts/storm.js';
import type { ActionResult, Finding, Severity } from '../../shared/contracts/finding.js';
import { DEFAULT_POLICY } from '../../shared/policy/schema.js';
import type { ChatPort } from '../../shared/ports/notifier.js';
import { placeNamedBy } from '../../shared/replay/chain.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { RecordingChat } from '../../shared/sandbox/recording-chat.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import { loadSampleEvent } from './events.js';
import { classifyContext } from './policy.js';
import { defaultSandbox } from './sandbox.js';

export const SLACK_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:secrets-remediator/slack-webhook-AbCdEf';

export interface FindingEvent {
  readonly 'detail-type': string;
  readonly detail: Finding;
  readonly [key: string]: unknown;
}

/** The "Secret Finding" classify publishes for a sample event (one with no action: its alert goes out from the finding). */
export const findingEventOf = async (file: string): Promise<FindingEvent> => {
  const account = defaultSandbox();
  await makeClassify(account, classifyContext)(loadSampleEvent(file), localContext('classify'));
  const [event] = account.bus.published;
  if (!event) throw new Error(`classify published nothing for ${file}`);
  return event as unknown as FindingEvent;
};

/**
 * The "Secret Finding" classify publishes for a sample event, classified in the account and Region
 * the event names, as the deployment that received it would run.
 */
export const findingEventInItsAccount = async (file: string): Promise<FindingEvent> => {
  const account = defaultSandbox();
  const sample = loadSampleEvent(file);
  const { account: id, region } = placeNamedBy(sample);
  await makeClassify(account, classifyContext)(sample, localContext('classify', id, region));
  const [event] = account.bus.published;
  if (!event) throw new Error(`classify published nothing for ${file}`);
  return event as unknown as FindingEvent;
};

/** The same finding for another secret (`<prefix><n>`), with its own id; optionally another rule or severity. */
export const findingFor = (
  template: FindingEvent,
  n: number,
  change: { rule?: RuleId; severity?: Severity; prefix?: string } = {},
): FindingEvent => {
  const event = structuredClone(template) as { detail: Finding } & FindingEvent;
  const rule = change.rule ?? event.detail.rule;
  const name = `${change.prefix ?? 'prod/storm/secret-'}${n}`;
  const arn = `arn:aws:secretsmanager:${event.detail.secret.region}:${event.detail.secret.account}:secret:${name}-AbCdEf`;
  event.detail = {
    ...event.detail,
    id: `storm-${n}/${rule}`,
    rule,
    ...(change.severity ? { severity: change.severity } : {}),
    secret: { ...event.detail.secret, id: arn, arn, name },
    event: { ...event.detail.event, id: `storm-${n}` },
  };
  return event;
};

/** The "Remediation Result" its action would publish for `finding`. */
export const resultEventFor = (finding: FindingEvent, result: ActionResult): FindingEvent & { detail: never } =>
  ({
    ...structuredClone(finding),
    'detail-type': 'Remediation Result',
    detail: { finding: structuredClone(finding.detail), result },
  }) as never;

/** The policy's alert settings, defaults first. */
export const alertSettings = (
  change: Partial<Omit<AlertSettings, 'channels'>> & { channels?: Partial<AlertSettings['channels']> } = {},
): AlertSettings => ({
  ...DEFAULT_POLICY.alerts,
  ...change,
  channels: { ...DEFAULT_POLICY.alerts.channels, ...change.channels },
});

/** Both alert functions over one set of in-memory ports; `at(iso)` moves the clock. */
export const alertRig = (alerts: AlertSettings, start = '2026-11-25T12:01:00.000Z', chat: ChatPort = new RecordingChat()) => {
  let now = new Date(start);
  const clock = { now: () => now };
  const ports = { notifier: new RecordingNotifier(), chat, ledger: new MemoryLedger(() => now), digest: new MemoryDigest(), clock };
  return {
    ports,
    alert: makeAlert(ports, { alerts }),
    digest: makeAlertDigest(ports, { alerts }),
    at: (iso: string) => {
      now = new Date(iso);
    },
  };
};

/** A scheduled event as EventBridge sends alert-digest. */
export const scheduledEvent = (time = '2026-11-25T12:07:00Z') => ({
  version: '0',
  id: 'schedule-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/secrets-remediator-test-alert-digest'],
  detail: {},
});

/** How many outcomes of each status. */
export const statusesOf = (outcomes: readonly AlertOutcome[]) =>
  outcomes.reduce<Record<string, number>>((count, o) => ({ ...count, [o.status]: (count[o.status] ?? 0) + 1 }), {});

/** The findings sent on their own. */
export const sentIds = (outcomes: readonly AlertOutcome[]) => outcomes.flatMap((o) => (o.status === 'sent' ? [o.findingId] : []));

/** Runs alert-digest at `time`. */
export const flushAt = async (
  rig: ReturnType<typeof alertRig>,
  time: string,
  lambdaContext: Context = localContext('alert-digest'),
): Promise<DigestOutcome> => {
  rig.at(time);
  return rig.digest(scheduledEvent(time), lambdaContext);
};

/** A rotation-failed digest of `items` for one 5-minute window in the sample account, `change` applied. */
export const digestOf = (items: readonly DigestItem[], change: Partial<Digest> = {}): Digest => ({
  rule: 'rotation-failed',
  title: 'Secret rotation failed',
  severity: 'high',
  account: '123456789012',
  region: 'us-east-1',
  windowStart: '2026-11-24T10:15:00Z',
  windowEnd: '2026-11-24T10:20:00Z',
  items,
  ...change,
});
