/**
 * Every sample in events/<rule id>/ replayed through the real patterns and handlers against the
 * sandbox, under the sample policy: `fires.*` must raise that rule's finding, `silent.*` must
 * not. One alert per finding, nothing rejected, nothing changed in dry-run mode.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../../shared/errors.js';
import { loadEvent } from '../../shared/replay/load-events.js';
import { eventsDir, sampleEventFiles } from '../helpers/events.js';
import { replayEvent } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const samples = sampleEventFiles().map((file) => {
  const [ruleId = '', name = ''] = file.split('/');
  return { file, ruleId, expectation: name.startsWith('fires.') ? 'fires' : name.startsWith('silent.') ? 'silent' : 'unnamed' };
});

describe('Replay: the rule catalogue', () => {
  it('names every sample fires.* or silent.* under its rule folder', () => {
    expect(samples.filter((s) => s.expectation === 'unnamed').map((s) => s.file)).toEqual([]);
  });

  it.each(samples.map((s) => [s.file, s] as const))('%s', async (file, sample) => {
    // Prepare
    const account = defaultSandbox();
    const loaded = loadEvent(join(eventsDir, file));
    if (!loaded.event.ok) throw new Error(loaded.event.problem);
    const before = account.secrets.snapshot();

    // Act
    const report = await replayEvent(loaded.event.value, account, 'dry-run', file);

    // Assess
    const rules = report.findings.map((f) => f.rule);
    if (sample.expectation === 'fires') expect(rules).toContain(sample.ruleId);
    else expect(rules).not.toContain(sample.ruleId);
    expect(report.rejected).toBeUndefined();
    expect(account.notifier.sent).toHaveLength(report.findings.length);
    for (const finding of report.findings) {
      expect(finding.alert?.subject).toMatch(new RegExp(`^\\[${finding.severity.toUpperCase()}\\] ${finding.rule}: `));
      expect(finding.reason.length).toBeGreaterThan(10);
    }
    expect(account.secrets.snapshot()).toEqual(before);
  });
});

describe('Replay: bad input to the catalogue', () => {
  it('rejects a PutResourcePolicy whose policy cannot be read, naming the problem, and acts on nothing', async () => {
    // Prepare
    const account = defaultSandbox();
    const loaded = loadEvent(join(eventsDir, 'policy-public/fires.PutResourcePolicy.authored.public.json'));
    if (!loaded.event.ok) throw new Error(loaded.event.problem);
    const event = loaded.event.value as { detail: { requestParameters: Record<string, unknown> } };
    event.detail.requestParameters.resourcePolicy = '{"Version": "2012-10-17", "Statement": [';

    // Act
    const report = await replayEvent(event, account, 'enforce');

    // Assess
    expect(report.rejected).toEqual([expect.stringMatching(/^detail\.requestParameters\.resourcePolicy: not valid JSON/)]);
    expect(report.findings).toEqual([]);
    expect(account.bus.published).toEqual([]);
    expect(account.notifier.sent).toEqual([]);
  });

  it('judges a deletion from the event alone when the secret state cannot be read', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('describeSecret', new PermissionDeniedError('DescribeSecret: AccessDeniedException: not allowed'));
    const loaded = loadEvent(join(eventsDir, 'secret-deleted/fires.DeleteSecret.authored.by-developer.json'));
    if (!loaded.event.ok) throw new Error(loaded.event.problem);

    const report = await replayEvent(loaded.event.value, account, 'enforce');

    expect(report.findings.map((f) => f.rule)).toEqual(['secret-deleted']);
    // classify's one read was denied; the restore-secret action that follows reads for itself.
    expect(account.secrets.calls[0]?.operation).toBe('describeSecret');
  });
});

describe('Replay: actions in both modes', () => {
  const actionCases = [
    [
      'rotation-disabled/fires.CancelRotateSecret.authored.by-developer.json',
      'enable-rotation',
      'applied',
      /^rotation on, function .*payments-db-rotation, rate\(30 days\)$/,
    ],
    ['rotation-missing/fires.NON_COMPLIANT.authored.rotation-enabled-check.json', 'enable-rotation', 'blocked', /^rotation off$/],
    ['secret-deleted/fires.DeleteSecret.authored.by-developer.json', 'restore-secret', 'applied', /^not scheduled for deletion$/],
    ['secret-deleted/fires.DeleteSecret.authored.protected-by-admin.json', 'restore-secret', 'applied', /^not scheduled for deletion$/],
    [
      'deleted-secret-in-use/fires.GetSecretValue.authored.marked-for-deletion.json',
      'restore-secret',
      'applied',
      /^not scheduled for deletion$/,
    ],
    [
      'policy-public/fires.PutResourcePolicy.authored.public.json',
      'remove-public-statements',
      'applied',
      /^resource policy with 1 statement: AllowGatewayRole$/,
    ],
    ['rotation-failed/fires.RotationFailed.authored.set-secret.json', 'clear-stale-pending', 'applied', /AWSCURRENT.*AWSPREVIOUS\]$/],
  ] as const;

  it.each(actionCases)('%s: %s is %s in enforce mode, and only planned in dry run', async (file, action, outcome, stateAfter) => {
    // Prepare
    const loaded = loadEvent(join(eventsDir, file));
    if (!loaded.event.ok) throw new Error(loaded.event.problem);
    const enforced = defaultSandbox();
    const dryRun = defaultSandbox();
    const before = dryRun.secrets.snapshot();

    // Act
    const enforceReport = await replayEvent(loaded.event.value, enforced, 'enforce', file);
    const dryRunReport = await replayEvent(loaded.event.value, dryRun, 'dry-run', file);

    // Assess
    const enforcedAction = enforceReport.findings.flatMap((f) => f.actions).find((a) => a.type === action);
    const plannedAction = dryRunReport.findings.flatMap((f) => f.actions).find((a) => a.type === action);
    expect(enforcedAction).toMatchObject({ outcome });
    expect(enforcedAction?.state?.after).toMatch(stateAfter);
    expect(plannedAction?.outcome).toBe(outcome === 'applied' ? 'planned' : outcome);
    expect(dryRun.secrets.snapshot()).toEqual(before);
    expect(enforced.notifier.sent).toHaveLength(enforceReport.findings.length);
  });

  it('really changes the sandbox in enforce mode: rotation on, secret restored, public statement gone', async () => {
    const account = defaultSandbox();
    const replay = async (file: string) => {
      const loaded = loadEvent(join(eventsDir, file));
      if (!loaded.event.ok) throw new Error(loaded.event.problem);
      return replayEvent(loaded.event.value, account, 'enforce', file);
    };

    await replay('rotation-disabled/fires.CancelRotateSecret.authored.by-developer.json');
    await replay('secret-deleted/fires.DeleteSecret.authored.by-developer.json');
    await replay('policy-public/fires.PutResourcePolicy.authored.public.json');

    expect(await account.secrets.describeSecret('prod/payments/db')).toMatchObject({
      rotationEnabled: true,
      rotationSchedule: 'rate(30 days)',
    });
    expect((await account.secrets.describeSecret('prod/crm/api-token')).deletedDate).toBeUndefined();
    expect(JSON.parse((await account.secrets.getResourcePolicy('prod/shared/api-gateway-key')) ?? '{}')).toMatchObject({
      Statement: [{ Sid: 'AllowGatewayRole' }],
    });
    expect(account.compliance.reevaluated).toEqual([['secretsmanager-rotation-enabled-check']]);
  });
});
