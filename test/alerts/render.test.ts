/**
 * One alert, three renderings: for every rule of the catalogue, the plain text (email), the
 * Chatbot document and the Slack message are snapshotted (reviewed by eye) and held to the key
 * facts on-call needs — which secret, where, who, when, what the service did ("would have" in
 * dry run), what to do next, links — and to every channel's limits.
 */
import { describe, expect, it } from 'vitest';
import { limitViolations } from '../../shared/alerts/check-limits.js';
import { buildAlertModel } from '../../shared/alerts/model.js';
import { escapeMrkdwn } from '../../shared/alerts/mrkdwn.js';
import { renderFinding } from '../../shared/alerts/render.js';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { rules } from '../../shared/domain/catalogue.js';
import { dryRunResult, findingForRule, SWEEP_TIME, sweepFinding } from './findings.js';

/** Every string in a payload, one per line: what a reader of that channel can see. */
const texts = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : Array.isArray(value)
      ? value.map(texts).join('\n')
      : value && typeof value === 'object'
        ? Object.values(value).map(texts).join('\n')
        : '';

const cases = rules.map((rule) => {
  const finding = findingForRule(rule.id);
  return [rule.id, finding, dryRunResult(finding)] as const;
});

describe('Function: renderFinding, per rule and channel', () => {
  it('has a finding for every rule of the catalogue', () => {
    expect(cases.map(([id]) => id)).toEqual(rules.map((r) => r.id));
    expect(cases.every(([id, finding]) => finding.rule === id)).toBe(true);
  });

  it.each(cases)('%s: email, Chatbot and Slack say the same key facts, within every limit', (_rule, finding, result) => {
    // Prepare
    const model = buildAlertModel(finding, result);

    // Act
    const rendered = renderFinding(finding, result, { chatbot: true });

    // Assess
    const email = rendered.sns.body;
    const chatbot = texts(rendered.chatbot);
    const slack = texts(rendered.slack);
    const { secret, who } = model;
    expect(rendered.sns.subject).toBe(
      `[${finding.severity.toUpperCase()}] ${finding.rule}: ${secret.label} (${secret.account}/${secret.region})`,
    );
    expect(rendered.sns.attributes).toEqual({
      severity: finding.severity,
      rule: finding.rule,
      account: secret.account,
      region: secret.region,
      secret: secret.label,
    });
    for (const channel of [email, chatbot, slack]) {
      expect(channel).toContain(escapeIfChat(channel, email, secret.label));
      expect(channel).toContain(secret.account);
      expect(channel).toContain(secret.region);
      expect(channel).toContain(finding.event.time);
      expect(channel).toContain(escapeIfChat(channel, email, who.foundBySweep ? 'found by the scheduled sweep' : finding.actor.principal));
      if (who.sourceIp) expect(channel).toContain(who.sourceIp);
      if (who.userAgent) expect(channel).toContain(escapeIfChat(channel, email, who.userAgent));
      expect(channel).toContain(result ? 'would have' : 'plans no action');
      expect(channel).toContain(escapeIfChat(channel, email, model.nextSteps[0]?.text ?? 'no next step'));
      for (const link of model.links) expect(channel).toContain(channel === chatbot ? escapeMrkdwn(link.url) : link.url);
    }
    expect(email).toContain(secret.named ? (finding.secret.arn ?? finding.secret.id) : 'none named');
    expect(rendered.chatbot.metadata.threadId).toBe(`${secret.account}/${secret.region}/${secret.label}`);
    expect(rendered.sns.chatbot).toEqual(rendered.chatbot);
    expect(limitViolations(rendered)).toEqual([]);
    expect(rendered.sns).toMatchSnapshot('email (SNS)');
    expect(rendered.chatbot).toMatchSnapshot('chatbot');
    expect(rendered.slack).toMatchSnapshot('slack');
  });
});

/** Chat renderings escape Slack's control characters; email is plain text. */
const escapeIfChat = (channel: string, email: string, text: string): string => (channel === email ? text : escapeMrkdwn(text));

const secretDeleted = (): Finding => findingForRule('secret-deleted');
const restore = (overrides: Partial<ActionResult>): ActionResult => ({
  type: 'restore-secret',
  outcome: 'applied',
  mode: 'enforce',
  reason: 'restored: the deletion was cancelled',
  state: { before: 'scheduled for deletion on 2026-12-01', after: 'not scheduled for deletion' },
  ...overrides,
});

describe('Function: renderFinding, outcomes', () => {
  it('says "would have" and changed nothing in dry run, in every channel, with the command to do it now', () => {
    // Prepare
    const result = restore({ outcome: 'planned', mode: 'dry-run', reason: 'dry run: would restore it' });

    // Act
    const { sns, chatbot, slack } = renderFinding(secretDeleted(), result);

    // Assess
    for (const channel of [sns.body, texts(chatbot), texts(slack)]) {
      expect(channel).toContain('would have done this (dry run: nothing was changed)');
      expect(channel).toContain('Dry run: the service would have restored the secret, and changed nothing.');
      expect(channel).toContain(
        'aws secretsmanager restore-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp',
      );
    }
    expect(chatbot.content.keywords).toContain('dry run');
  });

  it('says it is done when applied, with the state before and after, and no repair left to run', () => {
    // Act
    const { sns, chatbot, slack } = renderFinding(secretDeleted(), restore({}));

    // Assess
    for (const channel of [sns.body, texts(chatbot), texts(slack)]) {
      expect(channel).toContain('restore-secret: applied — done');
      expect(channel).toContain('Nothing to repair: the service restored the secret.');
      expect(channel).not.toContain('would have');
    }
    expect(sns.body).toContain('state before: scheduled for deletion on 2026-12-01');
    expect(sns.body).toContain('state after: not scheduled for deletion');
  });

  it('says FAILED with the reason, and hands the repair to a person', () => {
    // Act
    const { sns, slack } = renderFinding(secretDeleted(), restore({ outcome: 'failed', reason: 'access denied: RestoreSecret' }));

    // Assess
    for (const channel of [sns.body, texts(slack)]) {
      expect(channel).toContain('restore-secret: failed — FAILED');
      expect(channel).toContain('access denied: RestoreSecret');
      expect(channel).toContain('The service could not (failed): do it by hand. Restore it before the recovery window ends');
    }
  });

  it('says a pending action has no result yet rather than guessing', () => {
    // Act
    const { sns } = renderFinding(secretDeleted());

    // Assess
    expect(sns.body).toContain('restore-secret: no result reported');
  });

  it('sends plain text alone by email unless the Chatbot document is asked for', () => {
    // Prepare
    const result = restore({ outcome: 'planned', mode: 'dry-run' });

    // Act / Assess
    expect(renderFinding(secretDeleted(), result).sns.chatbot).toBeUndefined();
    expect(renderFinding(secretDeleted(), result, { chatbot: true }).sns.chatbot).toBeDefined();
  });
});

describe('Function: renderFinding, facts on-call asked for', () => {
  it('keeps one thread per secret, whatever the rule, and apart from other secrets', () => {
    // Prepare
    const base = secretDeleted();
    const otherRule: Finding = { ...base, id: `${base.event.id}/abac-tag-changed`, rule: 'abac-tag-changed' };
    const otherSecret: Finding = { ...base, secret: { ...base.secret, id: 'prod/crm/other', name: 'prod/crm/other', arn: undefined } };
    const otherRegion: Finding = { ...base, secret: { ...base.secret, region: 'eu-west-1' } };

    // Act
    const [same, rule, secret, region] = [base, otherRule, otherSecret, otherRegion].map((f) => renderFinding(f).chatbot.metadata.threadId);

    // Assess
    expect(same).toBe('123456789012/us-east-1/prod/crm/api-token');
    expect(rule).toBe(same);
    expect(secret).not.toBe(same);
    expect(region).not.toBe(same);
  });

  it('names the same thread for a secret given by name and by full ARN', () => {
    // Prepare
    const byArn = secretDeleted();
    const byName: Finding = { ...byArn, secret: { ...byArn.secret, id: 'prod/crm/api-token', arn: undefined } };

    // Act / Assess
    expect(renderFinding(byName).chatbot.metadata.threadId).toBe(renderFinding(byArn).chatbot.metadata.threadId);
  });

  it('says a sweep finding had no caller, and shows the dates the sweep compared', () => {
    // Prepare
    const finding = sweepFinding('unused', 'not accessed for 120 days (unusedDays 90)', {
      lastAccessedDate: '2026-07-28T00:00:00Z',
      createdDate: '2024-02-01T10:00:00Z',
      thresholdDays: 90,
    });

    // Act
    const { sns, chatbot, slack } = renderFinding(finding);

    // Assess
    for (const channel of [sns.body, texts(chatbot), texts(slack)]) {
      expect(channel).toContain(`no caller: found by the scheduled sweep, which checked the secret at ${SWEEP_TIME}`);
      expect(channel).toContain(`The scheduled sweep found this at ${SWEEP_TIME}: not accessed for 120 days (unusedDays 90).`);
      expect(channel).toContain('2026-07-28T00:00:00Z');
      expect(channel).toContain('2024-02-01T10:00:00Z');
      expect(channel).toContain('90 days');
    }
    expect(sns.body).toMatch(/Dates the sweep compared\n( {2}.+\n)* {2}Last accessed: 2026-07-28T00:00:00Z\n/);
    expect(sns.body).not.toContain('when:');
    expect(sns.body).toContain(
      'aws secretsmanager delete-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders/db-Qw12Er --recovery-window-in-days 30',
    );
  });

  it('escapes what came from an event in chat, so it cannot mention a channel or forge a link', () => {
    // Prepare
    const finding = secretDeleted();
    const hostile: Finding = {
      ...finding,
      actor: { ...finding.actor, userAgent: 'curl <!channel> & <https://evil.example|open the console>' },
    };

    // Act
    const { sns, chatbot, slack } = renderFinding(hostile);

    // Assess
    for (const chat of [JSON.stringify(chatbot), JSON.stringify(slack)]) {
      expect(chat).not.toContain('<!channel>');
      expect(chat).not.toContain('<https://evil.example');
      expect(chat).toContain('curl &lt;!channel&gt; &amp; &lt;https://evil.example|open the console&gt;');
    }
    expect(sns.body).toContain('user agent: curl <!channel> & <https://evil.example|open the console>');
  });

  it('links the Config rule of a Config finding, and the secret, but no CloudTrail event it does not have', () => {
    // Prepare
    const finding = findingForRule('rotation-missing');

    // Act
    const { slack } = renderFinding(finding, dryRunResult(finding));

    // Assess
    const urls = JSON.stringify(slack.blocks.filter((b) => b.type === 'actions'));
    expect(urls).toContain('/config/home?region=us-east-1#/rules/details?configRuleName=');
    expect(urls).toContain('/secretsmanager/secret?name=');
    expect(urls).not.toContain('/cloudtrail/');
  });

  it('makes no console link from a region that is not a region', () => {
    // Prepare
    const finding = secretDeleted();
    const odd: Finding = { ...finding, secret: { ...finding.secret, region: 'us-east-1.evil.example/x' } };

    // Act
    const { sns } = renderFinding(odd);

    // Assess
    expect(sns.body).not.toContain('https://');
    expect(sns.body).toContain('none: the event named no secret or CloudTrail id to link to');
  });
});
