/**
 * The three renderings of one alert, from one model (`model.ts`): plain text for email (the SNS
 * message), the AWS Chatbot custom-notification document, and a Slack Block Kit message. The
 * alert function publishes `sns` (with `chatbot` on it when the policy turns Chatbot on) and
 * posts `slack`; `npm start -- --show-payloads` prints all three. A digest is rendered by the
 * same renderers from its own model (`digest.ts`): one Slack message, and the email in as few
 * parts as SNS's 256 KB allows, each with its Chatbot document.
 */
import type { ActionResult, Finding } from '../contracts/finding.js';
import type { AlertMessage, SlackMessage } from '../ports/notifier.js';
import { type ChatbotNotification, renderChatbot, renderDigestChatbot } from './chatbot.js';
import { buildDigestModel, type Digest, type DigestModel, digestPart, digestParts } from './digest.js';
import { SNS_LIMITS, snsPublishBytes, utf8Bytes } from './limits.js';
import { buildAlertModel } from './model.js';
import { digestItemEntry, renderDigestSnsMessage, renderSnsMessage } from './plain-text.js';
import { renderDigestSlack, renderSlack } from './slack-blocks.js';

export type { ChatbotNotification } from './chatbot.js';
export type { Digest, DigestItem } from './digest.js';

/** Every channel's rendering of one alert. */
export interface AlertRenderings {
  /** For SNS: plain text body, subject, attributes (and `chatbot` set when asked for). */
  readonly sns: AlertMessage;
  readonly chatbot: ChatbotNotification;
  readonly slack: SlackMessage;
}

/** A digest in every channel's form: the email in parts (each with its Chatbot document), one Slack message. */
export interface DigestRenderings {
  readonly email: readonly { readonly sns: AlertMessage; readonly chatbot: ChatbotNotification }[];
  readonly slack: SlackMessage;
}

export interface RenderOptions {
  /** Put the Chatbot document on the SNS message (policy `alerts.channels.chatbot`). */
  readonly chatbot?: boolean;
}

/**
 * One finding's alert, after its action (if any) settled, in every channel's form.
 * @example
 * const { sns, slack } = renderFinding(finding, result, { chatbot: true });
 * await notifier.publish(sns);
 * await chat.post(slack);
 */
export const renderFinding = (finding: Finding, result?: ActionResult, options: RenderOptions = {}): AlertRenderings => {
  const model = buildAlertModel(finding, result);
  const chatbot = renderChatbot(model);
  return { sns: renderSnsMessage(model, options.chatbot ? chatbot : undefined), chatbot, slack: renderSlack(model) };
};

/** Kept free in each part for what measuring an empty part cannot see (wider numbers in the range). */
const SNS_MARGIN_BYTES = 1024;

/** The bytes `text` adds to a Publish: once as it is, or (with a Chatbot document) twice, JSON-escaped. */
const publishCost = (text: string, chatbot: boolean): number => (chatbot ? 2 * (utf8Bytes(JSON.stringify(text)) - 2) : utf8Bytes(text));

/**
 * How many items each email part holds: as many as fit SNS's 256 KB, measured with the SNS
 * message itself (`snsPublishBytes`, the Chatbot document beside it when on). The room a part
 * leaves is the limit less the part rendered with no items; each item line then costs what it
 * adds to the body (twice, escaped, when the body goes in a JSON message structure).
 */
const partSizes = (model: DigestModel, chatbot: boolean): number[] => {
  const count = model.items.length;
  // The widest labels a part can have: `part <count>/<count>`.
  const room = (index: number) => {
    const empty = digestPart(model, index, Math.max(count, 1), count, []);
    const doc = renderDigestChatbot(model, empty);
    return SNS_LIMITS.messageBytes - snsPublishBytes(renderDigestSnsMessage(model, empty, chatbot ? doc : undefined)) - SNS_MARGIN_BYTES;
  };
  const rooms = [room(0), room(1)];
  const sizes: number[] = [];
  let size = 0;
  let used = 0;
  for (const item of model.items) {
    const cost = publishCost(digestItemEntry(item, model), chatbot);
    const left = rooms[sizes.length === 0 ? 0 : 1] ?? 0;
    if (size > 0 && used + cost > left) {
      sizes.push(size);
      size = used = 0;
    }
    size += 1;
    used += cost;
  }
  sizes.push(size);
  return sizes;
};

/**
 * A digest of many findings of one rule: one Slack message, and the email in as many parts as
 * SNS's 256 KB needs (at least one; every item in exactly one part, in order).
 */
export const renderDigest = (digest: Digest, options: RenderOptions = {}): DigestRenderings => {
  const model = buildDigestModel(digest);
  const chatbot = options.chatbot ?? false;
  const email = digestParts(model, partSizes(model, chatbot)).map((part) => {
    const doc = renderDigestChatbot(model, part);
    return { sns: renderDigestSnsMessage(model, part, chatbot ? doc : undefined), chatbot: doc };
  });
  return { email, slack: renderDigestSlack(model) };
};
