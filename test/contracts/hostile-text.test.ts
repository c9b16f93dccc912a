/**
 * Text from an event is hostile: no string in it may crash a handler, and no secret in it may
 * reach a sink — the alert (SNS, Chatbot, Slack), the logs, the replay report. Each case here
 * was reproduced against the code before it was fixed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeClassify } from '../../shared/handlers/classify.js';
import { redactFreeText } from '../../shared/contracts/redact.js';
import { renderFinding } from '../../shared/alerts/render.js';
import { boundText, isSecretsManagerId, TEXT_LIMITS, wellFormed } from '../../shared/contracts/hostile-text.js';
import type { Finding } from '../../shared/contracts/finding.js';
import { logger } from '../../shared/logger.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { alertRig, alertSettings, type FindingEvent, findingEventOf } from '../helpers/alerts.js';
import { loadSampleEvent } from '../helpers/events.js';
import { classifyContext } from '../helpers/policy.js';
import { replayEvent } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';

type Json = Record<string, unknown>;

/** The secret inside each text the redactor used to let through, verbatim. */
const MISSED: readonly { text: string; secret: string }[] = [
  { text: '{\\"username\\":\\"admin\\",\\"password\\":\\"Tr0ub4dor&3-xyz!\\"}', secret: 'Tr0ub4dor' },
  { text: 'redis://:r3d1sP4ssw0rd@cache.internal:6379/0', secret: 'r3d1sP4ssw0rd' },
  { text: 'postgres://app:pa/ss@db.internal/prod', secret: 'pa/ss' },
  { text: 'postgres://app:p@ssw0rd!@db.internal/prod', secret: 'ssw0rd' },
];

/** Every string a delivery of this finding shows: SNS subject, body, attributes, Chatbot, Slack. */
const renderingsOf = (finding: Finding): string => {
  const { sns, chatbot, slack } = renderFinding(finding, undefined, { chatbot: true });
  return JSON.stringify([sns.subject, sns.body, sns.attributes, chatbot, slack]);
};

const withDetail = (event: Json, change: Json): Json => ({ ...event, detail: { ...(event.detail as Json), ...change } });

/** What classify published for one event, on a fresh sandbox. */
const publishedFindings = async (event: unknown): Promise<Finding[]> => {
  const account = defaultSandbox();
  await makeClassify(account, classifyContext)(event, localContext('classify'));
  return account.bus.published.map((e) => e.detail as Finding);
};

/** Every log line the service's logger writes while `run` runs, as one string. */
const logsOf = async (run: () => Promise<unknown>): Promise<string> => {
  const lines: string[] = [];
  // The logger writes each line, already serialised, through its own console.
  const console = (logger as unknown as { console: Record<'debug' | 'info' | 'warn' | 'error', (line: string) => void> }).console;
  const spies: { mockRestore: () => void }[] = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(line)),
  );
  // Tests run the logger SILENT, and each invocation resets it to that level: hold it at DEBUG.
  spies.push(vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined));
  logger.setLogLevel('DEBUG');
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
    logger.setLogLevel('SILENT');
  }
  expect(lines.length).toBeGreaterThan(0);
  return lines.join('\n');
};

afterEach(() => logger.setLogLevel('SILENT'));

describe('Hostile text: the redactor', () => {
  it.each(MISSED)('redacts the secret in $text', ({ text, secret }) => {
    const redacted = redactFreeText(text);

    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED');
  });

  it('keeps the host and user of a URL whose password it cut out', () => {
    expect(redactFreeText('postgres://app:p@ssw0rd!@db.internal/prod')).toBe('postgres://app:[REDACTED password]@db.internal/prod');
  });

  it('survives a kept identifier longer than any regular expression may be', () => {
    const longId = `prod/${'a'.repeat(32_770)}`;

    expect(redactFreeText(`rotation of ${longId} failed`, [longId])).toBe(`rotation of ${longId} failed`);
  });
});

describe('Hostile text: bounds and shapes', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
  });

  it('cuts a long text to its limit and says how much it cut', () => {
    const cut = boundText('x'.repeat(1_000_000));

    expect(cut.length).toBeLessThanOrEqual(TEXT_LIMITS.freeTextChars);
    expect(cut).toMatch(/\[\d+ more characters cut\]$/);
  });

  it.each([
    ['prod/payments/db', true],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op', true],
    ['arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app@v1+x=y.z_w-AbCdEf', true],
    ['prod/db password=hunter2', false],
    ['a'.repeat(513), false],
    ['', false],
    ['arn:aws:s3:::bucket', false],
  ])('judges %s a Secrets Manager id: %s', (id, valid) => {
    expect(isSecretsManagerId(id)).toBe(valid);
  });
});

describe('Hostile text: no crash', () => {
  const sentWith = async (secret: Partial<Finding['secret']>): Promise<unknown> => {
    const template = await findingEventOf('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const event = structuredClone(template) as FindingEvent & { detail: Finding };
    event.detail = { ...event.detail, actions: [], needsRemediation: false, secret: { ...event.detail.secret, ...secret } };
    const rig = alertRig(alertSettings({ channels: { chatbot: true } }));
    const outcome = await rig.alert(event, localContext('alert'));
    return { outcome, sent: rig.ports.notifier.sent };
  };

  it('sends the alert of a finding whose secret id is 32,770 characters long', async () => {
    const id = `prod/${'A1b2'.repeat(8_192)}`;

    const { outcome, sent } = (await sentWith({ id, name: id, arn: undefined })) as {
      outcome: { status: string };
      sent: { subject: string }[];
    };

    expect(outcome.status).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject.length).toBeLessThanOrEqual(99);
  });

  it('sends the alert of a finding whose secret name holds a lone surrogate', async () => {
    const { outcome, sent } = (await sentWith({ name: 'prod/\uD800db' })) as { outcome: { status: string }; sent: { body: string }[] };

    expect(outcome.status).toBe('sent');
    expect(sent[0]?.body).not.toMatch(/[\uD800-\uDFFF]/);
  });
});

describe('Hostile text: no leak', () => {
  it.each(MISSED)('keeps $secret out of every channel when it is a rotation error message', async ({ text, secret }) => {
    const event = withDetail(loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json'), {
      errorMessage: `setSecret failed: ${text}`,
    });

    const findings = await publishedFindings(event);

    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(renderingsOf(finding)).not.toContain(secret);
  });

  it.each(MISSED)('keeps $secret out of every channel when it is a user agent', async ({ text, secret }) => {
    const event = withDetail(loadSampleEvent('secret-deleted/fires.DeleteSecret.authored.by-developer.json'), { userAgent: text });

    const findings = await publishedFindings(event);

    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(renderingsOf(finding)).not.toContain(secret);
  });

  it('keeps a password in a Config annotation out of the finding, the logs and the replay report', async () => {
    const sample = loadSampleEvent<Json>('rotation-missing/fires.NON_COMPLIANT.authored.rotation-enabled-check.json');
    const detail = sample.detail as { newEvaluationResult: Json };
    const event = withDetail(sample, {
      newEvaluationResult: { ...detail.newEvaluationResult, annotation: 'checked with password=Tr0ub4dor&3-xyz' },
    });

    const logs = await logsOf(() => publishedFindings(event));
    const report = await replayEvent(event, defaultSandbox(), 'dry-run');

    expect(logs).not.toContain('Tr0ub4dor');
    expect(JSON.stringify(report)).not.toContain('Tr0ub4dor');
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it('treats the SecretId of a refused call that is no Secrets Manager id as free text, in every sink', async () => {
    // A space makes it no valid name: so the random-looking token in it is judged as prose would be.
    const hostile = 'prod/db 9fQ2xK7pLm3Zr8TwVb4NcY6hJd1sGe5A password=hunter2hunter2';
    const calls = loadSampleEvent<Json[]>('access-denied-burst/fires.AccessDenied.authored.11-calls-by-one-role.json').map((call) => {
      const detail = call.detail as Json;
      return withDetail(call, { requestParameters: { ...(detail.requestParameters ?? {}), secretId: hostile } });
    });
    const account = defaultSandbox();

    let report: unknown;
    const logs = await logsOf(async () => {
      report = await replayEvent(calls, account, 'dry-run');
    });
    const findings = account.bus.published.map((e) => e.detail as Finding);
    const sinks = [logs, JSON.stringify(report), JSON.stringify(account.notifier.sent), ...findings.map(renderingsOf)].join('\n');

    expect(findings.map((f) => f.rule)).toContain('access-denied-burst');
    expect(account.notifier.sent.length).toBeGreaterThan(0);
    for (const secret of ['9fQ2xK7pLm3Zr8TwVb4NcY6hJd1sGe5A', 'hunter2hunter2']) expect(sinks).not.toContain(secret);
  });

  it('shows a valid secret name whole, random-looking or not: it is the name on-call must type', async () => {
    const name = 'prod/9fQ2xK7pLm3Zr8TwVb4NcY6hJd1sGe5A';
    const sample = JSON.stringify(loadSampleEvent('secret-deleted/fires.DeleteSecret.authored.by-developer.json'));
    const event = JSON.parse(sample.replaceAll('prod/crm/api-token', name)) as Json;

    const findings = await publishedFindings(event);

    expect(findings[0]?.secret.name).toBe(name);
    expect(renderingsOf(findings[0] as Finding)).toContain(name);
  });
});
