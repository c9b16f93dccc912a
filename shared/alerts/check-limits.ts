/**
 * Every channel limit a rendering must keep, checked in one place: the tests hold every
 * rendering to it, and a caller may check before sending. Returns what is wrong, in words;
 * empty when the rendering fits everywhere.
 */
import type { AlertMessage, SlackMessage } from '../ports/notifier.js';
import type { ChatbotNotification } from './chatbot.js';
import { CHATBOT_LIMITS, SLACK_LIMITS, SNS_LIMITS, charLength, snsPublishBytes } from './limits.js';

interface TextObject {
  readonly type?: string;
  readonly text?: string;
}

interface LooseBlock {
  readonly type?: string;
  readonly text?: TextObject;
  readonly fields?: readonly TextObject[];
  readonly elements?: readonly (TextObject & { readonly url?: string })[];
}

/** What the SNS message breaks: the subject's length and characters, the 256 KB. */
export const snsViolations = (message: AlertMessage): string[] => [
  ...(charLength(message.subject) > SNS_LIMITS.subjectChars
    ? [`sns: subject has ${charLength(message.subject)} characters (max ${SNS_LIMITS.subjectChars})`]
    : []),
  ...(/^[\x20-\x7E]*$/.test(message.subject) ? [] : ['sns: subject is not one line of printable ASCII']),
  ...(snsPublishBytes(message) > SNS_LIMITS.messageBytes
    ? [`sns: message is ${snsPublishBytes(message)} bytes (max ${SNS_LIMITS.messageBytes})`]
    : []),
  ...Object.entries(message.attributes).flatMap(([key, value]) => (value === '' ? [`sns: attribute ${key} is empty`] : [])),
];

const over = (what: string, text: string | undefined, max: number): string[] =>
  text !== undefined && charLength(text) > max ? [`${what} has ${charLength(text)} characters (max ${max})`] : [];

/** What the Slack message breaks: blocks, header, sections, fields, context, buttons, total size. */
export const slackViolations = (message: SlackMessage): string[] => {
  const blocks = message.blocks as readonly LooseBlock[];
  const size = JSON.stringify(message).length;
  return [
    ...(blocks.length > SLACK_LIMITS.blocks ? [`slack: ${blocks.length} blocks (max ${SLACK_LIMITS.blocks})`] : []),
    ...(size > SLACK_LIMITS.messageChars ? [`slack: payload is ${size} characters (max ${SLACK_LIMITS.messageChars})`] : []),
    ...over('slack: fallback text', message.text, SLACK_LIMITS.fallbackTextChars),
    ...blocks.flatMap((block, i) => {
      const where = `slack: block ${i} (${block.type ?? '?'})`;
      switch (block.type) {
        case 'header':
          return over(`${where} text`, block.text?.text, SLACK_LIMITS.headerChars);
        case 'section':
          return [
            ...over(`${where} text`, block.text?.text, SLACK_LIMITS.sectionChars),
            ...((block.fields?.length ?? 0) > SLACK_LIMITS.fields
              ? [`${where}: ${block.fields?.length} fields (max ${SLACK_LIMITS.fields})`]
              : []),
            ...(block.fields ?? []).flatMap((f, j) => over(`${where} field ${j}`, f.text, SLACK_LIMITS.fieldChars)),
          ];
        case 'context':
          return [
            ...((block.elements?.length ?? 0) > SLACK_LIMITS.contextElements
              ? [`${where}: ${block.elements?.length} elements (max ${SLACK_LIMITS.contextElements})`]
              : []),
            ...(block.elements ?? []).flatMap((e, j) => over(`${where} element ${j}`, e.text, SLACK_LIMITS.contextChars)),
          ];
        case 'actions':
          return [
            ...((block.elements?.length ?? 0) > SLACK_LIMITS.actionsElements
              ? [`${where}: ${block.elements?.length} elements (max ${SLACK_LIMITS.actionsElements})`]
              : []),
            ...(block.elements ?? []).flatMap((e, j) => [
              ...over(`${where} button ${j} text`, (e.text as TextObject | undefined)?.text, SLACK_LIMITS.buttonTextChars),
              ...over(`${where} button ${j} url`, e.url, SLACK_LIMITS.buttonUrlChars),
            ]),
          ];
        default:
          return [];
      }
    }),
  ];
};

/** What the Chatbot document breaks: the schema's fixed values, and the limits we keep to. */
export const chatbotViolations = (doc: ChatbotNotification): string[] => [
  ...(doc.version === '1.0' && doc.source === 'custom' && doc.content.textType === 'client-markdown'
    ? []
    : ['chatbot: version, source or textType is not as the schema requires']),
  ...over('chatbot: title', doc.content.title, CHATBOT_LIMITS.titleChars),
  ...over('chatbot: description', doc.content.description, CHATBOT_LIMITS.descriptionChars),
  ...(doc.content.description.trim() === '' ? ['chatbot: description is empty'] : []),
  ...(doc.content.nextSteps.length > CHATBOT_LIMITS.nextSteps
    ? [`chatbot: ${doc.content.nextSteps.length} next steps (max ${CHATBOT_LIMITS.nextSteps})`]
    : []),
  ...doc.content.nextSteps.flatMap((step, i) => over(`chatbot: next step ${i}`, step, CHATBOT_LIMITS.nextStepChars)),
  ...(doc.content.keywords.length > CHATBOT_LIMITS.keywords
    ? [`chatbot: ${doc.content.keywords.length} keywords (max ${CHATBOT_LIMITS.keywords})`]
    : []),
  ...doc.content.keywords.flatMap((k, i) => over(`chatbot: keyword ${i}`, k, CHATBOT_LIMITS.keywordChars)),
  ...over('chatbot: threadId', doc.metadata.threadId, CHATBOT_LIMITS.threadIdChars),
  ...over('chatbot: summary', doc.metadata.summary, CHATBOT_LIMITS.summaryChars),
  ...over('chatbot: eventType', doc.metadata.eventType, CHATBOT_LIMITS.eventTypeChars),
  ...(doc.metadata.relatedResources.length > CHATBOT_LIMITS.relatedResources ? ['chatbot: too many related resources'] : []),
  ...Object.entries(doc.metadata.additionalContext).flatMap(([key, value]) =>
    over(`chatbot: additionalContext.${key}`, value, CHATBOT_LIMITS.additionalContextValueChars),
  ),
  ...over('chatbot: document', JSON.stringify(doc), CHATBOT_LIMITS.documentChars),
];

/** Every limit of every channel, for one alert (or one email part of a digest, with the digest's Slack message). */
export const limitViolations = (renderings: {
  readonly sns: AlertMessage;
  readonly chatbot: ChatbotNotification;
  readonly slack: SlackMessage;
}): string[] => [...snsViolations(renderings.sns), ...chatbotViolations(renderings.chatbot), ...slackViolations(renderings.slack)];
