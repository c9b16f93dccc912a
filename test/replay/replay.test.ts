/**
 * Every sample in events/ replayed as AWS would chain it: the default-bus rule, classify, the
 * project-bus rules, the action, the alert — real patterns, real handlers, sandbox account.
 */
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../shared/contracts/finding.js';
import { loadEvent } from '../../shared/replay/load-events.js';
import { eventsDir, loadSampleEvent, sampleEventFiles } from '../helpers/events.js';
import { replayEvent } from '../helpers/replay.js';
import { defaultSandbox } from '../helpers/sandbox.js';
import { join } from 'node:path';

const FULL_CHAIN = ['classify', 'clear-stale-pending', 'alert'];

interface Expectation {
  readonly file: string;
  readonly matched: readonly string[];
  readonly rule?: string;
  readonly secret?: string;
  /** The action's outcome in enforce and in dry-run mode; undefined when no action is planned. */
  readonly outcome?: { readonly enforce: string; readonly 'dry-run': string };
  /** The version that loses AWSPENDING in enforce mode. */
  readonly cleared?: string;
}

const expectations: readonly Expectation[] = [
  {
    file: 'rotation-failed/fires.RotationFailed.published-umccr.json',
    matched: FULL_CHAIN,
    rule: 'rotation-failed',
    secret: 'IcaSecretsPortal',
    outcome: { enforce: 'applied', 'dry-run': 'planned' },
    cleared: '9d4e6f80-1a2b-4c3d-8e4f-5a6b7c8d9e03',
  },
  {
    file: 'rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json',
    matched: ['classify', 'alert'],
    rule: 'rotation-succeeded',
    secret: 'Appuser-pyodbc',
  },
  {
    file: 'rotation-failed/fires.RotationAbandoned.authored.json',
    matched: FULL_CHAIN,
    rule: 'rotation-failed',
    secret: 'prod/orders/db-admin',
    outcome: { enforce: 'applied', 'dry-run': 'planned' },
    cleared: 'c0ffee00-1111-4222-8333-444455556602',
  },
  {
    file: 'rotation-failed/fires.TestRotationFailed.authored.pending-is-current.json',
    matched: FULL_CHAIN,
    rule: 'rotation-failed',
    secret: 'staging/reporting/readonly',
    outcome: { enforce: 'skipped', 'dry-run': 'skipped' },
  },
  {
    file: 'rotation-failed/fires.RotationFailed.authored.set-secret.json',
    matched: FULL_CHAIN,
    rule: 'rotation-failed',
    secret: 'prod/payments/db',
    outcome: { enforce: 'applied', 'dry-run': 'planned' },
    cleared: '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003',
  },
  {
    file: 'rotation-failed/fires.RotationFailed.authored.secret-gone.json',
    matched: FULL_CHAIN,
    rule: 'rotation-failed',
    outcome: { enforce: 'skipped', 'dry-run': 'skipped' },
  },
  { file: 'rotation-failed/silent.RotationFailed.authored.as-api-call.json', matched: [] },
];

const cases = (['enforce', 'dry-run'] as const).flatMap((mode) => expectations.map((e) => [e.file, mode, e] as const));

describe('Replay: the rotation-failure path', () => {
  it('has an expectation for every rotation sample in events/', () => {
    expect(expectations.map((e) => e.file).sort()).toEqual(
      sampleEventFiles().filter((f) => /^rotation-(failed|succeeded)\/fires\.|as-api-call/.test(f)),
    );
  });

  it.each(cases)('%s in %s mode', async (file, mode: Mode, expected) => {
    // Prepare
    const account = defaultSandbox();
    const loaded = loadEvent(join(eventsDir, file));
    if (!loaded.event.ok) throw new Error(loaded.event.problem);
    const before = account.secrets.snapshot();

    // Act
    const report = await replayEvent(loaded.event.value, account, mode, file);

    // Assess: routing, the finding, one alert per finding, and the sandbox state.
    expect(report.matched).toEqual(expected.matched);
    expect(report.findings.map((f) => f.rule)).toEqual(expected.rule ? [expected.rule] : []);
    expect(account.notifier.sent).toHaveLength(report.findings.length);
    for (const finding of report.findings) {
      expect(finding.alert?.subject).toMatch(new RegExp(`^\\[${finding.severity.toUpperCase()}\\] ${finding.rule}: `));
      expect(finding.actions.map((a) => a.outcome)).toEqual(expected.outcome ? [expected.outcome[mode]] : []);
    }
    const after = account.secrets.snapshot();
    if (mode === 'enforce' && expected.cleared && expected.secret) {
      expect(before[expected.secret]?.versions[expected.cleared]).toEqual(['AWSPENDING']);
      expect(after[expected.secret]?.versions).not.toHaveProperty(expected.cleared);
      expect(Object.values(after[expected.secret]?.versions ?? {}).flat()).not.toContain('AWSPENDING');
      expect({ ...after, [expected.secret]: before[expected.secret] }).toEqual(before);
    } else {
      expect(after).toEqual(before);
    }
  });

  it('a RotationFailed leaves no stale AWSPENDING and sends one alert that names the step', async () => {
    const account = defaultSandbox();

    const report = await replayEvent(loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'), account, 'enforce');

    expect(
      Object.values(account.secrets.snapshot().IcaSecretsPortal?.versions ?? {})
        .flat()
        .sort(),
    ).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    expect(account.notifier.sent).toHaveLength(1);
    expect(account.notifier.sent[0]?.body).toContain('Failing step: createSecret');
    expect(account.notifier.sent[0]?.body).toContain('clear-stale-pending: applied');
    expect(report.findings[0]?.actions[0]).toMatchObject({ type: 'clear-stale-pending', outcome: 'applied' });
  });

  it('a RotationSucceeded changes nothing and sends one info alert', async () => {
    const account = defaultSandbox();
    const before = account.secrets.snapshot();

    await replayEvent(loadSampleEvent('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json'), account, 'enforce');

    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.secrets.calls).toEqual([]);
    expect(account.notifier.sent.map((m) => m.attributes.severity)).toEqual(['info']);
  });

  it('an API-call event does not match the service-event rule, and no rule wants RotationFailed as an API call', async () => {
    const account = defaultSandbox();

    const report = await replayEvent(
      loadSampleEvent('rotation-failed/silent.RotationFailed.authored.as-api-call.json'),
      account,
      'enforce',
    );

    expect(report.routes).toEqual([]);
    expect(account.bus.published).toEqual([]);
    expect(account.notifier.sent).toEqual([]);
  });

  it('a rotation event that names no secret is rejected by classify, changes nothing and alerts nobody', async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent<{ detail: Record<string, unknown> }>('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    event.detail.additionalEventData = null;
    const before = account.secrets.snapshot();

    const report = await replayEvent(event, account, 'enforce');

    expect(report.matched).toEqual(['classify']);
    expect(report.rejected).toEqual([expect.stringMatching(/^AWS Service Event via CloudTrail RotationFailed: names no secret/)]);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.bus.published).toEqual([]);
    expect(account.notifier.sent).toEqual([]);
  });

  it('the same event delivered twice yields one action and one alert', async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json');

    const first = await replayEvent(event, account, 'enforce');
    const second = await replayEvent(event, account, 'enforce');

    expect(first.findings[0]?.actions[0]?.outcome).toBe('applied');
    expect(account.secrets.calls.filter((c) => c.operation === 'removeStagingLabel')).toHaveLength(1);
    expect(account.notifier.sent).toHaveLength(1);
    // The redelivery reports the first result again (in case its publish was lost); alert sends nothing new.
    expect(second.findings[0]?.actions[0]?.outcome).toBe('applied');
  });

  it("the service's own resulting CloudTrail event, replayed back, is not acted on", async () => {
    const account = defaultSandbox();
    await replayEvent(loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json'), account, 'enforce');
    const writesBefore = account.secrets.calls.length;

    const echo = await replayEvent(
      loadSampleEvent('value-changed-by-hand/silent.UpdateSecretVersionStage.authored.by-this-service.json'),
      account,
      'enforce',
    );

    expect(echo.ignored).toEqual([expect.stringContaining("caused by this service's own role")]);
    expect(account.secrets.calls.length).toBe(writesBefore);
    expect(account.notifier.sent).toHaveLength(1);
  });
});
