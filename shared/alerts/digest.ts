/**
 * Storms: many findings of one rule within a window go out as one digest — in parts when one
 * message per channel would be too big, so that no finding is dropped. This is the digest's model,
 * as `model.ts` is one alert's: every fact of each part, redacted once, here, in plain text. The
 * channel renderers (`plain-text.ts`, `chatbot.ts`, `slack-blocks.ts`) render each part as they
 * render an alert, sized for the tightest channel.
 */
import type { ActionResult, Severity } from '../contracts/finding.js';
import { redactFreeText, redactIdentifier } from '../contracts/redact.js';
import type { NextStep } from './advice.js';
import { shellArg } from './format.js';
import { CHATBOT_LIMITS, SLACK_LIMITS, SNS_LIMITS, charLength, utf8Bytes } from './limits.js';
import { subjectFrom, threadIdOf } from './model.js';
import { digestItemMrkdwn } from './mrkdwn.js';
import { digestItemText } from './plain-text.js';

/** One finding in a digest: enough for a line of the list. */
export interface DigestItem {
  readonly findingId: string;
  /** The secret as its single alert names it (shared/alerts/model.ts `secretLabelOf`). */
  readonly secret: string;
  /** When the finding's event happened (ISO 8601). */
  readonly time: string;
  /** The outcome of its action, when it had one ('applied', 'planned', ...). */
  readonly outcome?: ActionResult['outcome'];
  /** One line: why it fired. */
  readonly reason: string;
}

/** Many findings of one rule within one window: sent as one digest (in parts when too long). */
export interface Digest {
  readonly rule: string;
  readonly title: string;
  readonly severity: Severity;
  readonly account: string;
  readonly region: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly items: readonly DigestItem[];
}

/** One part of a digest: what every channel shows of it. Plain text, redacted, not yet escaped. */
export interface DigestModel extends Omit<Digest, 'items'> {
  /** Items in the whole digest. */
  readonly count: number;
  /** `3 findings`. */
  readonly findings: string;
  /** This part's items, redacted. */
  readonly items: readonly DigestItem[];
  /** `part 2/3` with the items it holds (`items 41–80`); absent when the digest is one part. */
  readonly part?: { readonly label: string; readonly range: string };
  /** `1/1`, `2/3`: for attributes and Chatbot's context, present even for a single part. */
  readonly partOf: string;
  readonly index: number;
  readonly subject: string;
  /** One line for previews and Slack's notification text. */
  readonly summary: string;
  readonly nextSteps: readonly NextStep[];
  readonly threadId: string;
  readonly keywords: readonly string[];
  /** SNS message attributes, for subscription filter policies. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Kept free in each channel for a part's header, next steps and footer. */
const CHATBOT_LIST_CHARS = CHATBOT_LIMITS.descriptionChars - 700;
/** Sections left for the list in a Slack message (header, intro, steps, footer take the rest). */
export const SLACK_LIST_SECTIONS = SLACK_LIMITS.blocks - 6;
const SLACK_LIST_CHARS = SLACK_LIMITS.messageChars - 6000;
/** The text is sent twice (default and email) beside the Chatbot document: half of what is left. */
const SNS_LIST_BYTES = Math.floor((SNS_LIMITS.messageBytes - 2 * CHATBOT_LIMITS.documentChars * 4) / 2) - 8192;

interface Sized {
  readonly item: DigestItem;
  readonly plain: string;
  readonly mrkdwn: string;
}

const redactItem = (item: DigestItem): DigestItem => {
  const secret = redactIdentifier(item.secret);
  return {
    findingId: redactFreeText(item.findingId, [secret]),
    secret,
    time: redactFreeText(item.time),
    ...(item.outcome ? { outcome: item.outcome } : {}),
    reason: redactFreeText(item.reason, [secret]),
  };
};

/**
 * Items split into parts, in order, each as large as every channel allows: Chatbot's description,
 * Slack's blocks and characters, SNS's bytes. A part holds at least one item.
 */
const partition = (lines: readonly Sized[], sizeForChatbot: boolean): Sized[][] => {
  const parts: Sized[][] = [];
  let part: Sized[] = [];
  let chatbot = 0;
  let slackTotal = 0;
  let slackSections = 0;
  let slackSection = 0;
  let snsBytes = 0;
  const start = () => {
    part = [];
    chatbot = slackTotal = snsBytes = 0;
    slackSections = 1;
    slackSection = 0;
    parts.push(part);
  };
  start();
  for (const line of lines) {
    const md = charLength(line.mrkdwn) + 1;
    const newSection = slackSection + md > SLACK_LIMITS.sectionChars;
    const fits =
      // Chatbot's description is the tightest limit; when Chatbot is off, parts need not fit it.
      (!sizeForChatbot || chatbot + md <= CHATBOT_LIST_CHARS) &&
      slackTotal + md <= SLACK_LIST_CHARS &&
      slackSections + (newSection ? 1 : 0) <= SLACK_LIST_SECTIONS &&
      snsBytes + utf8Bytes(line.plain) + 1 <= SNS_LIST_BYTES;
    if (!fits && part.length > 0) start();
    const opensSection = part.length > 0 && slackSection + md > SLACK_LIMITS.sectionChars;
    if (opensSection) {
      slackSections++;
      slackSection = 0;
    }
    part.push(line);
    chatbot += md;
    slackTotal += md;
    slackSection += md;
    snsBytes += utf8Bytes(line.plain) + 1;
  }
  return parts;
};

/**
 * From the earliest to the latest of the items' event times (both included by LookupEvents): the
 * window is when the alerts were processed, and events can be minutes older. The window when no
 * item carries a time.
 */
const eventSpan = (digest: Digest, windowStart: string, windowEnd: string): { readonly start: string; readonly end: string } => {
  const times = digest.items.map((item) => Date.parse(item.time)).filter((time) => !Number.isNaN(time));
  if (times.length === 0) return { start: windowStart, end: windowEnd };
  // reduce, not Math.min(...times): a storm's digest can hold more items than a call has arguments.
  const first = times.reduce((a, b) => Math.min(a, b));
  const last = times.reduce((a, b) => Math.max(a, b));
  return { start: new Date(first).toISOString(), end: new Date(last).toISOString() };
};

const digestSteps = (digest: Digest, account: string, region: string, windowStart: string, windowEnd: string): NextStep[] => {
  const span = eventSpan(digest, windowStart, windowEnd);
  return [
    { text: 'Look for one cause behind them all: the same caller, the same deploy, the same rotation function or policy change.' },
    {
      text: "List the Secrets Manager events from the first finding's event to the last one's",
      command: `aws cloudtrail lookup-events --region ${shellArg(region)} --start-time ${shellArg(span.start)} --end-time ${shellArg(span.end)} --lookup-attributes AttributeKey=EventSource,AttributeValue=secretsmanager.amazonaws.com`,
    },
    { text: `Each finding's own alert was folded into this digest: the email lists each one's reason and finding id (account ${account}).` },
  ];
};

/**
 * The model of every part of a digest (at least one; every item in exactly one part, in order).
 * `chatbot: false` sizes parts for Slack and email only.
 * @example
 * for (const part of buildDigestModels(digest)) renderDigestSlack(part);
 */
export const buildDigestModels = (digest: Digest, { chatbot = true }: { readonly chatbot?: boolean } = {}): DigestModel[] => {
  const account = redactFreeText(digest.account) || 'unknown-account';
  const region = redactFreeText(digest.region) || 'unknown-region';
  const windowStart = redactFreeText(digest.windowStart);
  const windowEnd = redactFreeText(digest.windowEnd);
  const count = digest.items.length;
  const findings = `${count} finding${count === 1 ? '' : 's'}`;
  const sized = digest.items.map(redactItem).map((item) => ({ item, plain: digestItemText(item), mrkdwn: digestItemMrkdwn(item) }));
  const parts = partition(sized, chatbot);
  const nextSteps = digestSteps(digest, account, region, windowStart, windowEnd);
  const threadId = threadIdOf(account, region, `digest/${digest.rule}`);
  const keywords = [digest.severity.toUpperCase(), digest.rule, 'digest', account, region].filter((k) => k.length <= CHATBOT_LIMITS.keywordChars);
  let first = 1;
  return parts.map((lines, index) => {
    const label = parts.length > 1 ? `part ${index + 1}/${parts.length}` : '';
    const range = `${first}–${first + lines.length - 1}`;
    first += lines.length;
    const partOf = `${index + 1}/${parts.length}`;
    return {
      rule: digest.rule,
      title: digest.title,
      severity: digest.severity,
      account,
      region,
      windowStart,
      windowEnd,
      count,
      findings,
      items: lines.map((l) => l.item),
      ...(label ? { part: { label, range } } : {}),
      partOf,
      index,
      subject: subjectFrom(digest.severity, digest.rule, `${findings}${label ? `, ${label}` : ''}`, account, region),
      summary: `${digest.title}: ${findings} of ${digest.rule} in ${account}/${region} between ${windowStart} and ${windowEnd}${label ? ` (${label}, items ${range})` : ''}`,
      nextSteps,
      threadId,
      keywords,
      attributes: { severity: digest.severity, rule: digest.rule, account, region, secret: 'digest', findings: String(count), part: partOf },
    };
  });
};
