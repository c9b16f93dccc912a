/**
 * What the replay says about one event and about the whole run: the report built from the chain's
 * invocations (routes, each finding, its actions' results or `pending`, the alert and, asked for,
 * its Chatbot and Slack payloads; what the functions refused, ignored or found nothing in,
 * redacted), the report as text and as one line, and the counts of the run.
 */
import { describe, expect, it } from 'vitest';
import { renderFinding } from '../../shared/alerts/render.js';
import type { RemediationResult } from '../../shared/contracts/finding.js';
import { type Invocation, runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import {
  buildReport,
  type EventReport,
  type FindingReport,
  formatReport,
  formatReportLine,
  formatSummary,
  type ReplaySummary,
  summarize,
} from '../../shared/replay/report.js';
import { routesFor } from '../../shared/rules/routes.js';
import { alertMessage } from '../helpers/messages.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { SAMPLE_HUB } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const DELETED_BY_DEVELOPER = 'secret-deleted/fires.DeleteSecret.authored.by-developer.json';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
/** An alert as a finding's report carries it. */
const ALERT = { subject: alertMessage.subject, body: alertMessage.body, attributes: alertMessage.attributes };

/** The chain's invocations for a sample event, on the sandbox, with the sample policy's routes (or only those to `only`). */
const invocationsOf = async (file: string, mode: 'dry-run' | 'enforce', only?: string): Promise<Invocation[]> => {
  const account = defaultSandbox();
  const routes = routesFor(samplePolicy).filter((r) => only === undefined || r.target === only);
  return runChain(loadSampleEvent(file), {
    handlers: localHandlers(account, { policy: samplePolicy, mode }),
    bus: account.bus,
    notifier: account.notifier,
    routes,
    ...SAMPLE_HUB,
  });
};

/** An invocation that answered `output` and published nothing. */
const answered = (output: unknown): Invocation => ({
  target: 'classify',
  route: 'secretsmanager-api-calls',
  bus: 'default',
  input: {},
  output,
  published: [],
  alerts: [],
});

const findingReport = (change: Partial<FindingReport> = {}): FindingReport => ({
  id: 'e-1/secret-deleted',
  rule: 'secret-deleted',
  severity: 'critical',
  reason: 'deleted by alice',
  secret: 'prod/crm/api-token',
  notes: [],
  actions: [],
  ...change,
});

const report = (change: Partial<EventReport> = {}): EventReport => ({
  event: 'f.json',
  matched: ['classify'],
  routes: ['default/secretsmanager-api-calls → classify'],
  findings: [],
  ...change,
});

describe('Function: buildReport', () => {
  it('reports the routes taken, the finding, its action and the alert sent', async () => {
    // Act
    const built = buildReport('f.json', await invocationsOf(DELETED_BY_DEVELOPER, 'dry-run'));

    // Assess
    expect(built.event).toBe('f.json');
    expect(built.matched).toStrictEqual(['classify', 'restore-secret', 'alert']);
    expect(built.routes).toStrictEqual([
      'default/secretsmanager-api-calls → classify',
      'project/restore-secret-findings → restore-secret',
      'project/alert-remediation-results → alert',
    ]);
    const [finding] = built.findings;
    expect(finding).toMatchObject({
      rule: 'secret-deleted',
      severity: 'critical',
      secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp',
      notes: [],
    });
    expect(finding?.actions).toMatchObject([
      {
        type: 'restore-secret',
        outcome: 'planned',
        account: '123456789012',
        region: 'us-east-1',
        state: { before: 'scheduled for deletion (marked 2026-11-24T10:15:00.000Z)', after: 'not scheduled for deletion' },
      },
    ]);
    expect(finding?.alert?.subject).toBe('[CRITICAL] secret-deleted: prod/crm/api-token (123456789012/us-east-1)');
    expect(finding?.alert).not.toHaveProperty('chatbot');
    expect(built).not.toHaveProperty('wrapped');
    expect(built).not.toHaveProperty('rejected');
  });

  it("adds the alert's Chatbot document and Slack message, rendered from what the alert function was given, when asked", async () => {
    // Prepare
    const invocations = await invocationsOf(DELETED_BY_DEVELOPER, 'enforce');
    const alertInput = invocations.find((i) => i.target === 'alert')?.input as { detail: RemediationResult };

    // Act
    const built = buildReport('f.json', invocations, true, { payloads: true });

    // Assess
    const { chatbot, slack } = renderFinding(alertInput.detail.finding, alertInput.detail.result, { chatbot: true });
    expect(built.findings[0]?.alert?.chatbot).toStrictEqual(chatbot);
    expect(built.findings[0]?.alert?.slack).toStrictEqual(slack);
    expect(built.wrapped).toBe(true);
  });

  it('says an action is pending, and no alert was sent, when its function reported nothing', async () => {
    // Act: the finding is published, but no rule takes it further.
    const built = buildReport('f.json', await invocationsOf(DELETED_BY_DEVELOPER, 'dry-run', 'classify'));

    // Assess
    expect(built.findings[0]?.actions).toStrictEqual([{ type: 'restore-secret', outcome: 'pending', reason: 'no result was reported' }]);
    expect(built.findings[0]).not.toHaveProperty('alert');
  });

  it('reports what the functions refused, ignored or found nothing in, redacted as every sink is', () => {
    // Prepare
    const invocations = [
      answered({ status: 'rejected', problems: [`detail.userAgent: bad ${KEY_ID}`] }),
      answered({ status: 'ignored', reason: `own role ${KEY_ID}` }),
      answered({ status: 'no-finding', reasons: ['rotation-disabled: an allowed admin did it'] }),
      answered(undefined),
    ];

    // Act
    const built = buildReport('f.json', invocations);

    // Assess
    expect(built.rejected).toStrictEqual(['detail.userAgent: bad [REDACTED AWS access key id]']);
    expect(built.ignored).toStrictEqual(['own role [REDACTED AWS access key id]']);
    expect(built.noFinding).toStrictEqual(['rotation-disabled: an allowed admin did it']);
    expect(built.matched).toStrictEqual(['classify']);
    expect(built.routes).toHaveLength(4);
  });

  it('shows the secret of a finding redacted, as every sink does', () => {
    // Prepare: a finding claimed on the project bus, with a key in its secret id.
    const finding = { id: 'f-1', rule: 'secret-deleted', severity: 'high', reason: 'r', notes: [], actions: [] };
    const published = [{ 'detail-type': 'Secret Finding', detail: { ...finding, secret: { id: `prod/${KEY_ID}` } } }];

    // Act
    const built = buildReport('f.json', [{ ...answered({ status: 'published' }), published } as unknown as Invocation]);

    // Assess
    expect(built.findings.map((f) => f.secret)).toStrictEqual(['prod/[REDACTED AWS access key id]']);
  });
});

describe('Function: formatReport', () => {
  it('says so when no rule matched, and that nothing was invoked', () => {
    expect(formatReport(report({ matched: [], routes: [] }))).toBe('━━ f.json\n  routed: no rule matches this event; nothing was invoked');
  });

  it('writes what was refused, ignored and found nothing in, and where a wrapped record and a log file came from', () => {
    // Act
    const text = formatReport(
      report({
        wrapped: true,
        source: 'CloudTrail log file: 3 records, 1 from Secrets Manager',
        rejected: ['detail: missing'],
        ignored: ['own role'],
        noFinding: ['no rule fired'],
      }),
    );

    // Assess
    expect(text.split('\n')).toStrictEqual([
      '━━ f.json  (bare CloudTrail record, wrapped in an EventBridge envelope)',
      '  routed: default/secretsmanager-api-calls → classify',
      '  source: CloudTrail log file: 3 records, 1 from Secrets Manager',
      '  REJECTED: detail: missing',
      '  ignored: own role',
      '  no finding: no rule fired',
    ]);
  });

  it("writes each finding, its notes, each action's state before and after, and says when no alert went out", () => {
    // Prepare
    const finding = findingReport({
      control: 'practice 7',
      notes: ['the ARN was redacted'],
      actions: [
        {
          type: 'restore-secret',
          outcome: 'planned',
          reason: 'dry run',
          account: '123456789012',
          state: { before: 'deleted', after: 'restored' },
        },
        { type: 'clear-stale-pending', outcome: 'applied', reason: 'cleared', before: { v1: ['AWSPENDING'] }, after: { v1: [] } },
      ],
    });

    // Act
    const text = formatReport(report({ findings: [finding] }));

    // Assess
    expect(text.split('\n').slice(2)).toStrictEqual([
      '  finding: secret-deleted (critical, practice 7) on prod/crm/api-token',
      '    why: deleted by alice',
      '    note: the ARN was redacted',
      '    action restore-secret: PLANNED in 123456789012/? — dry run',
      '      before: deleted',
      '      after:  restored (planned, not written)',
      '    action clear-stale-pending: APPLIED — cleared',
      '      before: v1 [AWSPENDING]',
      '      after:  v1 []',
      '    alert: none sent',
    ]);
  });

  it('frames the alert text, and each payload as pretty JSON, under the finding', () => {
    // Prepare
    const alert = { ...ALERT, body: 'line one\nline two\n\n', slack: { text: 't', blocks: [] } };

    // Act
    const text = formatReport(report({ findings: [findingReport({ alert })] }));

    // Assess
    expect(text.split('\n').slice(4)).toStrictEqual([
      `    alert: ${alertMessage.subject}`,
      '      │ line one',
      '      │ line two',
      '    slack (incoming webhook, Block Kit):',
      '      │ {',
      '      │   "text": "t",',
      '      │   "blocks": []',
      '      │ }',
    ]);
  });
});

describe('Function: formatReportLine', () => {
  it('says each finding, its actions and whether it alerted, in one line', () => {
    // Prepare
    const findings = [
      findingReport({ actions: [{ type: 'restore-secret', outcome: 'planned', reason: 'r' }], alert: ALERT }),
      findingReport({ id: 'e-1/unused', rule: 'unused', severity: 'low' }),
    ];

    // Act / Assess
    expect(formatReportLine(report({ findings }))).toBe(
      'f.json: secret-deleted e-1/secret-deleted (critical): restore-secret planned; alert yes | unused e-1/unused (low); alert no',
    );
  });

  it.each([
    ['rejected', report({ rejected: ['a', 'b'] }), 'f.json: REJECTED: a; b'],
    ['routed nowhere', report({ routes: [], matched: [] }), 'f.json: no rule matches'],
    ['found nothing', report(), 'f.json: no finding'],
    [
      'ignored, the same reason many times',
      report({ ignored: ['own role', 'own role', 'other', 'own role'] }),
      'f.json: no finding (ignored: own role (×3); other)',
    ],
  ])('says why nothing came of an event %s', (_case, input, line) => {
    expect(formatReportLine(input)).toBe(line);
  });
});

describe('Functions: summarize, formatSummary', () => {
  const planned = { type: 'restore-secret', outcome: 'planned', reason: 'r' } as const;

  it('counts events (a file of many as many), routed files, findings, actions by outcome, alerts, digests, messages and rejections', () => {
    // Prepare
    const reports = [
      report({ findings: [findingReport({ actions: [planned], alert: ALERT })] }),
      report({ events: 4, findings: [findingReport({ actions: [{ ...planned, outcome: 'pending' }] })] }),
      report({ matched: [], routes: [], rejected: ['bad'] }),
    ];
    const chatbot = { ...alertMessage, chatbot: { version: '1.0' } };

    // Act
    const summary = summarize(reports, 2, { topic: [alertMessage, chatbot, chatbot], slack: [{ text: 't', blocks: [] }] });

    // Assess
    expect(summary).toStrictEqual({
      events: 6,
      routed: 2,
      findings: 2,
      actions: { applied: 0, planned: 1, skipped: 0, blocked: 0, failed: 0, pending: 1 },
      alerts: 1,
      digests: 2,
      messages: { sns: 3, chatbot: 2, slack: 1 },
      rejected: 1,
    });
  });

  const summary = (change: Partial<ReplaySummary['actions']> = {}): ReplaySummary => ({
    events: 1,
    routed: 1,
    findings: 1,
    actions: { applied: 0, planned: 1, skipped: 0, blocked: 0, failed: 0, pending: 0, ...change },
    alerts: 1,
    digests: 0,
    messages: { sns: 1, chatbot: 0, slack: 0 },
    rejected: 0,
  });

  it('says the counts with their nouns, and what to do after a dry run that planned fixes', () => {
    expect(formatSummary(summary(), { mode: 'dry-run', live: false })).toBe(
      '1 event replayed against the sandbox account in dry-run mode: 1 routed, 1 finding, 1 action (0 applied, 1 planned, 0 skipped, 0 blocked, 0 failed); 1 alert, 0 digests; 0 rejected.\n' +
        'Dry run: no secret was changed. Run with --mode enforce to apply the planned fixes.',
    );
  });

  it('names pending actions only when there are some, the live account when live, and no advice in enforce mode', () => {
    expect(formatSummary(summary({ planned: 0, applied: 2, pending: 1 }), { mode: 'enforce', live: true })).toBe(
      '1 event replayed against the live account in enforce mode: 1 routed, 1 finding, 3 actions (2 applied, 0 planned, 0 skipped, 0 blocked, 0 failed, 1 pending); 1 alert, 0 digests; 0 rejected.',
    );
  });
});
