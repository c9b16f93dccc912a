/**
 * Storms: many findings of one rule within a window go out as one digest — in
 * parts when one message per channel would be too big, so that no finding is dropped. Every
 * part carries all three renderings of the same items, sized for the tightest channel.
 */
import type { ActionResult, Severity } from '../contracts/finding.js';
import type { AlertMessage, SlackMessage } from '../ports/notifier.js';
import type { ChatbotNotification } from './chatbot.js';
import { shellArg } from './format.js';
import { CHATBOT_LIMITS, SLACK_LIMITS, SNS_LIMITS, charLength, truncate, utf8Bytes } from './limits.js';
import { subjectFrom, threadIdOf } from './model.js';
import { bold, code, escapeMrkdwn, severityEmoji, stepMrkdwn } from './mrkdwn.js';
import { stepText } from './plain-text.js';
import { redactFreeText, redactIdentifier } from '../contracts/redact.js';
import { context, fallbackText, header, mrkdwnSection, packSections } from './slack-blocks.js';

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

/** One part of a digest, in each channel's form. */
export interface DigestPart {
  readonly sns: AlertMessage;
  readonly chatbot: ChatbotNotification;
  readonly slack: SlackMessage;
}

// Each item's line is cut here, so that a part always holds several, whatever one says.
const PLAIN_REASON_CHARS = 300;
/** Kept free in each channel for a part's header, next steps and footer. */
const CHATBOT_LIST_CHARS = CHATBOT_LIMITS.descriptionChars - 700;
const SLACK_LIST_SECTIONS = SLACK_LIMITS.blocks - 6;
const SLACK_LIST_CHARS = SLACK_LIMITS.messageChars - 6000;
/** The text is sent twice (default and email) beside the Chatbot document: half of what is left. */
const SNS_LIST_BYTES = Math.floor((SNS_LIMITS.messageBytes - 2 * CHATBOT_LIMITS.documentChars * 4) / 2) - 8192;

interface Lines {
  readonly plain: string;
  readonly mrkdwn: string;
}

const itemLines = (item: DigestItem): Lines => {
  const secret = redactIdentifier(item.secret);
  const reason = redactFreeText(item.reason, [secret]);
  const time = redactFreeText(item.time);
  const id = redactFreeText(item.findingId, [secret]);
  return {
    plain: `- ${secret}: ${truncate(reason, PLAIN_REASON_CHARS)}${item.outcome ? ` [${item.outcome}]` : ''} (${time}, finding ${id})`,
    // Chat lists the secret and its outcome only (the email has each reason): more per part.
    mrkdwn: `• ${code(truncate(secret, 600))}${item.outcome ? ` — ${bold(item.outcome)}` : ''}`,
  };
};

/**
 * Items split into parts, in order, each as large as every channel allows: Chatbot's description,
 * Slack's blocks and characters, SNS's bytes. A part holds at least one item.
 */
export const partitionDigest = (lines: readonly Lines[], { chatbot: sizeForChatbot = true }: { readonly chatbot?: boolean } = {}): Lines[][] => {
  const parts: Lines[][] = [];
  let part: Lines[] = [];
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

const digestSteps = (digest: Digest, account: string, region: string, windowStart: string, windowEnd: string) => {
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

/** Every part of a digest, rendered for each channel. */
export const renderDigestParts = (digest: Digest, options: { readonly chatbot?: boolean } = {}): DigestPart[] => {
  const account = redactFreeText(digest.account) || 'unknown-account';
  const region = redactFreeText(digest.region) || 'unknown-region';
  const windowStart = redactFreeText(digest.windowStart);
  const windowEnd = redactFreeText(digest.windowEnd);
  const count = digest.items.length;
  const findings = `${count} finding${count === 1 ? '' : 's'}`;
  const parts = partitionDigest(digest.items.map(itemLines), { chatbot: options.chatbot ?? true });
  const steps = digestSteps(digest, account, region, windowStart, windowEnd);
  let first = 1;
  return parts.map((lines, index) => {
    const partLabel = parts.length > 1 ? `part ${index + 1}/${parts.length}` : '';
    const range = `${first}–${first + lines.length - 1}`;
    first += lines.length;
    const subject = subjectFrom(digest.severity, digest.rule, `${findings}${partLabel ? `, ${partLabel}` : ''}`, account, region);
    const summary = `${digest.title}: ${findings} of ${digest.rule} in ${account}/${region} between ${windowStart} and ${windowEnd}${partLabel ? ` (${partLabel}, items ${range})` : ''}`;
    const body = [
      `${digest.title} (${digest.rule}, severity ${digest.severity}): digest of ${findings}`,
      `Account ${account}, region ${region}, between ${windowStart} and ${windowEnd}.${partLabel ? ` This is ${partLabel}: items ${range} of ${count}.` : ''}`,
      ['Findings', ...lines.map((l) => `  ${l.plain}`)].join('\n'),
      ['Next steps', ...steps.map((step, i) => `  ${i + 1}. ${stepText(step)}`)].join('\n'),
      `digest of ${digest.rule}, ${windowStart}/${windowEnd}${partLabel ? `, ${partLabel}` : ''}`,
    ].join('\n\n') + '\n';
    const threadId = threadIdOf(account, region, `digest/${digest.rule}`);
    const chatbot: ChatbotNotification = {
      version: '1.0',
      source: 'custom',
      id: truncate(`digest/${digest.rule}/${windowStart}/${index + 1}`, 256),
      content: {
        textType: 'client-markdown',
        title: truncate(`${severityEmoji[digest.severity] ?? ''} ${escapeMrkdwn(subject)}`.trim(), CHATBOT_LIMITS.titleChars),
        description: truncate(
          [`${bold(findings)} of ${code(digest.rule)} in account ${code(account)}, region ${code(region)}, between ${escapeMrkdwn(windowStart)} and ${escapeMrkdwn(windowEnd)}${partLabel ? ` (${partLabel}, items ${range})` : ''}`, ...lines.map((l) => l.mrkdwn)].join('\n'),
          CHATBOT_LIMITS.descriptionChars,
        ),
        nextSteps: steps.map((step) => truncate(stepMrkdwn(step), CHATBOT_LIMITS.nextStepChars)),
        keywords: [digest.severity.toUpperCase(), digest.rule, 'digest', account, region].filter((k) => k.length <= CHATBOT_LIMITS.keywordChars).map(escapeMrkdwn),
      },
      metadata: {
        threadId,
        summary: truncate(escapeMrkdwn(summary), CHATBOT_LIMITS.summaryChars),
        eventType: truncate(`${digest.rule}-digest`, CHATBOT_LIMITS.eventTypeChars),
        relatedResources: [],
        additionalContext: {
          rule: digest.rule,
          findings: String(count),
          part: `${index + 1}/${parts.length}`,
          windowStart: truncate(windowStart, CHATBOT_LIMITS.additionalContextValueChars),
          windowEnd: truncate(windowEnd, CHATBOT_LIMITS.additionalContextValueChars),
        },
      },
    };
    const slack: SlackMessage = {
      text: fallbackText(`${subject} — ${summary}`),
      blocks: [
        header(`${severityEmoji[digest.severity] ?? ''} ${subject}`.trim()),
        mrkdwnSection(
          `${bold(digest.title)} (${code(digest.rule)}, severity ${escapeMrkdwn(digest.severity)}): ${bold(findings)} in ${code(account)} / ${code(region)} between ${escapeMrkdwn(windowStart)} and ${escapeMrkdwn(windowEnd)}${partLabel ? ` — ${partLabel}, items ${range}` : ''}`,
        ),
        ...packSections('', lines.map((l) => l.mrkdwn), SLACK_LIST_SECTIONS).map(mrkdwnSection),
        ...packSections(bold('Next steps'), steps.map((step, i) => `${i + 1}. ${stepMrkdwn(step)}`), 1).map(mrkdwnSection),
        context([`digest of ${code(digest.rule)}${partLabel ? ` · ${escapeMrkdwn(partLabel)}` : ''}`]),
      ],
    };
    const attributes = { severity: digest.severity, rule: digest.rule, account, region, secret: 'digest', findings: String(count), part: `${index + 1}/${parts.length}` };
    return { sns: { subject, body, attributes, ...(options.chatbot ? { chatbot } : {}) }, chatbot, slack };
  });
};
