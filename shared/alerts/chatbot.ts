/**
 * The AWS Chatbot (Amazon Q Developer in chat applications) custom-notification document, so
 * that SNS → Chatbot → Slack shows the alert as a formatted card, threaded per secret. Schema:
 * the "Custom notifications" page of the Chatbot administrator guide (version "1.0", source
 * "custom"; content: textType, title, description, nextSteps, keywords; metadata: threadId,
 * summary, eventType, relatedResources, additionalContext). Limits: `CHATBOT_LIMITS`.
 */
import type { NextStep } from './advice.js';
import type { DigestModel, DigestPart } from './digest.js';
import { CHATBOT_LIMITS, charLength, truncate } from './limits.js';
import type { AlertModel } from './model.js';
import { bold, code, digestSummaryMrkdwn, escapeMrkdwn, lineMrkdwn, link, severityEmoji, stepMrkdwn } from './mrkdwn.js';

/** The document. A type (not an interface) so it is a plain record for `AlertMessage.chatbot`. */
export type ChatbotNotification = {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id: string;
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
    readonly keywords: readonly string[];
  };
  readonly metadata: {
    readonly threadId: string;
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
    readonly additionalContext: Readonly<Record<string, string>>;
  };
};

/** Room left for one line of "what happened" before it is cut (the email has it whole). */
const LINE_CHARS = 400;
const CUT_NOTE = '… (cut: the email alert has it whole)';

/**
 * A description of at most `max` characters: the fixed `head` and `tail` whole, then as many
 * `body` lines, in order and each cut to a readable length, as fit — and a last line saying how
 * many more the email has.
 */
export const fitDescription = (head: readonly string[], body: readonly string[], tail: readonly string[], max: number): string => {
  const fixed = charLength([...head, ...tail].join('\n')) + 2;
  const kept: string[] = [];
  let used = fixed;
  for (const [i, raw] of body.entries()) {
    const line = truncate(raw, LINE_CHARS);
    const rest = body.length - i - 1;
    // Room for this line, and for the note about the rest if any remain.
    const note = rest > 0 ? charLength(moreNote(rest)) + 1 : 0;
    if (used + charLength(line) + 1 + note > max) {
      kept.push(moreNote(body.length - i));
      break;
    }
    kept.push(line);
    used += charLength(line) + 1;
  }
  return truncate([...head, ...kept, ...tail].join('\n').trim(), max, CUT_NOTE);
};

const moreNote = (count: number): string => `… ${count} more ${count === 1 ? 'line' : 'lines'} (cut: the email alert has it whole)`;

/** The document for one alert. */
export const renderChatbot = (model: AlertModel): ChatbotNotification => {
  const who = [
    escapeMrkdwn(model.who.description),
    ...(model.who.sourceIp ? [`from ${code(model.who.sourceIp)}`] : []),
    ...(model.who.userAgent ? [`using ${code(model.who.userAgent)}`] : []),
    ...(model.who.foundBySweep ? [] : [`at ${escapeMrkdwn(model.event.time)}`]),
  ].join(' · ');
  const head = [
    `${bold('Secret')}: ${code(model.secret.named ? model.secret.label : 'none named')} in account ${code(model.secret.account)}, region ${code(model.secret.region)}`,
    `${bold('Who')}: ${who}`,
    `${bold('What the service did')}: ${escapeMrkdwn(model.action.headline)}`,
  ];
  const body = [
    bold('What happened'),
    ...model.happened.map(lineMrkdwn),
    // The action's reason and the state before and after (the headline is above).
    ...(model.action.lines.length > 1 ? [bold('The action'), ...model.action.lines.slice(1).map(escapeMrkdwn)] : []),
    ...(model.dates.length > 0
      ? [bold(model.who.foundBySweep ? 'Dates the sweep compared' : 'Dates'), ...model.dates.map(lineMrkdwn)]
      : []),
    ...(model.notes.length > 0 ? [bold('Could not read from the event'), ...model.notes.map(escapeMrkdwn)] : []),
  ];
  const tail = [
    ...(model.links.length > 0 ? [model.links.map((l) => link(l.url, l.label)).join(' · ')] : []),
    `_finding ${escapeMrkdwn(model.findingId)}_`,
  ];
  return chatbotDocument({
    id: model.findingId,
    severity: model.severity,
    subject: model.subject,
    description: fitDescription(head, body, tail, CHATBOT_LIMITS.descriptionChars),
    nextSteps: model.nextSteps,
    keywords: model.keywords,
    threadId: model.threadId,
    summary: model.summary,
    eventType: model.rule,
    relatedResources: model.relatedResources,
    additionalContext: {
      findingId: model.findingId,
      rule: model.rule,
      severity: model.severity,
      account: model.secret.account,
      region: model.secret.region,
      outcome: model.action.outcome,
      dryRun: String(model.action.dryRun),
      eventName: model.event.name,
      eventTime: model.event.time,
    },
  });
};

/**
 * The document for one email part of a digest. The first leads with what the findings share, the
 * counts and the first few; a later part (the email's list went on) says only which items it carries.
 */
export const renderDigestChatbot = (model: DigestModel, part: DigestPart): ChatbotNotification => {
  const where = `in account ${code(model.account)}, region ${code(model.region)}, between ${escapeMrkdwn(model.windowStart)} and ${escapeMrkdwn(model.windowEnd)}`;
  const intro = `${bold(model.findings)} of ${code(model.rule)} ${where}${part.label ? ` (${escapeMrkdwn(part.label)})` : ''}`;
  const summary = digestSummaryMrkdwn(model);
  const description =
    part.index === 0
      ? fitDescription(
          [`${intro}${summary.before ?? ''}`],
          [
            ...summary.shared,
            ...summary.breakdowns.flat(),
            ...(summary.items.length > 0 ? [bold('First findings'), ...summary.items] : []),
          ],
          summary.more ? [summary.more] : [],
          CHATBOT_LIMITS.descriptionChars,
        )
      : `${intro}\nThe email's list goes on with items ${escapeMrkdwn(part.range)}; part 1 said what they share.`;
  return chatbotDocument({
    id: `digest/${model.rule}/${model.windowStart}/${part.index + 1}`,
    severity: model.severity,
    subject: part.subject,
    description,
    nextSteps: part.index === 0 ? model.nextSteps : [],
    keywords: model.keywords,
    threadId: model.threadId,
    summary: part.index === 0 ? model.summary : `${model.summary} (${part.label ?? ''}, items ${part.range})`,
    eventType: `${model.rule}-digest`,
    relatedResources: [],
    additionalContext: {
      rule: model.rule,
      findings: String(model.count),
      part: part.partOf,
      windowStart: model.windowStart,
      windowEnd: model.windowEnd,
    },
  });
};

/** What a document says, before it is escaped and cut to Chatbot's limits. */
interface DocumentFacts {
  readonly id: string;
  readonly severity: string;
  readonly subject: string;
  /** Already mrkdwn, and within `CHATBOT_LIMITS.descriptionChars`. */
  readonly description: string;
  readonly nextSteps: readonly NextStep[];
  readonly keywords: readonly string[];
  readonly threadId: string;
  readonly summary: string;
  readonly eventType: string;
  readonly relatedResources: readonly string[];
  readonly additionalContext: Readonly<Record<string, string>>;
}

/** The one shape of a document, escaped and cut to Chatbot's limits: an alert's and a digest's alike. */
const chatbotDocument = (facts: DocumentFacts): ChatbotNotification => {
  const steps = facts.nextSteps.map((step) => truncate(stepMrkdwn(step), CHATBOT_LIMITS.nextStepChars, CUT_NOTE));
  return {
    version: '1.0',
    source: 'custom',
    id: truncate(facts.id, 256),
    content: {
      textType: 'client-markdown',
      title: truncate(`${severityEmoji[facts.severity] ?? ''} ${escapeMrkdwn(facts.subject)}`.trim(), CHATBOT_LIMITS.titleChars),
      description: facts.description,
      nextSteps:
        steps.length <= CHATBOT_LIMITS.nextSteps
          ? steps
          : [
              ...steps.slice(0, CHATBOT_LIMITS.nextSteps - 1),
              `… and ${steps.length - CHATBOT_LIMITS.nextSteps + 1} more steps in the email alert`,
            ],
      keywords: facts.keywords.slice(0, CHATBOT_LIMITS.keywords).map((k) => truncate(escapeMrkdwn(k), CHATBOT_LIMITS.keywordChars)),
    },
    metadata: {
      threadId: facts.threadId,
      summary: truncate(escapeMrkdwn(facts.summary), CHATBOT_LIMITS.summaryChars),
      eventType: truncate(facts.eventType, CHATBOT_LIMITS.eventTypeChars),
      relatedResources: facts.relatedResources
        .slice(0, CHATBOT_LIMITS.relatedResources)
        .filter((r) => r.length <= CHATBOT_LIMITS.relatedResourceChars),
      additionalContext: Object.fromEntries(
        Object.entries(facts.additionalContext).map(([key, value]) => [key, truncate(value, CHATBOT_LIMITS.additionalContextValueChars)]),
      ),
    },
  };
};
