import { describe, expect, it } from 'vitest';
import { publishInput } from '../../shared/adapters/sns.js';
import { SLACK_LIMITS as RENDERERS_SLACK_LIMITS, snsPublishBytes } from '../../shared/alerts/limits.js';
import { type AlertMessage, SLACK_LIMITS, snsMessageOf } from '../../shared/ports/notifier.js';

const plain: AlertMessage = {
  subject: 'Rotation disabled',
  body: 'Rotation was turned off for prod/db.',
  attributes: { severity: 'high' },
};
const withChatbot: AlertMessage = { ...plain, chatbot: { version: '1.0', source: 'custom', content: { title: 'Rotation disabled' } } };

describe('snsMessageOf', () => {
  it('sends the plain text as it is when there is no Chatbot document', () => {
    expect(snsMessageOf(plain)).toEqual({ Message: plain.body });
  });

  it('sends one text per protocol with a Chatbot document: plain text by default and to email, the document over HTTPS', () => {
    const message = snsMessageOf(withChatbot);
    expect(message.MessageStructure).toBe('json');
    expect(JSON.parse(message.Message)).toEqual({ default: plain.body, email: plain.body, https: JSON.stringify(withChatbot.chatbot) });
  });

  it('is the very message Publish sends and the size check counts, so the two cannot drift', () => {
    for (const message of [plain, withChatbot]) {
      const input = publishInput('arn:aws:sns:us-east-1:123456789012:alerts', message);
      expect(input.Message).toBe(snsMessageOf(message).Message);
      const attributeBytes = Buffer.byteLength('severityhighString', 'utf8');
      expect(snsPublishBytes(message)).toBe(
        Buffer.byteLength(message.subject, 'utf8') + Buffer.byteLength(input.Message, 'utf8') + attributeBytes,
      );
    }
  });
});

describe('SLACK_LIMITS', () => {
  it("holds Block Kit's published limits: 50 blocks a message, 150 characters a header, 3000 a section, 40,000 in all", () => {
    expect(SLACK_LIMITS).toMatchObject({ blocks: 50, headerChars: 150, sectionChars: 3000, messageChars: 40_000 });
  });

  it('are the very limits the renderers keep to, so the webhook adapter cuts where they do', () => {
    expect(RENDERERS_SLACK_LIMITS).toBe(SLACK_LIMITS);
  });
});
