/**
 * ChatPort over a Slack incoming webhook (`@slack/webhook`). The webhook URL is a credential:
 * whoever has it can post to the channel. It lives in one Secrets Manager secret (policy
 * `alerts.channels.slackWebhookSecretArn`, the only secret this service may read), is read with
 * Powertools Parameters and cached for `cacheSeconds`, is checked to be a Slack webhook URL, and
 * never appears in a log line or an error message — this module does not log at all, and every
 * error it raises is built from status codes and Slack's short error strings, with the URL
 * redacted wherever a lower layer might have echoed it.
 *
 * Delivery (Slack: "no more than one message per second", bursts allowed; past that HTTP 429
 * with Retry-After — https://api.slack.com/docs/rate-limits):
 * - posts from one container are spaced `minIntervalMs` apart;
 * - 429 waits what Retry-After asks; 5xx, timeouts and network errors back off exponentially
 *   with jitter (`shared/retry.ts`); both up to `maxAttempts` attempts and `budgetMs` in all —
 *   past either, the post fails as retryable and Lambda's async retry comes back later;
 * - any other 4xx is permanent (`invalid_payload`, `no_service`, `invalid_token`,
 *   `channel_not_found`, `channel_is_archived`, `action_prohibited`, ... —
 *   https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks):
 *   it fails at once with what to fix. A 403/404/410 first re-reads the secret, bypassing the
 *   cache, and tries once more if its URL changed: a replaced webhook works within one alert.
 */
import { retry } from '../retry.js';
import { sleep as wait } from '../time.js';
import { type FetchFunction, IncomingWebhook, IncomingWebhookHTTPError, type IncomingWebhookSendArguments } from '@slack/webhook';
import { RemediationError } from '../errors.js';
import { type ChatPort, SLACK_LIMITS, type SlackMessage } from '../ports/notifier.js';
import { mapAwsError } from './aws-errors.js';

/** Reads a secret's value, with a cache (Powertools `SecretsProvider.get` has this shape). */
export interface WebhookSecretSource {
  get(name: string, options: { readonly maxAge: number; readonly forceFetch?: boolean }): Promise<unknown>;
}

export interface SlackWebhookOptions {
  /** The secret holding the webhook URL: the URL itself, or JSON `{"url": "..."}`. */
  readonly secretArn: string;
  readonly secrets: WebhookSecretSource;
  /** How long the URL is cached between reads of the secret. Default 300. */
  readonly cacheSeconds?: number;
  /** Attempts per message, the first included. Default 4. */
  readonly maxAttempts?: number;
  /** First backoff after a 5xx or a network error; doubles each time. Default 500. */
  readonly baseDelayMs?: number;
  /** Longest backoff. Default 8000. */
  readonly maxDelayMs?: number;
  /**
   * The most one post may take, waits and retries included: past it, the post fails as
   * unavailable and Lambda's retry comes back later. Keeps a post inside the function's
   * timeout whatever Slack's Retry-After says. Default 20000.
   */
  readonly budgetMs?: number;
  /** Per request (less when the budget has less left). Default 4000. */
  readonly timeoutMs?: number;
  /** Least time between two posts from this container. Default 1000. */
  readonly minIntervalMs?: number;
  /** For tests: the fetch the webhook client uses. */
  readonly fetch?: FetchFunction;
  /** For tests: how waiting is done. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The secret does not hold a Slack webhook URL. Permanent: fix the secret. */
export class SlackWebhookConfigError extends RemediationError {
  public constructor(message: string) {
    super(message);
    this.name = 'SlackWebhookConfigError';
  }
}

/** Slack refused the message (4xx other than 429). Permanent: retrying sends the same refusal. */
export class SlackWebhookRejectedError extends RemediationError {
  public readonly statusCode: number;
  public readonly slackError: string;

  public constructor(statusCode: number, slackError: string, message: string) {
    super(message);
    this.name = 'SlackWebhookRejectedError';
    this.statusCode = statusCode;
    this.slackError = slackError;
  }
}

/** Slack stayed unavailable (429, 5xx, timeouts) through every attempt. Retryable later. */
export class SlackUnavailableError extends RemediationError {
  public constructor(message: string) {
    super(message, { retryable: true });
    this.name = 'SlackUnavailableError';
  }
}

const WEBHOOK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);
const WEBHOOK_PATH = /^\/(services|workflows|triggers)\/[^/]+\//;

/** An HTTPS URL on Slack's webhook host, with a webhook path, and nothing that could carry it elsewhere. */
export const isSlackWebhookUrl = (value: string): boolean => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    WEBHOOK_HOSTS.has(url.hostname) &&
    url.port === '' &&
    !url.username &&
    !url.password &&
    WEBHOOK_PATH.test(url.pathname)
  );
};

/** What to do about each permanent refusal, by Slack's error string. */
const advice: Readonly<Record<string, string>> = {
  no_service: 'the webhook was removed or its URL is wrong: create a new incoming webhook and put its URL in the secret',
  no_active_hooks: 'the webhook was disabled: create a new incoming webhook and put its URL in the secret',
  invalid_token: 'the webhook URL is no longer valid: create a new incoming webhook and put its URL in the secret',
  no_team: 'the Slack workspace of the webhook is gone: create a webhook in the right workspace',
  channel_not_found: 'the channel of the webhook no longer exists: create a webhook for another channel',
  channel_is_archived: 'the channel of the webhook is archived: unarchive it or create a webhook for another channel',
  action_prohibited: 'the workspace restricts this webhook: ask a Slack admin',
  posting_to_general_channel_denied: 'only admins may post to this channel: use another channel',
  invalid_payload: 'Slack did not accept the message format (a bug in the renderer: report it)',
  invalid_blocks: 'Slack did not accept the message blocks (a bug in the renderer: report it)',
  invalid_blocks_format: 'Slack did not accept the message blocks (a bug in the renderer: report it)',
  no_text: 'the message had no text (a bug in the renderer: report it)',
};

/** Slack's limits on one message: at most 50 blocks; `text` is cut at 40,000 characters. */
const { blocks: MAX_BLOCKS, messageChars: MAX_TEXT } = SLACK_LIMITS;

const fitToSlack = (message: SlackMessage): IncomingWebhookSendArguments => {
  const text = message.text.length > MAX_TEXT ? `${message.text.slice(0, MAX_TEXT - 1)}…` : message.text;
  const blocks =
    message.blocks.length > MAX_BLOCKS
      ? [
          ...message.blocks.slice(0, MAX_BLOCKS - 1),
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: `${message.blocks.length - MAX_BLOCKS + 1} more blocks did not fit in one Slack message: see the email alert.`,
              },
            ],
          },
        ]
      : message.blocks;
  // The renderer builds Block Kit; its type here is the port's plain records.
  return { text, blocks: blocks as unknown as NonNullable<IncomingWebhookSendArguments['blocks']> };
};

/** Retry-After is seconds (or an HTTP date); answers milliseconds, or undefined when absent or unreadable. */
const retryAfterMs = (header: string | null, now: number): number | undefined => {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

type Attempt =
  | { readonly kind: 'ok' }
  | { readonly kind: 'retry'; readonly detail: string; readonly waitMs?: number }
  | { readonly kind: 'refused'; readonly status: number; readonly slackError: string };

/** A `retry` outcome, thrown for `retry` (shared/retry.ts) to catch and try again: it never leaves a post. */
class SlackRetry extends Error {
  /** What Retry-After asked for, in ms; undefined: back off. */
  public readonly waitMs: number | undefined;

  public constructor(detail: string, waitMs: number | undefined) {
    super(detail);
    this.name = 'SlackRetry';
    this.waitMs = waitMs;
  }
}

export const slackWebhookChat = (options: SlackWebhookOptions): ChatPort => {
  const {
    secretArn,
    secrets,
    cacheSeconds = 300,
    maxAttempts = 4,
    baseDelayMs = 500,
    maxDelayMs = 8000,
    budgetMs = 20_000,
    timeoutMs = 4000,
    minIntervalMs = 1000,
    fetch: baseFetch = globalThis.fetch,
    sleep = wait,
    now = Date.now,
    random = Math.random,
  } = options;
  let lastPostAt = Number.NEGATIVE_INFINITY;
  /** The URL last read, only to redact it from anything a lower layer says. */
  let knownUrl: string | undefined;

  const redact = (text: string): string => {
    if (!knownUrl) return text;
    const path = new URL(knownUrl).pathname;
    return text.split(knownUrl).join('<webhook URL>').split(path).join('<webhook path>');
  };

  const readUrl = async (forceFetch = false): Promise<string> => {
    let value: unknown;
    try {
      value = await secrets.get(secretArn, { maxAge: cacheSeconds, ...(forceFetch ? { forceFetch } : {}) });
    } catch (error) {
      // Powertools wraps the SDK error; map the SDK's own (AccessDenied, throttling, not found).
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw mapAwsError(cause, 'secretsmanager', `GetSecretValue ${secretArn}`);
    }
    const url = urlIn(value);
    if (!url || !isSlackWebhookUrl(url)) {
      throw new SlackWebhookConfigError(
        `the secret ${secretArn} does not hold a Slack incoming-webhook URL: expected "https://hooks.slack.com/services/..." or JSON {"url": "https://hooks.slack.com/services/..."} (its value is not shown)`,
      );
    }
    knownUrl = url;
    return url;
  };

  const attempt = async (url: string, payload: IncomingWebhookSendArguments, deadline: number): Promise<Attempt> => {
    const wait = lastPostAt + minIntervalMs - now();
    if (wait > 0) await sleep(wait);
    lastPostAt = now();
    let retryAfter: string | null = null;
    const webhook = new IncomingWebhook(url, {
      timeout: Math.max(1, Math.min(timeoutMs, deadline - now())),
      // Retries are ours: the library would retry 5xx only, without Retry-After or pacing.
      retryConfig: { retries: 0 },
      fetch: async (target, init) => {
        const response = await baseFetch(target, init);
        retryAfter = response.headers.get('retry-after');
        return response;
      },
    });
    try {
      await webhook.send(payload);
      return { kind: 'ok' };
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        const slackError = redact(error.body.trim()).slice(0, 100) || 'no error string';
        if (error.statusCode === 429)
          return { kind: 'retry', detail: `HTTP 429 ${slackError}`, waitMs: retryAfterMs(retryAfter, now()) ?? 1000 };
        if (error.statusCode >= 500) return { kind: 'retry', detail: `HTTP ${error.statusCode} ${slackError}` };
        return { kind: 'refused', status: error.statusCode, slackError };
      }
      // No answer: timeout, DNS, TLS, connection reset.
      return { kind: 'retry', detail: `request failed: ${redact(error instanceof Error ? error.message : String(error))}` };
    }
  };

  /** What a post throws when Slack stayed unavailable: out of attempts, or out of budget for the next wait. */
  const unavailable = (failure: SlackRetry, reason: 'attempts' | 'budget', n: number): SlackUnavailableError => {
    if (reason === 'attempts') return new SlackUnavailableError(`Slack webhook unavailable after ${n} attempts: ${failure.message}`);
    const asked = failure.waitMs === undefined ? '' : `, asked to retry after ${Math.ceil(failure.waitMs / 1000)} s`;
    return new SlackUnavailableError(
      `Slack webhook unavailable after ${n} attempt${n > 1 ? 's' : ''}: ${failure.message}${asked} (past this invocation's budget: retried later)`,
    );
  };

  return {
    post: async (message) => {
      const payload = fitToSlack(message);
      const deadline = now() + budgetMs;
      let url = await readUrl();
      let reread = false;
      /**
       * One attempt: a post; when Slack says the webhook is gone (403/404/410), the secret re-read
       * once per message, bypassing the cache, and the post made again at once if its URL changed
       * (the webhook may have been replaced since it was cached).
       */
      const deliver = async (): Promise<void> => {
        let outcome = await attempt(url, payload, deadline);
        if (outcome.kind === 'refused' && !reread && [403, 404, 410].includes(outcome.status)) {
          reread = true;
          const fresh = await readUrl(true);
          if (fresh !== url) {
            url = fresh;
            outcome = await attempt(url, payload, deadline);
          }
        }
        if (outcome.kind === 'retry') throw new SlackRetry(outcome.detail, outcome.waitMs);
        if (outcome.kind === 'refused') {
          const what = advice[outcome.slackError] ?? 'Slack refused the message';
          throw new SlackWebhookRejectedError(
            outcome.status,
            outcome.slackError,
            `Slack webhook (secret ${secretArn}) refused the message: HTTP ${outcome.status} ${outcome.slackError}: ${what}`,
          );
        }
      };
      // 429 waits what Retry-After asks, the rest backs off; both within maxAttempts and the budget.
      await retry(deliver, {
        maxAttempts,
        retryIf: (error) => error instanceof SlackRetry,
        waitAskedBy: (error) => (error instanceof SlackRetry ? error.waitMs : undefined),
        backoff: { baseMs: baseDelayMs, capMs: maxDelayMs },
        deadline,
        finalError: (error, { reason, attempts }) =>
          error instanceof SlackRetry && reason !== 'final' ? unavailable(error, reason, attempts) : error,
        sleep,
        now,
        random,
      });
    },
  };
};

/** The URL in a secret's value: the value itself, or its `url` / `webhookUrl` field when it is JSON. */
const urlIn = (value: unknown): string | undefined => {
  const text = typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value) : undefined;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    const url = parsed.url ?? parsed.webhookUrl;
    return typeof url === 'string' ? url.trim() : undefined;
  } catch {
    return undefined;
  }
};
