/**
 * What each channel accepts, and the helpers that keep a rendering within it. A rendering that
 * broke a limit would be refused (SNS, Slack) or dropped without a word (Chatbot): so every
 * renderer cuts to these numbers, and the tests hold each channel to them.
 */
import { type AlertMessage, snsMessageOf } from '../ports/notifier.js';

/**
 * Amazon SNS Publish. The API reference says a subject must be "UTF-8 text with no line
 * breaks or control characters, and less than 100 characters long": 99, printable ASCII (some
 * subscribers rewrite anything else). A message, attributes included, is at most 256 KB.
 */
export const SNS_LIMITS = {
  subjectChars: 99,
  messageBytes: 262_144,
} as const;

/** Slack Block Kit: kept with the Slack message in the notifier port, where the webhook adapter reads them too. */
export { SLACK_LIMITS } from '../ports/notifier.js';

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notifications. The schema
 * (version "1.0", source "custom", content.textType "client-markdown", title, description,
 * nextSteps, keywords; metadata.threadId, summary, eventType, relatedResources,
 * additionalContext) is from the "Custom notifications" page of its administrator guide. The
 * numbers below are ours, chosen under what a Slack message can show, because the stored copy
 * of that page available here did not include its length limits: a description is rendered
 * into Slack, whose sections take at most 3000 characters, so 3000 is the ceiling we keep to;
 * titles stay one line. Raise them only against the published OpenAPI schema.
 */
export const CHATBOT_LIMITS = {
  titleChars: 250,
  descriptionChars: 3000,
  nextSteps: 10,
  nextStepChars: 1000,
  keywords: 10,
  keywordChars: 50,
  summaryChars: 500,
  relatedResources: 10,
  relatedResourceChars: 2048,
  threadIdChars: 128,
  eventTypeChars: 100,
  additionalContextValueChars: 1024,
  /** The whole document, serialised: far under SNS's 256 KB, which it shares with the text. */
  documentChars: 16_000,
} as const;

/** `text` cut to `max` characters, ending with `marker` when cut. */
export const truncate = (text: string, max: number, marker = '…'): string => {
  const chars = [...text];
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(max - [...marker].length, 0)).join('') + marker.slice(0, max);
};

/** Characters as Slack and Chatbot count them (code points, so a cut never splits a pair). */
export const charLength = (text: string): number => [...text].length;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** `text` cut to at most `maxBytes` of UTF-8, never in the middle of a character. */
export const truncateBytes = (text: string, maxBytes: number): string => {
  if (utf8Bytes(text) <= maxBytes) return text;
  // A cut inside a multi-byte character decodes to U+FFFD: drop it.
  return Buffer.from(text, 'utf8')
    .subarray(0, Math.max(maxBytes, 0))
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
};

/**
 * The bytes one Publish of this alert costs against SNS's 256 KB: the subject, the attributes,
 * and the message — with a Chatbot document, the JSON message structure that carries the text
 * for email (and `default`) and the document for HTTPS, which is the largest it can be.
 */
export const snsPublishBytes = (message: AlertMessage): number => {
  const body = snsMessageOf(message).Message;
  const attributes = Object.entries(message.attributes).reduce(
    (sum, [key, value]) => sum + utf8Bytes(key) + utf8Bytes(value) + utf8Bytes('String'),
    0,
  );
  return utf8Bytes(message.subject) + utf8Bytes(body) + attributes;
};

/** Printable ASCII only, one line: what an SNS subject may hold. */
export const asciiLine = (text: string): string => text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7E]/g, '?');
