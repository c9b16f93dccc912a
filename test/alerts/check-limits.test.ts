/**
 * The limit checker every rendering test relies on: it must find each broken limit, in words
 * that say which part broke it and by how much, or the rendering tests could not fail.
 */
import { describe, expect, it } from 'vitest';
import { chatbotViolations, limitViolations, slackViolations, snsViolations } from '../../shared/alerts/check-limits.js';
import { CHATBOT_LIMITS, SLACK_LIMITS, SNS_LIMITS } from '../../shared/alerts/limits.js';
import { renderFinding } from '../../shared/alerts/render.js';
import type { AlertMessage, SlackMessage } from '../../shared/ports/notifier.js';
import { dryRunResult, findingForRule } from './findings.js';

/** A real alert's renderings, every channel within its limits. */
const rendered = () => {
  const finding = findingForRule('rotation-failed');
  return renderFinding(finding, dryRunResult(finding), { chatbot: true });
};

const sns = (change: Partial<AlertMessage>): AlertMessage => ({ ...rendered().sns, ...change });
/** The SNS message without its Chatbot document. */
const plainSns = (change: Partial<AlertMessage>): AlertMessage => {
  const { chatbot: _none, ...message } = sns(change);
  return message;
};
const slack = (blocks: readonly Record<string, unknown>[], text = 'fallback'): SlackMessage => ({ text, blocks });
const mrkdwn = (length: number) => ({ type: 'mrkdwn', text: 'x'.repeat(length) });

describe('Function: limitViolations', () => {
  it('finds nothing wrong with a rendering that keeps every limit', () => {
    expect(limitViolations(rendered())).toEqual([]);
  });

  it('gathers what every channel breaks', () => {
    const renderings = rendered();

    const found = limitViolations({
      sns: { ...renderings.sns, subject: 's'.repeat(SNS_LIMITS.subjectChars + 1) },
      chatbot: {
        ...renderings.chatbot,
        metadata: { ...renderings.chatbot.metadata, threadId: 't'.repeat(CHATBOT_LIMITS.threadIdChars + 1) },
      },
      slack: { ...renderings.slack, text: 'f'.repeat(SLACK_LIMITS.fallbackTextChars + 1) },
    });

    expect(found).toEqual([
      `sns: subject has ${SNS_LIMITS.subjectChars + 1} characters (max ${SNS_LIMITS.subjectChars})`,
      `chatbot: threadId has ${CHATBOT_LIMITS.threadIdChars + 1} characters (max ${CHATBOT_LIMITS.threadIdChars})`,
      `slack: fallback text has ${SLACK_LIMITS.fallbackTextChars + 1} characters (max ${SLACK_LIMITS.fallbackTextChars})`,
    ]);
  });
});

describe('Function: snsViolations', () => {
  it('counts the subject in characters, not UTF-16 units, and wants it one line of printable ASCII', () => {
    expect(snsViolations(sns({ subject: '🔑'.repeat(SNS_LIMITS.subjectChars) }))).toEqual([
      'sns: subject is not one line of printable ASCII',
    ]);
    expect(snsViolations(sns({ subject: '[HIGH] rotation-failed:\nprod/db' }))).toEqual([
      'sns: subject is not one line of printable ASCII',
    ]);
  });

  it('measures the message as Publish sends it, the Chatbot document included', () => {
    const body = 'b'.repeat(SNS_LIMITS.messageBytes / 2);

    expect(snsViolations(plainSns({ body }))).toEqual([]);
    expect(snsViolations(sns({ body }))).toEqual([expect.stringMatching(/^sns: message is \d+ bytes \(max 262144\)$/)]);
  });

  it('refuses an empty message attribute (SNS rejects one)', () => {
    expect(snsViolations(sns({ attributes: { severity: 'high', rule: '' } }))).toEqual(['sns: attribute rule is empty']);
  });
});

describe('Function: slackViolations', () => {
  it('counts blocks and the whole payload', () => {
    const many = Array.from({ length: SLACK_LIMITS.blocks + 1 }, () => ({ type: 'divider' }));
    const big = Array.from({ length: 20 }, () => ({ type: 'section', text: mrkdwn(SLACK_LIMITS.sectionChars) }));

    expect(slackViolations(slack(many))).toEqual([`slack: ${SLACK_LIMITS.blocks + 1} blocks (max ${SLACK_LIMITS.blocks})`]);
    expect(slackViolations(slack(big))).toEqual([expect.stringMatching(/^slack: payload is \d+ characters \(max 40000\)$/)]);
  });

  it('names the block, and the field, element or button in it, that is too long', () => {
    const found = slackViolations(
      slack([
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(SLACK_LIMITS.headerChars + 1) } },
        { type: 'section', text: mrkdwn(SLACK_LIMITS.sectionChars + 1), fields: [mrkdwn(1), mrkdwn(SLACK_LIMITS.fieldChars + 1)] },
        { type: 'context', elements: [mrkdwn(SLACK_LIMITS.contextChars + 1)] },
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'b'.repeat(76) }, url: `https://x/${'u'.repeat(3000)}` }],
        },
      ]),
    );

    expect(found).toEqual([
      'slack: block 0 (header) text has 151 characters (max 150)',
      'slack: block 1 (section) text has 3001 characters (max 3000)',
      'slack: block 1 (section) field 1 has 2001 characters (max 2000)',
      'slack: block 2 (context) element 0 has 2001 characters (max 2000)',
      'slack: block 3 (actions) button 0 text has 76 characters (max 75)',
      'slack: block 3 (actions) button 0 url has 3010 characters (max 3000)',
    ]);
  });

  it('counts the fields of a section and the elements of a context or actions block', () => {
    const found = slackViolations(
      slack([
        { type: 'section', fields: Array.from({ length: SLACK_LIMITS.fields + 1 }, () => mrkdwn(1)) },
        { type: 'context', elements: Array.from({ length: SLACK_LIMITS.contextElements + 1 }, () => mrkdwn(1)) },
        { type: 'actions', elements: Array.from({ length: SLACK_LIMITS.actionsElements + 1 }, () => ({ type: 'button' })) },
      ]),
    );

    expect(found).toEqual([
      'slack: block 0 (section): 11 fields (max 10)',
      'slack: block 1 (context): 11 elements (max 10)',
      'slack: block 2 (actions): 26 elements (max 25)',
    ]);
  });

  it('lets block types it has no limits for through', () => {
    expect(slackViolations(slack([{ type: 'divider' }, { type: 'image', image_url: 'https://x/y.png' }]))).toEqual([]);
  });
});

describe('Function: chatbotViolations', () => {
  const doc = () => rendered().chatbot;

  it("wants the schema's fixed version, source and text type", () => {
    expect(chatbotViolations({ ...doc(), version: '2.0' } as never)).toEqual([
      'chatbot: version, source or textType is not as the schema requires',
    ]);
  });

  it('refuses an empty description and counts next steps, keywords and related resources', () => {
    const base = doc();

    const found = chatbotViolations({
      ...base,
      content: {
        ...base.content,
        description: '  ',
        nextSteps: Array.from({ length: CHATBOT_LIMITS.nextSteps + 1 }, () => 'step'),
        keywords: Array.from({ length: CHATBOT_LIMITS.keywords + 1 }, () => 'k'),
      },
      metadata: { ...base.metadata, relatedResources: Array.from({ length: CHATBOT_LIMITS.relatedResources + 1 }, () => 'arn') },
    });

    expect(found).toEqual([
      'chatbot: description is empty',
      `chatbot: ${CHATBOT_LIMITS.nextSteps + 1} next steps (max ${CHATBOT_LIMITS.nextSteps})`,
      `chatbot: ${CHATBOT_LIMITS.keywords + 1} keywords (max ${CHATBOT_LIMITS.keywords})`,
      'chatbot: too many related resources',
    ]);
  });

  it('names the additional-context value that is too long', () => {
    const base = doc();

    const found = chatbotViolations({
      ...base,
      metadata: { ...base.metadata, additionalContext: { caller: 'c'.repeat(CHATBOT_LIMITS.additionalContextValueChars + 1) } },
    });

    expect(found).toEqual([
      `chatbot: additionalContext.caller has ${CHATBOT_LIMITS.additionalContextValueChars + 1} characters (max ${CHATBOT_LIMITS.additionalContextValueChars})`,
    ]);
  });
});
