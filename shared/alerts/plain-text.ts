/**
 * The plain-text rendering: what email (and every SNS subscriber without a rendering of its
 * own) receives. Sections in the order a person at 3 a.m. asks: what happened, to which
 * secret, who did it, what the service did, what to do next, where to look.
 */
import type { AlertMessage } from '../ports/notifier.js';
import type { Line, NextStep } from './advice.js';
import type { DigestItem, DigestModel } from './digest.js';
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
    section('Secret', [model.secret.named ? model.secret.reference : `none named: the finding is about the caller ${model.secret.label}`, `account ${model.secret.account}, region ${model.secret.region}`]),
    section('Who', who),
    ...(model.dates.length > 0 ? [section(model.who.foundBySweep ? 'Dates the sweep compared' : 'Dates', model.dates.map(lineText))] : []),
    section('What the service did', model.action.lines),
    section('Next steps', model.nextSteps.map((step, i) => `${i + 1}. ${stepText(step)}`)),
    section('Links', model.links.length > 0 ? model.links.map((link) => `${link.label}: ${link.url}`) : ['none: the event named no secret or CloudTrail id to link to']),
    ...(model.notes.length > 0 ? [section('Could not read from the event', model.notes)] : []),
    `finding ${model.findingId}`,
  ];
  return sections.join('\n\n') + '\n';
};

/** Each digest item's reason is cut here, so that a part always holds several, whatever one says. */
const DIGEST_REASON_CHARS = 300;

/** A digest's line in the email: the secret, why, its outcome, when, and the finding. */
export const digestItemText = (item: DigestItem): string =>
  `- ${item.secret}: ${truncate(item.reason, DIGEST_REASON_CHARS)}${item.outcome ? ` [${item.outcome}]` : ''} (${item.time}, finding ${item.findingId})`;

/** The plain-text body of one part of a digest. */
export const renderDigestText = (model: DigestModel): string => {
  const { part } = model;
  const sections = [
    `${model.title} (${model.rule}, severity ${model.severity}): digest of ${model.findings}`,
    `Account ${model.account}, region ${model.region}, between ${model.windowStart} and ${model.windowEnd}.${part ? ` This is ${part.label}: items ${part.range} of ${model.count}.` : ''}`,
    section('Findings', model.items.map(digestItemText)),
    section('Next steps', model.nextSteps.map((step, i) => `${i + 1}. ${stepText(step)}`)),
    `digest of ${model.rule}, ${model.windowStart}/${model.windowEnd}${part ? `, ${part.label}` : ''}`,
  ];
  return sections.join('\n\n') + '\n';
};

/**
 * The SNS message: subject, plain-text body, attributes; the Chatbot document when given. A body
 * that would not fit SNS's 256 KB (with the document beside it) is cut, and says so.
 */
export const renderSnsMessage = (model: AlertModel, chatbot?: Readonly<Record<string, unknown>>): AlertMessage =>
  fitSnsMessage({ subject: model.subject, body: renderPlainText(model), attributes: model.attributes, ...(chatbot ? { chatbot } : {}) }, `finding ${model.findingId}`);

/** The SNS message of one part of a digest (parts are sized to fit; the same cut guards it all the same). */
export const renderDigestSnsMessage = (model: DigestModel, chatbot?: Readonly<Record<string, unknown>>): AlertMessage =>
  fitSnsMessage(
    { subject: model.subject, body: renderDigestText(model), attributes: model.attributes, ...(chatbot ? { chatbot } : {}) },
    `digest of ${model.rule}${model.part ? `, ${model.part.label}` : ''}`,
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
