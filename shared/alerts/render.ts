/**
 * The three renderings of one alert, from one model (`model.ts`): plain text for email (the SNS
 * message), the AWS Chatbot custom-notification document, and a Slack Block Kit message. The
 * alert function publishes `sns` (with `chatbot` on it when the policy turns Chatbot on) and
 * posts `slack`; `npm start -- --show-payloads` prints all three. A digest is rendered the same
 * way, by the same renderers, from its own model (`digest.ts`), one per part.
 */
import type { ActionResult, Finding } from '../contracts/finding.js';
import type { AlertMessage, SlackMessage } from '../ports/notifier.js';
import { type ChatbotNotification, renderChatbot, renderDigestChatbot } from './chatbot.js';
import { buildDigestModels, type Digest } from './digest.js';
import { buildAlertModel } from './model.js';
import { renderDigestSnsMessage, renderSnsMessage } from './plain-text.js';
import { renderDigestSlack, renderSlack } from './slack-blocks.js';

export type { ChatbotNotification } from './chatbot.js';
export type { Digest, DigestItem } from './digest.js';

/** Every channel's rendering of one alert (or one part of a digest). */
export interface AlertRenderings {
  /** For SNS: plain text body, subject, attributes (and `chatbot` set when asked for). */
  readonly sns: AlertMessage;
  readonly chatbot: ChatbotNotification;
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

/**
 * A digest of many findings of one rule, in as many parts as the channels' limits need (at
 * least one); every item is in exactly one part, in order.
 */
export const renderDigest = (digest: Digest, options: RenderOptions = {}): AlertRenderings[] =>
  buildDigestModels(digest, { chatbot: options.chatbot ?? true }).map((model) => {
    const chatbot = renderDigestChatbot(model);
    return { sns: renderDigestSnsMessage(model, options.chatbot ? chatbot : undefined), chatbot, slack: renderDigestSlack(model) };
  });
