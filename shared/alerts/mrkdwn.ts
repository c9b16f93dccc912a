/**
 * Slack's mrkdwn, for the Slack message and for the Chatbot document (Chatbot's
 * `client-markdown` is rendered in the chat platform's own markdown; the channel this service
 * targets is Slack). Every string from the model goes through {@link escapeMrkdwn} or
 * {@link code}: Slack reads `<...>` as links and mentions (`<!channel>` would page a whole
 * channel) and `&` starts an entity, so a user agent or error message must not carry them raw.
 */
import type { Line, NextStep } from './advice.js';
import type { DigestItem } from './digest.js';
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
export const link = (url: string, label: string): string => `<${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${escapeMrkdwn(label).replace(/\|/g, '/')}>`;

/** A "what happened" line: labelled values in bold, code where the model says so. */
export const lineMrkdwn = (line: Line): string =>
  typeof line === 'string' ? escapeMrkdwn(line) : `${bold(line.label)}: ${line.code ? code(line.value) : escapeMrkdwn(line.value)}`;

/** A next step: its text, then its command as code. */
export const stepMrkdwn = (step: NextStep): string => (step.command ? `${escapeMrkdwn(step.text)}: ${code(step.command)}` : escapeMrkdwn(step.text));

/**
 * A digest's line in chat: the secret and its outcome only (the email has each reason), so more
 * fit a part.
 */
export const digestItemMrkdwn = (item: DigestItem): string => `• ${code(truncate(item.secret, 600))}${item.outcome ? ` — ${bold(item.outcome)}` : ''}`;

/** A decorative marker per severity (Slack emoji shortcodes, ASCII, so they count as written). */
export const severityEmoji: Readonly<Record<string, string>> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};
