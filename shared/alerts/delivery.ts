/**
 * Sending one rendered alert to each channel the policy turns on, at most once per channel.
 *
 * Each channel is a delivery of its own, done once through the ledger's claim protocol
 * (`shared/ledger/once.ts`) under its own key (`<key>#sns`, `<key>#slack`): when Slack fails and
 * Lambda retries the invocation, SNS is not published again, and the other way round. A channel's failure does not stop the others; the invocation fails afterwards, so
 * Lambda's async retries (then the dead-letter queue, and its alarm) take over.
 */
import { ConfigError, RemediationError } from '../errors.js';
import { claimKey } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import type { Clock } from '../ports/clock.js';
import type { LedgerPort } from '../ports/ledger.js';
import type { ChatPort, NotifierPort } from '../ports/notifier.js';
import type { AlertRenderings } from './render.js';
import type { AlertSettings } from './storm.js';

export type Channel = 'sns' | 'slack';

/** Which deliveries the policy's `alerts.channels` asks for. */
export interface Channels {
  /** Publish to the topic (its email, Chatbot and other subscribers). */
  readonly sns: boolean;
  /** Put the Chatbot document on the topic message for its HTTPS subscribers. */
  readonly chatbot: boolean;
  /** Post Block Kit to the Slack webhook. */
  readonly slack: boolean;
}

/**
 * SNS cannot leave one protocol out of a publish, so `email: false` cannot silence email
 * subscribers while the topic is published to. It means "do not publish plain text to the
 * topic": the topic is still published to when Chatbot is on (email subscribers then get the
 * plain `default` text: unsubscribe them or give them a filter policy), and when no other
 * channel is on, so an alert is never sent nowhere.
 */
export const channelsFor = ({ channels }: AlertSettings): Channels => {
  const slack = channels.slackWebhookSecretArn !== null;
  return { sns: channels.email || channels.chatbot || !slack, chatbot: channels.chatbot, slack };
};

/** The policy turns Slack on, but the function was wired without the Slack webhook adapter: a deployment fault. */
export const missingChatPort = (): ConfigError =>
  new ConfigError(
    'alerts.channels.slackWebhookSecretArn is set but the function has no chat port: give it the Slack webhook adapter (shared/adapters/slack-webhook.ts)',
  );

/** Another invocation is sending the same alert right now (or died doing so, and its invocation's time is not up yet). */
export class AlertInProgressError extends RemediationError {
  public constructor(key: string) {
    super(`alert ${key} is being delivered by another invocation; retry later`, { retryable: true });
    this.name = 'AlertInProgressError';
  }
}

/** Several deliveries failed (one failure is rethrown as it is); what was delivered is not sent again on retry. */
export class AlertDeliveryError extends RemediationError {
  public readonly failed: readonly Channel[];

  public constructor(failures: readonly ChannelFailure[]) {
    const describe = ({ channel, error }: ChannelFailure) => `${channel}: ${error instanceof Error ? error.message : String(error)}`;
    super(`alert delivery failed (${failures.map(describe).join('; ')})`, { cause: failures[0]?.error, retryable: true });
    this.name = 'AlertDeliveryError';
    this.failed = failures.map((f) => f.channel);
  }
}

export interface DeliveryPorts {
  readonly notifier: NotifierPort;
  readonly ledger: LedgerPort;
  readonly clock: Clock;
  /** Required when the policy turns Slack on. */
  readonly chat?: ChatPort;
}

/** The channels `channels` turns on, in the order they are sent (the topic first). */
export const channelList = (channels: Channels): Channel[] => [
  ...(channels.sns ? (['sns'] as const) : []),
  ...(channels.slack ? (['slack'] as const) : []),
];

/** How long the invocation may still run (`() => context.getRemainingTimeInMillis()`): each channel's claim holds that long. */
export type RemainingTime = () => number;

/**
 * Delivers `renderings` on `channel` unless it was delivered under `key` before: answers true
 * when sent now, false when sent before. Remembers the delivery until `keepUntil`.
 *
 * @throws AlertInProgressError when another invocation holds the channel's claim.
 * @throws the channel's own error when sending failed (its claim released, so a retry sends it).
 */
export const deliverChannel = async (
  ports: DeliveryPorts,
  key: string,
  channel: Channel,
  renderings: AlertRenderings,
  keepUntil: Date,
  remainingMs: RemainingTime,
): Promise<boolean> => {
  const { chat } = ports;
  const send = channel === 'sns' ? () => ports.notifier.publish(renderings.sns) : chat ? () => chat.post(renderings.slack) : undefined;
  if (!send) throw missingChatPort();
  const channelKey = claimKey.channel(key, channel);
  const delivery = await once(ports, channelKey, async () => send().then(() => SENT), {
    remainingMs: remainingMs(),
    // Recorded as `sent` (what deliveries have always recorded), read back as such whatever was stored.
    encode: () => SENT,
    decode: () => SENT,
    keepUntil: () => keepUntil,
  });
  if (delivery.kind === 'in-progress') throw new AlertInProgressError(channelKey);
  return delivery.kind === 'done';
};

const SENT = 'sent';

/**
 * Delivers `renderings` on each channel of `channels` not yet delivered under `key`, and
 * answers the channels delivered by this call (empty: everything had been sent before).
 * Remembers each delivered channel until `keepUntil`.
 *
 * @throws AlertInProgressError when another invocation holds a channel's claim.
 * @throws the channel's own error when one channel failed, AlertDeliveryError when several did
 *   (after trying every channel either way).
 */
export const deliverOnce = async (
  ports: DeliveryPorts,
  key: string,
  renderings: AlertRenderings,
  channels: Channels,
  keepUntil: Date,
  remainingMs: RemainingTime,
): Promise<Channel[]> => {
  if (channels.slack && !ports.chat) throw missingChatPort();
  const delivered: Channel[] = [];
  const failures: ChannelFailure[] = [];
  for (const channel of channelList(channels)) {
    try {
      if (await deliverChannel(ports, key, channel, renderings, keepUntil, remainingMs)) delivered.push(channel);
    } catch (error) {
      if (error instanceof AlertInProgressError) throw error;
      failures.push({ channel, error });
    }
  }
  throwFailures(failures);
  return delivered;
};

export interface ChannelFailure {
  readonly channel: Channel;
  readonly error: unknown;
}

/** Throws what `failures` says, if anything failed. */
export const throwFailures = (failures: readonly ChannelFailure[]): void => {
  // One failure keeps its own error (TransientAwsError, SlackWebhookRejectedError, ...): it says most.
  if (failures.length === 1) throw failures[0]?.error;
  if (failures.length > 1) throw new AlertDeliveryError(failures);
};
