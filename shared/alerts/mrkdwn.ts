/**
 * Slack's mrkdwn, for the Slack message and for the Chatbot document (Chatbot's
 * `client-markdown` is rendered in the chat platform's own markdown; the channel this service
 * targets is Slack). Every string from the model goes through {@link escapeMrkdwn} or
 * {@link code}: Slack reads `<...>` as links and mentions (`<!channel>` would page a whole
 * channel) and `&` starts an entity, so a user agent or error message must not carry them raw.
 */
import type { Line, NextStep } from './advice.js';
import type { DigestItem, DigestModel } from './digest.js';
import { truncate } from './limits.js';

/** Slack's three control characters as entities (its documented escaping). */
export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Inline code: escaped, and with backticks (which would end the span) and line breaks
 * (which code spans cannot hold) replaced.
 */
export const code = (text: string): string => `\`${escapeMrkdwn(text.replace(/`/g, "'").replace(/[\r\n]+/g, ' '))}\``;

export const bold = (text: string): string => `*${escapeMrkdwn(text)}*`;

/** A link: the URL is ours (console links), the label is escaped; `|` would end the URL. */
export const link = (url: string, label: string): string =>
  `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label).replace(/\|/g, '/')}>`;

/** A "what happened" line: labelled values in bold, code where the model says so. */
export const lineMrkdwn = (line: Line): string =>
  typeof line === 'string' ? escapeMrkdwn(line) : `${bold(line.label)}: ${line.code ? code(line.value) : escapeMrkdwn(line.value)}`;

/** A next step: its text, then its command as code. */
export const stepMrkdwn = (step: NextStep): string =>
  step.command ? `${escapeMrkdwn(step.text)}: ${code(step.command)}` : escapeMrkdwn(step.text);

/**
 * A digest's line in chat: the secret and its outcome only (the email has each reason), so more
 * fit a part.
 */
export const digestItemMrkdwn = (item: DigestItem): string =>
  `• ${code(truncate(item.secret, 600))}${item.outcome ? ` — ${bold(item.outcome)}` : ''}`;

/** A line of a digest's summary in chat: at most this long (the email has it whole). */
const DIGEST_LINE_CHARS = 300;

/** The lines (mrkdwn) a digest's chat messages share: what the findings share, the counts, the first few, and how many more. */
export const digestSummaryMrkdwn = (
  model: DigestModel,
): {
  readonly before?: string;
  readonly shared: string[];
  readonly breakdowns: string[][];
  readonly items: string[];
  readonly more?: string;
} => {
  const line = (l: Line) =>
    lineMrkdwn(typeof l === 'string' ? truncate(l, DIGEST_LINE_CHARS) : { ...l, value: truncate(l.value, DIGEST_LINE_CHARS) });
  const more = model.count - model.chatItems.length;
  return {
    ...(model.sentBefore ? { before: escapeMrkdwn(`. The first ${model.sentBefore} alerts of this storm went out one by one.`) } : {}),
    shared: [bold(model.sharedTitle), ...(model.shared.length > 0 ? model.shared.map(line) : ['no one caller, user agent or name prefix'])],
    breakdowns: model.breakdowns.map((b) => [bold(b.title), ...b.lines.map(line)]),
    items: model.chatItems.map(digestItemMrkdwn),
    ...(more > 0
      ? {
          more: escapeMrkdwn(
            `… and ${more} more: the email digest lists every one${model.listCommand ? ', and the first next step lists them from the digest table' : ''}`,
          ),
        }
      : {}),
  };
};

/** A decorative marker per severity (Slack emoji shortcodes, ASCII, so they count as written). */
export const severityEmoji: Readonly<Record<string, string>> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};
