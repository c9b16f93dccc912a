/**
 * The AWS Chatbot custom-notification document on its own: the schema's fixed values, the
 * description fitted to 3000 characters (head and tail whole, as many body lines as fit, and how
 * many more the email has), and every other field held to the limits we keep (`CHATBOT_LIMITS`)
 * — an alert's document and each email part's of a digest. The three renderings together are
 * held to the same facts in render.test.ts and limits.test.ts.
 */
import { digestOf } from '../helpers/alerts.js';
import { describe, expect, it } from 'vitest';
import { fitDescription, renderChatbot, renderDigestChatbot } from '../../shared/alerts/chatbot.js';
import { chatbotViolations } from '../../shared/alerts/check-limits.js';
import { buildDigestModel, digestPart } from '../../shared/alerts/digest.js';
import { CHATBOT_LIMITS, charLength } from '../../shared/alerts/limits.js';
import { type AlertModel, buildAlertModel } from '../../shared/alerts/model.js';
import { dryRunResult, findingForRule, sweepFinding } from './findings.js';

const CUT_NOTE = '… (cut: the email alert has it whole)';

const secretDeletedModel = (): AlertModel => {
  const finding = findingForRule('secret-deleted');
  return buildAlertModel(finding, dryRunResult(finding));
};

describe('Function: fitDescription', () => {
  it('keeps head, body and tail whole, in order, when they fit', () => {
    expect(fitDescription(['h1', 'h2'], ['b1', 'b2'], ['t1'], 100)).toBe('h1\nh2\nb1\nb2\nt1');
  });

  it('keeps as many body lines as fit with the note, and says how many more lines the email has', () => {
    // Prepare: the head and tail take 8 (with their separators), each body line 11 (with its own).
    const body = Array.from({ length: 10 }, (_, i) => `line ${i} ...`);
    const note = (n: number) => `… ${n} more lines (cut: the email alert has it whole)`;

    // Act
    const max = 8 + 3 * 11 + note(7).length + 1;
    const fitted = fitDescription(['head'], body, ['t'], max);
    const oneLess = fitDescription(['head'], body, ['t'], max - 1);

    // Assess
    expect(fitted.split('\n')).toStrictEqual(['head', 'line 0 ...', 'line 1 ...', 'line 2 ...', note(7), 't']);
    expect(charLength(fitted)).toBeLessThanOrEqual(max);
    expect(oneLess.split('\n')).toStrictEqual(['head', 'line 0 ...', 'line 1 ...', note(8), 't']);
  });

  it('says "line" of a single line left out', () => {
    // Prepare
    const note = '… 1 more line (cut: the email alert has it whole)';

    // Act
    const fitted = fitDescription(['h'], ['kept', 'x'.repeat(60)], [], 'h\nkept\n'.length + note.length + 2);

    // Assess
    expect(fitted).toBe(`h\nkept\n${note}`);
  });

  it('cuts one long body line to 400 characters, however much room is left', () => {
    // Act
    const fitted = fitDescription([], ['x'.repeat(1000)], [], CHATBOT_LIMITS.descriptionChars);

    // Assess
    expect(fitted).toBe(`${'x'.repeat(399)}…`);
  });

  it('cuts the whole to the limit, saying so, when the head and tail alone are too long', () => {
    // Act
    const fitted = fitDescription(['h'.repeat(200)], ['body'], ['t'.repeat(200)], 100);

    // Assess
    expect(charLength(fitted)).toBe(100);
    expect(fitted.startsWith('hhh')).toBe(true);
    expect(fitted.endsWith(CUT_NOTE)).toBe(true);
  });
});

describe('Function: renderChatbot', () => {
  it("writes the schema's fixed values, the alert's facts and its context for filters", () => {
    // Prepare
    const model = secretDeletedModel();

    // Act
    const doc = renderChatbot(model);

    // Assess
    expect(doc.version).toBe('1.0');
    expect(doc.source).toBe('custom');
    expect(doc.id).toBe(model.findingId);
    expect(doc.content.textType).toBe('client-markdown');
    expect(doc.content.title).toBe(':rotating_light: [CRITICAL] secret-deleted: prod/crm/api-token (123456789012/us-east-1)');
    expect(doc.content.description.split('\n').slice(0, 3)).toStrictEqual([
      '*Secret*: `prod/crm/api-token` in account `123456789012`, region `us-east-1`',
      '*Who*: arn:aws:iam::123456789012:user/alice (iam-user) · from `198.51.100.23` · using `aws-cli/2.22.5 md/Botocore#1.35.80 ua/2.0 os/linux#6.1` · at 2026-11-24T10:15:00Z',
      '*What the service did*: restore-secret: planned — would have done this (dry run: nothing was changed)',
    ]);
    expect(doc.content.description.split('\n').at(-1)).toBe(`_finding ${model.findingId}_`);
    expect(doc.metadata).toStrictEqual({
      threadId: '123456789012/us-east-1/prod/crm/api-token',
      summary: model.summary,
      eventType: 'secret-deleted',
      relatedResources: [model.secret.reference],
      additionalContext: {
        findingId: model.findingId,
        rule: 'secret-deleted',
        severity: 'critical',
        account: '123456789012',
        region: 'us-east-1',
        outcome: 'planned',
        dryRun: 'true',
        eventName: 'DeleteSecret',
        eventTime: '2026-11-24T10:15:00Z',
      },
    });
    expect(chatbotViolations(doc)).toStrictEqual([]);
  });

  it("tells the action's reason under its own heading only when there is more than the headline", () => {
    // Prepare
    const model = secretDeletedModel();

    // Act
    const withReason = renderChatbot(model).content.description;
    const headlineOnly = renderChatbot({ ...model, action: { ...model.action, lines: [model.action.headline] } }).content.description;

    // Assess
    expect(withReason).toContain('*The action*\ndry run: would restore secret');
    expect(headlineOnly).not.toContain('*The action*');
  });

  it('gives a sweep finding no caller and no event time, and the dates it compared', () => {
    // Prepare
    const model = buildAlertModel(sweepFinding('unused', 'not accessed for 120 days', { lastAccessedDate: '2026-07-28T00:00:00Z' }));

    // Act
    const { description } = renderChatbot(model).content;

    // Assess
    expect(description).toMatch(/^\*Who\*: no caller: found by the scheduled sweep[^\n]*$/m);
    expect(description).not.toMatch(/^\*Who\*:.* · at /m);
    expect(description).toContain('*Dates the sweep compared*\n*Last accessed*: 2026-07-28T00:00:00Z');
  });

  it('lists what the parser could not read, escaped', () => {
    // Act
    const { description } = renderChatbot({ ...secretDeletedModel(), notes: ['odd <!channel> account id'] }).content;

    // Assess
    expect(description).toContain('*Could not read from the event*\nodd &lt;!channel&gt; account id');
  });

  it('keeps 9 next steps and says how many more the email has, each step cut to 1000 characters', () => {
    // Prepare
    const nextSteps = Array.from({ length: 14 }, (_, i) => ({ text: `step ${i} ${'s'.repeat(1200)}` }));

    // Act
    const steps = renderChatbot({ ...secretDeletedModel(), nextSteps }).content.nextSteps;

    // Assess
    expect(steps).toHaveLength(CHATBOT_LIMITS.nextSteps);
    expect(steps.slice(0, 9).every((s) => charLength(s) === CHATBOT_LIMITS.nextStepChars && s.endsWith(CUT_NOTE))).toBe(true);
    expect(steps[8]?.startsWith('step 8 ')).toBe(true);
    expect(steps[9]).toBe('… and 5 more steps in the email alert');
  });

  it('keeps all ten next steps when there are exactly ten', () => {
    // Prepare
    const nextSteps = Array.from({ length: 10 }, (_, i) => ({ text: `step ${i}` }));

    // Act / Assess
    expect(renderChatbot({ ...secretDeletedModel(), nextSteps }).content.nextSteps).toStrictEqual(nextSteps.map((s) => s.text));
  });

  it('holds keywords, related resources, summary, title, id and context to their limits', () => {
    // Prepare
    const model = secretDeletedModel();
    const long: AlertModel = {
      ...model,
      findingId: 'i'.repeat(600),
      subject: 's'.repeat(600),
      summary: `<b> ${'m'.repeat(600)}`,
      keywords: Array.from({ length: 12 }, (_, i) => `${i}${'k'.repeat(60)}`),
      relatedResources: [`arn:${'r'.repeat(CHATBOT_LIMITS.relatedResourceChars)}`, ...Array.from({ length: 12 }, (_, i) => `arn:${i}`)],
      event: { ...model.event, name: 'e'.repeat(2000) },
    };

    // Act
    const doc = renderChatbot(long);

    // Assess
    expect(doc.content.keywords).toHaveLength(CHATBOT_LIMITS.keywords);
    expect(doc.content.keywords.every((k) => charLength(k) === CHATBOT_LIMITS.keywordChars)).toBe(true);
    // The first ten are kept, then the one too long for a resource is left out.
    expect(doc.metadata.relatedResources).toStrictEqual(Array.from({ length: 9 }, (_, i) => `arn:${i}`));
    expect(doc.metadata.summary.startsWith('&lt;b&gt; mmm')).toBe(true);
    expect(charLength(doc.metadata.summary)).toBe(CHATBOT_LIMITS.summaryChars);
    expect(charLength(doc.content.title)).toBe(CHATBOT_LIMITS.titleChars);
    expect(charLength(doc.id)).toBe(256);
    expect(charLength(doc.metadata.additionalContext.eventName ?? '')).toBe(CHATBOT_LIMITS.additionalContextValueChars);
    expect(chatbotViolations(doc).filter((v) => !v.startsWith('chatbot: document'))).toStrictEqual([]);
  });

  it('fits a description of far too many lines within 3000 characters, saying how many more the email has', () => {
    // Prepare
    const happened = Array.from({ length: 200 }, (_, i) => `line ${i} ${'h'.repeat(100)}`);

    // Act
    const doc = renderChatbot({ ...secretDeletedModel(), happened });

    // Assess
    expect(charLength(doc.content.description)).toBeLessThanOrEqual(CHATBOT_LIMITS.descriptionChars);
    expect(doc.content.description).toMatch(/\n… \d+ more lines \(cut: the email alert has it whole\)\n/);
    expect(doc.content.description.endsWith(`_finding ${doc.id}_`)).toBe(true);
    expect(chatbotViolations(doc)).toStrictEqual([]);
  });
});

describe('Function: renderDigestChatbot', () => {
  const digest = digestOf(
    Array.from({ length: 30 }, (_, i) => ({
      findingId: `f${i}/rotation-failed`,
      secret: `prod/service-${i}/db`,
      time: '2026-11-24T10:15:00Z',
      outcome: 'planned' as const,
      reason: 'Secrets Manager reported RotationFailed',
    })),
  );

  it("leads the first part with the count, the window and the first findings, and the digest's next steps", () => {
    // Prepare
    const model = buildDigestModel(digest);
    const part = digestPart(model, 0, 2, 0, model.items.slice(0, 20));

    // Act
    const doc = renderDigestChatbot(model, part);

    // Assess
    expect(doc.id).toBe('digest/rotation-failed/2026-11-24T10:15:00Z/1');
    expect(doc.content.title).toBe(':red_circle: [HIGH] rotation-failed: 30 findings, part 1/2 (123456789012/us-east-1)');
    expect(doc.content.description.split('\n')[0]).toMatch(
      /^\*30 findings\* of `rotation-failed` in account `123456789012`, region `us-east-1`, between 2026-11-24T10:15:00Z and 2026-11-24T10:20:00Z \(part 1\/2\)/,
    );
    expect(doc.content.description).toContain('*First findings*');
    expect(doc.content.nextSteps).toHaveLength(model.nextSteps.length);
    expect(doc.metadata).toMatchObject({
      threadId: '123456789012/us-east-1/digest/rotation-failed',
      summary: model.summary,
      eventType: 'rotation-failed-digest',
      relatedResources: [],
      additionalContext: {
        rule: 'rotation-failed',
        findings: '30',
        part: '1/2',
        windowStart: '2026-11-24T10:15:00Z',
        windowEnd: '2026-11-24T10:20:00Z',
      },
    });
    expect(chatbotViolations(doc)).toStrictEqual([]);
  });

  it('says only which items a later part carries, with no next steps, in the same thread', () => {
    // Prepare
    const model = buildDigestModel(digest);
    const part = digestPart(model, 1, 2, 20, model.items.slice(20));

    // Act
    const doc = renderDigestChatbot(model, part);

    // Assess
    expect(doc.id).toBe('digest/rotation-failed/2026-11-24T10:15:00Z/2');
    expect(doc.content.description).toBe(
      "*30 findings* of `rotation-failed` in account `123456789012`, region `us-east-1`, between 2026-11-24T10:15:00Z and 2026-11-24T10:20:00Z (part 2/2)\nThe email's list goes on with items 21–30; part 1 said what they share.",
    );
    expect(doc.content.nextSteps).toStrictEqual([]);
    expect(doc.metadata.summary).toBe(`${model.summary} (part 2/2, items 21–30)`);
    expect(doc.metadata.threadId).toBe('123456789012/us-east-1/digest/rotation-failed');
    expect(doc.metadata.additionalContext.part).toBe('2/2');
  });
});
