/**
 * The Slack rendering on its own: each block builder keeps to Block Kit's limits (header 150,
 * section 3000, 10 fields of 2000, 10 context elements, 25 buttons, 3000 for the fallback text)
 * and says where it cut; sections are packed as few as fit; an alert's message and a digest's
 * have their blocks in the order on-call reads them. The three renderings together are held to
 * the same facts in render.test.ts and limits.test.ts.
 */
import { digestOf } from '../helpers/alerts.js';
import { describe, expect, it } from 'vitest';
import { slackViolations } from '../../shared/alerts/check-limits.js';
import { buildDigestModel, CHAT_ITEMS, type DigestItem } from '../../shared/alerts/digest.js';
import { charLength, SLACK_LIMITS } from '../../shared/alerts/limits.js';
import { type AlertModel, buildAlertModel } from '../../shared/alerts/model.js';
import {
  context,
  fallbackText,
  fieldsSection,
  header,
  mrkdwnSection,
  packSections,
  renderDigestSlack,
  renderSlack,
} from '../../shared/alerts/slack-blocks.js';
import { dryRunResult, findingForRule, sweepFinding } from './findings.js';

const CUT_NOTE = '… (cut: the email alert has it whole)';

interface Block {
  readonly type: string;
  readonly text?: { readonly type: string; readonly text: string };
  readonly fields?: readonly { readonly text: string }[];
  readonly elements?: readonly { readonly text: string | { readonly text: string }; readonly url?: string; readonly action_id?: string }[];
}

const blocksOf = (message: { blocks: readonly unknown[] }): readonly Block[] => message.blocks as readonly Block[];
const sectionTexts = (blocks: readonly Block[]): string[] => blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

const secretDeletedModel = (): AlertModel => {
  const finding = findingForRule('secret-deleted');
  return buildAlertModel(finding, dryRunResult(finding));
};

describe('Block builders', () => {
  it('makes a plain-text header with emoji, cut to 150 characters counted as Slack counts them', () => {
    // Prepare: astral characters are two UTF-16 units but one character to Slack.
    const text = '🔥'.repeat(200);

    // Act
    const block = header(text);

    // Assess
    expect(block.type).toBe('header');
    expect(block.text.type).toBe('plain_text');
    expect(block.text.emoji).toBe(true);
    expect(charLength(block.text.text)).toBe(SLACK_LIMITS.headerChars);
    expect(block.text.text).toBe(`${'🔥'.repeat(SLACK_LIMITS.headerChars - 1)}…`);
    expect(header('short').text.text).toBe('short');
  });

  it('cuts a mrkdwn section at 3000 characters and says the email has the rest', () => {
    // Act
    const whole = mrkdwnSection('x'.repeat(SLACK_LIMITS.sectionChars));
    const cut = mrkdwnSection('x'.repeat(SLACK_LIMITS.sectionChars + 1));

    // Assess
    expect(whole.text).toStrictEqual({ type: 'mrkdwn', text: 'x'.repeat(SLACK_LIMITS.sectionChars) });
    expect(charLength(cut.text.text)).toBe(SLACK_LIMITS.sectionChars);
    expect(cut.text.text.endsWith(CUT_NOTE)).toBe(true);
  });

  it('keeps at most 10 fields of at most 2000 characters', () => {
    // Act
    const block = fieldsSection(Array.from({ length: 12 }, (_, i) => `${i}:${'f'.repeat(2500)}`));

    // Assess
    expect(block.fields).toHaveLength(SLACK_LIMITS.fields);
    expect(block.fields.map((f) => f.text.slice(0, 2))).toStrictEqual(['0:', '1:', '2:', '3:', '4:', '5:', '6:', '7:', '8:', '9:']);
    expect(block.fields.every((f) => f.type === 'mrkdwn' && charLength(f.text) === SLACK_LIMITS.fieldChars)).toBe(true);
  });

  it('keeps at most 10 context elements of at most 2000 characters', () => {
    // Act
    const block = context(Array.from({ length: 11 }, () => 'c'.repeat(2001)));

    // Assess
    expect(block.type).toBe('context');
    expect(block.elements).toHaveLength(SLACK_LIMITS.contextElements);
    expect(block.elements.every((e) => charLength(e.text) === SLACK_LIMITS.contextChars && e.text.endsWith('…'))).toBe(true);
  });
});

describe('Function: packSections', () => {
  it('packs the title and lines into one section while they fit, a line each', () => {
    expect(packSections('*Next steps*', ['1. a', '2. b'])).toStrictEqual(['*Next steps*\n1. a\n2. b']);
  });

  it('starts a new section where the next line would pass 3000 characters, and never splits a line', () => {
    // Prepare: each line is a little over a third of a section.
    const lines = Array.from({ length: 5 }, (_, i) => `${i}${'l'.repeat(1100)}`);

    // Act
    const sections = packSections('T', lines);

    // Assess
    expect(sections.map((s) => s.split('\n').map((line) => line[0]))).toStrictEqual([['T', '0', '1'], ['2', '3'], ['4']]);
    expect(sections.every((s) => charLength(s) <= SLACK_LIMITS.sectionChars)).toBe(true);
  });

  it('cuts a line longer than a section, saying the email has it whole', () => {
    // Act
    const sections = packSections('T', ['x'.repeat(5000)]);

    // Assess
    expect(sections).toHaveLength(2);
    expect(sections[0]).toBe('T');
    expect(charLength(sections[1] ?? '')).toBe(SLACK_LIMITS.sectionChars - 1);
    expect(sections[1]?.endsWith(CUT_NOTE)).toBe(true);
  });

  it('keeps at most the sections asked for, the last ending with where the rest is', () => {
    // Prepare: ten sections' worth.
    const lines = Array.from({ length: 10 }, (_, i) => `${i}${'l'.repeat(2900)}`);

    // Act
    const three = packSections('', lines);
    const one = packSections('T', lines, 1);

    // Assess
    expect(three).toHaveLength(3);
    expect(three[0]?.startsWith('0')).toBe(true);
    expect(three[2]?.endsWith(CUT_NOTE)).toBe(true);
    expect(charLength(three[2] ?? '')).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
    expect(one).toHaveLength(1);
    expect(one[0]?.startsWith('T\n')).toBe(true);
    expect(one[0]?.endsWith(CUT_NOTE)).toBe(true);
  });

  it('makes no section of an empty title and no lines, and one of a title alone', () => {
    expect(packSections('', [])).toStrictEqual([]);
    expect(packSections('*Dates*', [])).toStrictEqual(['*Dates*']);
  });
});

describe('Function: fallbackText', () => {
  it('makes one line, escaped for Slack, cut to 3000 characters', () => {
    // Act
    const text = fallbackText(`a <b>\r\n\nc & ${'d'.repeat(4000)}`);

    // Assess
    expect(text.startsWith('a &lt;b&gt; c &amp; ddd')).toBe(true);
    expect(text).not.toMatch(/[\r\n]/);
    expect(charLength(text)).toBe(SLACK_LIMITS.fallbackTextChars);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('Function: renderSlack', () => {
  it('orders the blocks as on-call reads them: header, what happened, facts, dates, action, next steps, buttons, finding id', () => {
    // Act
    const message = renderSlack(secretDeletedModel());

    // Assess
    const blocks = blocksOf(message);
    expect(blocks.map((b) => b.type)).toStrictEqual([
      'header',
      'section',
      'section',
      'section',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(blocks[0]?.text?.text).toBe(':rotating_light: [CRITICAL] secret-deleted: prod/crm/api-token (123456789012/us-east-1)');
    expect(blocks[1]?.text?.text.split('\n')[0]).toBe('*Secret scheduled for deletion* (`secret-deleted`, severity critical, practice 7)');
    expect(blocks[2]?.fields?.map((f) => f.text.split('\n')[0])).toStrictEqual([
      '*Secret*',
      '*Account / region*',
      '*Who*',
      '*When*',
      '*Source IP*',
      '*User agent*',
      '*Outcome*',
    ]);
    expect(sectionTexts(blocks).map((t) => t.split('\n')[0])).toStrictEqual([
      '*Secret scheduled for deletion* (`secret-deleted`, severity critical, practice 7)',
      '*Dates*',
      '*What the service did*',
      '*Next steps*',
    ]);
    expect(blocks[7]?.elements?.[0]?.text).toMatch(/^finding `[0-9a-f-]+\/secret-deleted`$/);
    expect(message.text).toBe(
      '[CRITICAL] secret-deleted: prod/crm/api-token (123456789012/us-east-1) — Secret scheduled for deletion; restore-secret planned (dry run)',
    );
    expect(slackViolations(message)).toStrictEqual([]);
  });

  it('numbers the next steps and writes each command as code', () => {
    // Act
    const [, , , , , steps] = blocksOf(renderSlack(secretDeletedModel()));

    // Assess
    expect(steps?.text?.text).toBe(
      [
        '*Next steps*',
        '1. Dry run: the service would have restored the secret, and changed nothing. Restore it before the recovery window ends: `aws secretsmanager restore-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp`',
        '2. Find out who still uses it before letting the deletion go through.',
      ].join('\n'),
    );
  });

  it('labels a sweep finding by what the sweep did, and shows the dates it compared', () => {
    // Prepare
    const model = buildAlertModel(
      sweepFinding('unused', 'not accessed for 120 days', { lastAccessedDate: '2026-07-28T00:00:00Z', thresholdDays: 90 }),
    );

    // Act
    const blocks = blocksOf(renderSlack(model));

    // Assess
    const labels = blocks.find((b) => b.fields)?.fields?.map((f) => f.text.split('\n')[0]);
    expect(labels).toStrictEqual(['*Secret*', '*Account / region*', '*Found by*', '*Checked at*', '*Outcome*']);
    expect(sectionTexts(blocks)).toContain('*Dates the sweep compared*\n*Last accessed*: 2026-07-28T00:00:00Z\n*Threshold*: 90 days');
  });

  it('says a finding about a caller named no secret', () => {
    // Prepare
    const model: AlertModel = { ...secretDeletedModel(), secret: { ...secretDeletedModel().secret, named: false } };

    // Act
    const fields = blocksOf(renderSlack(model)).find((b) => b.fields)?.fields;

    // Assess
    expect(fields?.[0]?.text).toBe('*Secret*\nnone named: about the caller');
  });

  it('cuts a long field value at 500 characters so ten fields leave room in the message', () => {
    // Prepare
    const model = secretDeletedModel();
    const long: AlertModel = { ...model, who: { ...model.who, userAgent: 'u'.repeat(5000) } };

    // Act
    const userAgent = blocksOf(renderSlack(long))
      .find((b) => b.fields)
      ?.fields?.find((f) => f.text.startsWith('*User agent*'));

    // Assess
    expect(charLength(userAgent?.text.split('\n')[1] ?? '')).toBe(500);
  });

  it('drops a button whose URL Slack would refuse, keeps at most 25, and numbers their action ids', () => {
    // Prepare
    const model = secretDeletedModel();
    const links = [
      { label: 'too long', url: `https://example.com/${'p'.repeat(SLACK_LIMITS.buttonUrlChars)}` },
      ...Array.from({ length: 30 }, (_, i) => ({ label: `link ${i} ${'b'.repeat(100)}`, url: `https://example.com/${i}` })),
    ];

    // Act
    const actions = blocksOf(renderSlack({ ...model, links })).find((b) => b.type === 'actions');

    // Assess
    expect(actions?.elements).toHaveLength(SLACK_LIMITS.actionsElements);
    expect(actions?.elements?.[0]).toMatchObject({ url: 'https://example.com/0', action_id: 'link-0' });
    expect(actions?.elements?.[24]).toMatchObject({ url: 'https://example.com/24', action_id: 'link-24' });
    const labels = actions?.elements?.map((e) => (typeof e.text === 'string' ? e.text : e.text.text)) ?? [];
    expect(labels.every((label) => charLength(label) === SLACK_LIMITS.buttonTextChars)).toBe(true);
  });

  it('has no actions block without links', () => {
    expect(blocksOf(renderSlack({ ...secretDeletedModel(), links: [] })).map((b) => b.type)).not.toContain('actions');
  });

  it('puts the notes beside the finding id, as many as the context block holds, each cut and escaped', () => {
    // Prepare
    const notes = Array.from({ length: 15 }, (_, i) => `note ${i} <!here> ${'n'.repeat(600)}`);

    // Act
    const finale = blocksOf(renderSlack({ ...secretDeletedModel(), notes })).at(-1);

    // Assess
    expect(finale?.type).toBe('context');
    const texts = finale?.elements?.map((e) => e.text as string) ?? [];
    expect(texts).toHaveLength(SLACK_LIMITS.contextElements);
    expect(texts[0]).toMatch(/^finding /);
    expect(texts[1]?.startsWith(':warning: note 0 &lt;!here&gt; nnn')).toBe(true);
    expect(texts.at(-1)?.startsWith(':warning: note 8 ')).toBe(true);
    expect(texts.slice(1).every((t) => charLength(t) <= ':warning: '.length + 500 + 10)).toBe(true);
  });

  it('stays within every Slack limit when every list is far too long', () => {
    // Prepare
    const model = secretDeletedModel();
    const line = 'h'.repeat(2999);
    const huge: AlertModel = {
      ...model,
      subject: 's'.repeat(400),
      happened: Array.from({ length: 40 }, () => line),
      dates: Array.from({ length: 40 }, () => ({ label: 'Date', value: line })),
      action: { ...model.action, lines: Array.from({ length: 40 }, () => line) },
      nextSteps: Array.from({ length: 40 }, () => ({ text: line, command: line })),
      notes: Array.from({ length: 40 }, () => line),
    };

    // Act
    const message = renderSlack(huge);

    // Assess
    expect(slackViolations(message)).toStrictEqual([]);
    expect(JSON.stringify(message)).toContain(CUT_NOTE);
  });
});

describe('Function: renderDigestSlack', () => {
  const item = (i: number): DigestItem => ({
    findingId: `f${i}/rotation-failed`,
    secret: `prod/service-${i}/db`,
    time: '2026-11-24T10:15:00Z',
    outcome: 'planned',
    reason: 'Secrets Manager reported RotationFailed',
    caller: 'secretsmanager.amazonaws.com',
  });
  const digestOfCount = (count: number) => digestOf(Array.from({ length: count }, (_, i) => item(i)));

  it('says the count, rule and window, lists every finding of a small storm, and ends with the rule', () => {
    // Act
    const message = renderDigestSlack(buildDigestModel(digestOfCount(3)));

    // Assess
    const blocks = blocksOf(message);
    expect(blocks[0]).toStrictEqual(header(':red_circle: [HIGH] rotation-failed: 3 findings (123456789012/us-east-1)'));
    expect(blocks[1]?.text?.text).toMatch(
      /^\*Secret rotation failed\* \(`rotation-failed`, severity high\): \*3 findings\* in `123456789012` \/ `us-east-1` between 2026-11-24T10:15:00Z and 2026-11-24T10:20:00Z/,
    );
    const findings = sectionTexts(blocks).find((t) => t.startsWith('*Findings*'));
    expect(findings?.split('\n')).toHaveLength(4);
    expect(blocks.at(-1)).toStrictEqual(context(['digest of `rotation-failed`']));
    expect(message.text.startsWith('[HIGH] rotation-failed: 3 findings (123456789012/us-east-1) — ')).toBe(true);
    expect(slackViolations(message)).toStrictEqual([]);
  });

  it('names only the first findings of a large storm, and says how many more in a section of its own', () => {
    // Act
    const message = renderDigestSlack(buildDigestModel(digestOfCount(5000)));

    // Assess
    const texts = sectionTexts(blocksOf(message));
    const first = texts.findIndex((t) => t.startsWith('*First findings*'));
    expect(texts[first]?.split('\n')).toHaveLength(1 + CHAT_ITEMS);
    expect(texts[first + 1]).toBe(`… and ${5000 - CHAT_ITEMS} more: the email digest lists every one`);
    expect(slackViolations(message)).toStrictEqual([]);
  });
});
