/**
 * The plain-text rendering: what email (and every SNS subscriber without a rendering of its
 * own) receives. Sections in the order a person at 3 a.m. asks: what happened, to which
 * secret, who did it, what the service did, what to do next, where to look.
 */
import type { AlertMessage } from '../ports/notifier.js';
import type { Line, NextStep } from './advice.js';
import type { DigestItem, DigestModel, DigestPart } from './digest.js';
import { SNS_LIMITS, snsPublishBytes, truncate, truncateBytes, utf8Bytes } from './limits.js';
import type { AlertModel } from './model.js';

const lineText = (line: Line): string => (typeof line === 'string' ? line : `${line.label}: ${line.value}`);

/** `text: command`, the way the existing alerts (and runbooks) write a step with its command. */
export const stepText = (step: NextStep): string => (step.command ? `${step.text}: ${step.command}` : step.text);

const section = (title: string, lines: readonly string[]): string => [title, ...lines.map((line) => `  ${line}`)].join('\n');

/** The plain-text body of one alert. */
export const renderPlainText = (model: AlertModel): string => {
  const who = [
    model.who.description,
    ...(model.who.sourceIp ? [`source IP: ${model.who.sourceIp}`] : []),
    ...(model.who.userAgent ? [`user agent: ${model.who.userAgent}`] : []),
    ...(model.who.vpcEndpointId ? [`VPC endpoint: ${model.who.vpcEndpointId}`] : []),
    ...(model.who.foundBySweep ? [] : [`when: ${model.event.time} (${model.event.name})`]),
  ];
  const sections = [
    `${model.title} (${model.rule}, severity ${model.severity}${model.control ? `, ${model.control}` : ''})`,
    section('What happened', model.happened.map(lineText)),
    section('Secret', [
      model.secret.named ? model.secret.reference : `none named: the finding is about the caller ${model.secret.label}`,
      `account ${model.secret.account}, region ${model.secret.region}`,
    ]),
    section('Who', who),
    ...(model.dates.length > 0 ? [section(model.who.foundBySweep ? 'Dates the sweep compared' : 'Dates', model.dates.map(lineText))] : []),
    section('What the service did', model.action.lines),
    section(
      'Next steps',
      model.nextSteps.map((step, i) => `${i + 1}. ${stepText(step)}`),
    ),
    section(
      'Links',
      model.links.length > 0
        ? model.links.map((link) => `${link.label}: ${link.url}`)
        : ['none: the event named no secret or CloudTrail id to link to'],
    ),
    ...(model.notes.length > 0 ? [section('Could not read from the event', model.notes)] : []),
    `finding ${model.findingId}`,
  ];
  return sections.join('\n\n') + '\n';
};

/** Each digest item's reason is cut here, so that a part always holds several, whatever one says. */
const DIGEST_REASON_CHARS = 300;

/**
 * A digest's line in the email: the secret, why (unless every finding says the same, which the
 * digest says once), its caller (unless they all share one, or the reason names it), its
 * outcome, when, and the finding.
 */
export const digestItemText = (item: DigestItem, model: Pick<DigestModel, 'reason' | 'cause'>): string =>
  `- ${item.secret}${model.reason === undefined ? `: ${truncate(item.reason, DIGEST_REASON_CHARS)}` : ''}` +
  // The caller, unless every finding shares one (the summary names it) or the reason already does.
  `${item.caller && !model.cause.caller && (model.reason !== undefined || !item.reason.includes(item.caller)) ? ` by ${item.caller}` : ''}${item.outcome ? ` [${item.outcome}]` : ''} (${item.time}, finding ${item.findingId})`;

/** What one item adds to the body of a digest part: its line in the list, indented, and the line break. */
export const digestItemEntry = (item: DigestItem, model: Pick<DigestModel, 'reason' | 'cause'>): string =>
  `${section('', [digestItemText(item, model)]).slice(1)}\n`;

/** The opening line of every part of a digest. */
const digestHeadline = (model: DigestModel, part: DigestPart): string =>
  `${model.title} (${model.rule}, severity ${model.severity}): digest of ${model.findings}${part.label ? `, ${part.label}` : ''}`;

/**
 * The plain-text body of one email part of a digest. The first part leads with what the findings
 * share and how they divide; every part lists its share of the findings, whole.
 */
export const renderDigestText = (model: DigestModel, part: DigestPart): string => {
  const where = `Account ${model.account}, region ${model.region}, between ${model.windowStart} and ${model.windowEnd}.`;
  const list = section(
    `Findings${part.label || model.count > part.items.length ? ` (items ${part.range} of ${model.count})` : ''}`,
    part.items.map((item) => digestItemText(item, model)),
  );
  const footer = `digest of ${model.rule}, ${model.windowStart}/${model.windowEnd}${part.label ? `, ${part.label}` : ''}`;
  if (part.index > 0) {
    return [digestHeadline(model, part), `${where} Part 1 says what they share and what to do next.`, list, footer].join('\n\n') + '\n';
  }
  const held = model.count === 1 ? 'this finding was' : `these ${model.findings} were`;
  const before = model.sentBefore
    ? ` The first ${model.sentBefore} alerts of this storm went out one by one; ${held} held for this digest.`
    : '';
  const sections = [
    digestHeadline(model, part),
    `${where}${before}`,
    section(
      model.sharedTitle,
      model.shared.length > 0 ? model.shared.map(lineText) : ['no one caller, user agent or name prefix: see the counts below'],
    ),
    ...model.breakdowns.map((breakdown) => section(breakdown.title, breakdown.lines.map(lineText))),
    list,
    section(
      'Next steps',
      model.nextSteps.map((step, i) => `${i + 1}. ${stepText(step)}`),
    ),
    footer,
  ];
  return sections.join('\n\n') + '\n';
};

/**
 * The SNS message: subject, plain-text body, attributes; the Chatbot document when given. A body
 * that would not fit SNS's 256 KB (with the document beside it) is cut, and says so.
 */
export const renderSnsMessage = (model: AlertModel, chatbot?: Readonly<Record<string, unknown>>): AlertMessage =>
  fitSnsMessage(
    { subject: model.subject, body: renderPlainText(model), attributes: model.attributes, ...(chatbot ? { chatbot } : {}) },
    `finding ${model.findingId}`,
  );

/** The SNS message of one email part of a digest (parts are sized to fit; the same cut guards it all the same). */
export const renderDigestSnsMessage = (model: DigestModel, part: DigestPart, chatbot?: Readonly<Record<string, unknown>>): AlertMessage =>
  fitSnsMessage(
    { subject: part.subject, body: renderDigestText(model, part), attributes: part.attributes, ...(chatbot ? { chatbot } : {}) },
    `digest of ${model.rule}${part.label ? `, ${part.label}` : ''}`,
  );

/** `full`, its body cut to fit SNS's 256 KB when it does not, saying so and naming `what` was cut. */
const fitSnsMessage = (full: AlertMessage, what: string): AlertMessage => {
  const { chatbot } = full;
  let message = full;
  // JSON escaping makes the cost of a byte of body uneven: cut, measure, cut again.
  // The Chatbot document is capped far below the limit, so a few rounds always suffice.
  for (let round = 0; round < 8; round++) {
    const excess = snsPublishBytes(message) - SNS_LIMITS.messageBytes;
    if (excess <= 0) break;
    // With a Chatbot document the body is sent twice (default, email): each byte cut saves two.
    const keep = Math.max(utf8Bytes(message.body) - Math.ceil(excess / (chatbot ? 2 : 1)) - 1024, 0);
    message = { ...full, body: `${truncateBytes(full.body, keep)}\n… (cut to fit the 256 KB SNS limit; ${what})\n` };
  }
  return message;
};
