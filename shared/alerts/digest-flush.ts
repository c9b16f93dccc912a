/**
 * The digest flush (alert-digest's use case): on a schedule (every minute), sends one digest per storm window that has closed
 * — what its findings share, the counts, and every finding held back in it: the whole list by
 * email (in parts only when SNS's 256 KB forces it), one Slack message with the summary and the
 * command that lists them — on the channels the policy turns on, then forgets the window.
 *
 * Idempotent per window (`digest#<window>` in the ledger) and per part and channel
 * (`digest#<window>#part-<n>#sns`, and `#part-1#slack` for the Slack message): overlapping runs, retries and a crash half-way never
 * send a part twice, and a part that failed is sent by the next run. Each part goes out on each
 * channel on its own: Slack down holds back no email digest. After one Slack failure a run
 * posts nothing more to Slack (each try can take 20 seconds) but still publishes every part.
 * A window whose digest cannot go out in full stays registered, so every later run tries what is
 * missing; the run fails, so Lambda's error metrics and the dead-letter queue's alarm say so.
 */
import {
  AlertInProgressError,
  type Channel,
  type ChannelFailure,
  channelList,
  channelsFor,
  deliverChannel,
  missingChatPort,
  type RemainingTime,
  throwFailures,
} from './delivery.js';
import { renderDigest } from './render.js';
import { type AlertSettings, closedBy, digestOf, keepHeldUntil } from './storm.js';
import { RemediationError } from '../errors.js';
import { claimKey } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import { logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { DigestPort, DigestWindow } from '../ports/digest.js';
import type { LedgerPort } from '../ports/ledger.js';
import type { ChatPort, NotifierPort } from '../ports/notifier.js';

export interface DigestReport {
  readonly window: string;
  readonly rule: string;
  /**
   * `sent`: delivered now; `duplicate`: an earlier run sent it; `busy`: another run is sending it;
   * `empty`: nothing was held; `deferred`: time ran short part-way, the next run sends the rest.
   */
  readonly status: 'sent' | 'duplicate' | 'busy' | 'empty' | 'deferred';
  /** Findings in the digest, and the email parts it took (Slack takes one message, Chatbot one per part). */
  readonly count: number;
  readonly parts: number;
  readonly findingIds: readonly string[];
  readonly channels: readonly Channel[];
}

export interface DigestOutcome {
  readonly status: 'flushed';
  readonly digests: readonly DigestReport[];
  /** Closed windows left for the next run (time ran short, or more than one run's worth). */
  readonly deferred: number;
}

export interface DigestPorts {
  readonly notifier: NotifierPort;
  readonly ledger: LedgerPort;
  readonly digest: DigestPort;
  readonly clock: Clock;
  /** Required when `alerts.channels.slackWebhookSecretArn` is set. */
  readonly chat?: ChatPort;
}

export interface DigestUseCaseSettings {
  readonly alerts: AlertSettings;
}

/** Windows one run takes on; the rest wait a minute for the next run. */
const WINDOWS_PER_RUN = 50;
/**
 * Time kept in hand before the function's timeout: no part is started with less left (one part
 * is one SNS publish and one Slack post, whose retries stop within 20 seconds).
 */
const RESERVE_MS = 30_000;
/** A report of `window` with nothing in it, for its status to be added. */
const nothingSent = (window: DigestWindow) => ({ window: window.key, rule: window.rule, count: 0, parts: 0, findingIds: [], channels: [] });

/** Slack failed earlier in this run, so this run did not try it for this window: the next run does. */
export class SlackSkippedError extends RemediationError {
  public constructor() {
    super('not posted to Slack: Slack failed earlier in this run', { retryable: true });
    this.name = 'SlackSkippedError';
  }
}

/** What one run learnt about the channels, for the windows it sends after. */
interface RunState {
  slackFailed: boolean;
}

/** Some digests could not be delivered; they stay registered and the next run tries again. */
export class DigestDeliveryError extends RemediationError {
  public constructor(failures: readonly { window: string; error: unknown }[]) {
    const describe = ({ window, error }: { window: string; error: unknown }) =>
      `${window}: ${error instanceof Error ? error.message : String(error)}`;
    super(`${failures.length} digest(s) not delivered (${failures.map(describe).join('; ')})`, {
      cause: failures[0]?.error,
      retryable: true,
    });
    this.name = 'DigestDeliveryError';
  }
}

/**
 * The digest flush over its ports: checks them against the settings once (at cold start), then
 * each run sends the digests of the windows that have closed, for as long as
 * `remainingMillis` (the invocation's time left) allows.
 */
export const digestFlushUseCase = (ports: DigestPorts, { alerts }: DigestUseCaseSettings) => {
  const channels = channelsFor(alerts);
  if (channels.slack && !ports.chat) throw missingChatPort();

  /**
   * One window's digest, sent once under `digest#<window>` through the claim protocol
   * (shared/ledger/once.ts): a deferred digest is not recorded, so the next run sends the rest.
   */
  const flush = async (
    window: DigestWindow,
    remainingMillis: RemainingTime,
    hasTime: () => boolean,
    run: RunState,
  ): Promise<DigestReport> => {
    const none = nothingSent(window);
    const sent = await once(ports, claimKey.digest(window.key), () => sendParts(window, remainingMillis, hasTime, run), {
      remainingMs: remainingMillis(),
      // What a later run needs to know is only that it was done (kept as the ledger always had it).
      encode: (report) => (report.status === 'empty' ? 'empty' : 'sent'),
      decode: (): DigestReport => ({ ...none, status: 'duplicate' }),
      keepUntil: (report) => (report.status === 'deferred' ? undefined : keepHeldUntil(window)),
    });
    if (sent.kind === 'in-progress') return { ...none, status: 'busy' };
    // Forgotten once recorded: a failure here leaves the record, and the next run forgets it.
    if (sent.value.status !== 'deferred') await ports.digest.forget(window);
    return sent.value;
  };

  /** Sends each part of `window`'s digest not sent before, on each channel, while time allows. */
  const sendParts = async (
    window: DigestWindow,
    remainingMillis: RemainingTime,
    hasTime: () => boolean,
    run: RunState,
  ): Promise<DigestReport> => {
    const none = nothingSent(window);
    const held = await ports.digest.held(window);
    if (held.length === 0) return { ...none, status: 'empty' };
    const keepUntil = keepHeldUntil(window);
    // The first `digestAfter` alerts of the window went out one by one: the digest says so.
    const digest = digestOf(window, held, { sentBefore: alerts.digestAfter, listCommand: ports.digest.listCommand(window) });
    const { email: parts, slack } = renderDigest(digest, { chatbot: channels.chatbot });
    const delivered = new Set<Channel>();
    const findingIds = held.map((h) => h.findingId);
    const failures: ChannelFailure[] = [];
    let partsLeft = 0;
    // In order, each email part once on the topic, and the one Slack message with the first
    // part: a retry skips what is already out. A channel's failure stops neither the other
    // channel nor the later parts.
    for (const [n, part] of parts.entries()) {
      if (!hasTime()) {
        partsLeft = parts.length - n;
        break;
      }
      for (const channel of channelList(channels)) {
        if (channel === 'slack' && n > 0) continue;
        if (channel === 'slack' && run.slackFailed) {
          if (!failures.some((f) => f.channel === 'slack')) failures.push({ channel, error: new SlackSkippedError() });
          continue;
        }
        try {
          if (await deliverChannel(ports, claimKey.digestPart(window.key, n + 1), channel, { ...part, slack }, keepUntil, remainingMillis))
            delivered.add(channel);
        } catch (error) {
          failures.push({ channel, error });
          // A claim held by a run that died is no sign of Slack being down.
          if (channel === 'slack' && !(error instanceof AlertInProgressError)) run.slackFailed = true;
        }
      }
    }
    throwFailures(failures); // the claim is released: the next run sends what is missing
    const sent = { count: held.length, parts: parts.length, findingIds, channels: [...delivered] };
    if (partsLeft > 0) {
      logger.info('digest deferred', { window: window.key, ruleId: window.rule, partsLeft });
      return { ...none, ...sent, status: 'deferred' };
    }
    logger.info('digest sent', { window: window.key, ruleId: window.rule, count: held.length, parts: parts.length });
    return { ...none, ...sent, status: delivered.size > 0 ? 'sent' : 'duplicate' };
  };

  return async (remainingMillis: RemainingTime): Promise<DigestOutcome> => {
    const windows = await ports.digest.closedWindows(closedBy(ports.clock.now()), WINDOWS_PER_RUN);
    const hasTime = () => remainingMillis() >= RESERVE_MS;
    const digests: DigestReport[] = [];
    const failures: { window: string; error: unknown }[] = [];
    const run: RunState = { slackFailed: false };
    let done = 0;
    for (const window of windows) {
      if (!hasTime()) break;
      done += 1;
      try {
        digests.push(await flush(window, remainingMillis, hasTime, run));
      } catch (error) {
        logger.error('digest not delivered', { window: window.key, ruleId: window.rule, error: error as Error });
        failures.push({ window: window.key, error });
      }
    }
    if (failures.length > 0) throw new DigestDeliveryError(failures);
    return { status: 'flushed', digests, deferred: windows.length - done };
  };
};
