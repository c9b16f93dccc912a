/**
 * What each channel accepts: the worst inputs a finding can carry — a 512-character secret name
 * (Secrets Manager's maximum), a 500-character error message, hundreds of offending statements,
 * many notes — still render within SNS's subject and 256 KB, Slack's header, section, field and
 * block limits, and the Chatbot limits we keep to; and the cut says where the rest is.
 */
import { describe, expect, it } from 'vitest';
import { limitViolations } from '../../shared/alerts/check-limits.js';
import { CHATBOT_LIMITS, SLACK_LIMITS, SNS_LIMITS, snsPublishBytes } from '../../shared/alerts/limits.js';
import { renderFinding } from '../../shared/alerts/render.js';
import type { Finding } from '../../shared/contracts/finding.js';
import { dryRunResult, findingForRule } from './findings.js';

const LONG_NAME = `prod/${'a-very-long-path-segment/'.repeat(20)}`.padEnd(512, 'x');

const withLongName = (finding: Finding): Finding => ({
  ...finding,
  secret: {
    ...finding.secret,
    id: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${LONG_NAME}-Ab12Cd`,
    arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${LONG_NAME}-Ab12Cd`,
    name: LONG_NAME,
    account: '123456789012',
    region: 'us-east-1',
  },
});

const rotationFailed = (): Finding => {
  const finding = withLongName(findingForRule('rotation-failed'));
  const errorMessage =
    `Error when executing lambda ${finding.evidence.rotationLambdaArn ?? 'arn:aws:lambda:us-east-1:123456789012:function:x'} during setSecret step: ${'connection refused by the database host; '.repeat(12)}`.slice(
      0,
      500,
    );
  return {
    ...finding,
    evidence: { ...finding.evidence, errorMessage },
    notes: Array.from({ length: 30 }, (_, i) => `note ${i}: ${'something the parser could not read '.repeat(5)}`),
  };
};

const policyPublic = (statements: number): Finding => {
  const finding = withLongName(findingForRule('policy-public'));
  return {
    ...finding,
    evidence: {
      ...finding.evidence,
      offendingStatements: Array.from({ length: statements }, (_, i) => ({
        id: `Statement${i}-${'x'.repeat(40)}`,
        reasons: ['grants access to everyone (*)', `grants access to account ${String(100000000000 + i)} outside the allowed set`],
        principals: ['*', `arn:aws:iam::${String(100000000000 + i)}:root`],
      })),
    },
  };
};

describe('Channel limits', () => {
  it.each([
    ['a 512-character secret name, a 500-character error message and 30 notes', rotationFailed],
    ['200 offending statements on a 512-character secret name', () => policyPublic(200)],
  ])('%s: every channel stays within its limits', (_case, build) => {
    // Prepare
    const finding = build();

    // Act
    const rendered = renderFinding(finding, dryRunResult(finding), { chatbot: true });

    // Assess
    expect(limitViolations(rendered)).toEqual([]);
    expect(rendered.sns.subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectChars);
    expect(rendered.sns.subject).toMatch(
      /^\[(HIGH|CRITICAL)\] (rotation-failed|policy-public): prod\/a-very-long-path-segment\/.*\.\.\. \(123456789012\/us-east-1\)$/,
    );
    expect(snsPublishBytes(rendered.sns)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    const blocks = rendered.slack.blocks as readonly { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(blocks[0]?.type).toBe('header');
    expect(blocks[0]?.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerChars);
    for (const block of blocks) {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldChars);
    }
    expect(JSON.stringify(rendered.slack).length).toBeLessThanOrEqual(SLACK_LIMITS.messageChars);
    expect(rendered.chatbot.content.description.length).toBeLessThanOrEqual(CHATBOT_LIMITS.descriptionChars);
    expect(rendered.chatbot.metadata.threadId.length).toBeLessThanOrEqual(CHATBOT_LIMITS.threadIdChars);
  });

  it('keeps the whole long name, error message and every statement in the email, where there is room', () => {
    // Prepare
    const finding = policyPublic(200);

    // Act
    const { sns } = renderFinding(finding, dryRunResult(finding));

    // Assess
    expect(sns.body).toContain(LONG_NAME);
    expect(sns.body).toContain('Statement199-');
    expect(renderFinding(rotationFailed()).sns.body).toContain(rotationFailed().evidence.errorMessage);
  });

  it('says in chat where the rest is when it had to cut', () => {
    // Prepare
    const finding = policyPublic(200);

    // Act
    const { chatbot, slack } = renderFinding(finding, dryRunResult(finding));

    // Assess
    expect(chatbot.content.description).toContain('(cut: the email alert has it whole)');
    expect(JSON.stringify(slack)).toContain('(cut: the email alert has it whole)');
  });

  it('cuts an email that would pass 256 KB, and says so', () => {
    // Prepare: about 1.3 MB of statements.
    const finding = policyPublic(5000);

    // Act
    const { sns } = renderFinding(finding, dryRunResult(finding), { chatbot: true });

    // Assess
    expect(snsPublishBytes(sns)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(sns.body).toContain(`(cut to fit the 256 KB SNS limit; finding ${finding.id})`);
    expect(sns.body.startsWith('Resource policy grants access outside the organisation')).toBe(true);
  });

  it('gives a secret of 512 characters a thread id within the limit, still one per secret', () => {
    // Prepare
    const one = withLongName(findingForRule('secret-deleted'));
    const other: Finding = { ...one, secret: { ...one.secret, name: `${LONG_NAME.slice(0, 511)}y` } };

    // Act
    const [a, b, again] = [one, other, one].map((f) => renderFinding(f).chatbot.metadata.threadId);

    // Assess
    expect(a).toMatch(/^123456789012\/us-east-1\/sha256-[0-9a-f]{40}$/);
    expect(a).not.toBe(b);
    expect(again).toBe(a);
  });

  it('keeps the subject printable ASCII even when an event carries other characters', () => {
    // Prepare
    const finding = findingForRule('secret-deleted');
    const odd: Finding = { ...finding, secret: { ...finding.secret, name: 'prod/café\n/clé' } };

    // Act
    const { sns } = renderFinding(odd);

    // Assess
    expect(sns.subject).toBe('[CRITICAL] secret-deleted: prod/caf? /cl? (123456789012/us-east-1)');
  });
});
