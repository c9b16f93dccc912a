/**
 * Security Hub out, as the alert function runs it (real middy chain, in-memory ports): with
 * `securityHub.enabled`, every finding it sees goes to the Security Hub of the finding's own
 * account and Region as ASFF — open findings FAILED and ACTIVE, a repaired one PASSED and
 * ARCHIVED under the same Id — and what Security Hub refuses is reported, not retried.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { ConfigError, PermissionDeniedError, ThrottlingError } from '../../shared/errors.js';
import {
  type AlertHandlerPorts,
  type AlertHandlerSettings,
  type AlertOutcome,
  makeHandler as makeAlert,
} from '../../shared/handlers/alert.js';
import { captureMetrics, type RecordedMetric } from '../../shared/metrics.js';
import type { SecurityHubFor } from '../../shared/ports/security-hub.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import { RecordingSecurityHub } from '../../shared/sandbox/recording-security-hub.js';
import { asffIdOf } from '../../shared/securityhub/asff.js';
import { alertSettings, type FindingEvent, findingEventOf, resultEventFor } from '../helpers/alerts.js';

const VALUE_CHANGED = 'value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json';
const ROTATION_DISABLED = 'rotation-disabled/fires.CancelRotateSecret.authored.by-developer.json';
const MEMBER = '444455556666';

const settings = (change: Partial<AlertHandlerSettings> = {}): AlertHandlerSettings => ({
  alerts: alertSettings(),
  securityHub: { enabled: true },
  ...change,
});

const rig = (change: Partial<AlertHandlerSettings> = {}, securityHubFor?: SecurityHubFor) => {
  const securityHub = new RecordingSecurityHub();
  const notifier = new RecordingNotifier();
  const ports: AlertHandlerPorts = {
    notifier,
    ledger: new MemoryLedger(() => new Date('2026-11-25T12:01:00Z')),
    clock: { now: () => new Date('2026-11-25T12:01:00Z') },
    digest: new MemoryDigest(),
    securityHubFor: securityHubFor ?? securityHub.securityHubFor,
  };
  return { securityHub, notifier, alert: makeAlert(ports, settings(change)) };
};

const inAccount = (event: FindingEvent, account: string): FindingEvent => {
  const copy = structuredClone(event) as FindingEvent & { detail: Finding };
  const arn = `arn:aws:secretsmanager:${copy.detail.secret.region}:${account}:secret:prod/member/db-AbCdEf`;
  copy.detail = { ...copy.detail, secret: { ...copy.detail.secret, account, id: arn, arn } };
  return copy;
};

const applied: ActionResult = {
  type: 'enable-rotation',
  outcome: 'applied',
  mode: 'enforce',
  reason: 'rotation turned back on',
  account: '123456789012',
  region: 'us-east-1',
};
const planned: ActionResult = { ...applied, outcome: 'planned', mode: 'dry-run', reason: 'dry run: would enable rotation' };

const securityHubOf = (outcome: AlertOutcome) => (outcome.status === 'rejected' ? undefined : outcome.securityHub);

describe('Handler: alert, Security Hub out', () => {
  let metrics: RecordedMetric[];
  let stop: () => void;
  beforeEach(() => {
    metrics = [];
    stop = captureMetrics(metrics);
  });
  afterEach(() => stop());

  it("imports a finding that plans no action into its own account's Security Hub, FAILED and ACTIVE, besides the alert", async () => {
    const { securityHub, notifier, alert } = rig();
    const event = await findingEventOf(VALUE_CHANGED);

    const outcome = await alert(event, localContext('alert'));

    expect(outcome).toMatchObject({
      status: 'sent',
      securityHub: { status: 'imported', asffId: asffIdOf(event.detail), compliance: 'FAILED' },
    });
    expect(notifier.sent).toHaveLength(1);
    expect(securityHub.imported).toEqual([
      {
        target: { account: event.detail.secret.account, region: event.detail.secret.region },
        finding: expect.objectContaining({
          Id: asffIdOf(event.detail),
          RecordState: 'ACTIVE',
          Compliance: { Status: 'FAILED' },
          GeneratorId: 'secrets-remediator/value-changed-by-hand',
        }),
      },
    ]);
    expect(metrics).toContainEqual({ name: 'SecurityHubImports', unit: 'Count', value: 1, dimensions: { outcome: 'imported' } });
  });

  it("imports an action's result: open while planned, and the same Id PASSED and ARCHIVED once the repair is applied", async () => {
    const { securityHub, alert } = rig();
    // rotation-disabled plans enable-rotation: its result carries the alert.
    const template = await findingEventOf(ROTATION_DISABLED);

    await alert(resultEventFor(template, planned), localContext('alert'));
    await alert(resultEventFor(template, applied), localContext('alert'));

    const [open, repaired] = securityHub.imported.map((i) => i.finding);
    expect(open).toMatchObject({
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      ProductFields: expect.objectContaining({ 'secrets-remediator/outcome': 'planned' }),
    });
    expect(repaired).toMatchObject({
      Id: open?.Id,
      Compliance: { Status: 'PASSED' },
      RecordState: 'ARCHIVED',
      ProductFields: expect.objectContaining({ 'secrets-remediator/outcome': 'applied' }),
    });
  });

  it("with one account, writes nothing for a finding of another account (only that account's own Security Hub may take it), and still alerts", async () => {
    const { securityHub, notifier, alert } = rig();
    const event = inAccount(await findingEventOf(VALUE_CHANGED), MEMBER);

    const outcome = await alert(event, localContext('alert'));

    expect(outcome).toMatchObject({
      status: 'sent',
      securityHub: { status: 'not-writable', reason: expect.stringContaining(`account ${MEMBER}`) },
    });
    expect(securityHub.imported).toEqual([]);
    expect(notifier.sent).toHaveLength(1);
  });

  it("in organisation mode, imports a member's finding into that member's Security Hub", async () => {
    const { securityHub, alert } = rig({ organisation: true });
    const event = inAccount(await findingEventOf(VALUE_CHANGED), MEMBER);

    await alert(event, localContext('alert'));

    expect(securityHub.imported.map((i) => i.target)).toEqual([{ account: MEMBER, region: event.detail.secret.region }]);
  });

  it('reports a finding Security Hub refuses (logged and counted), without failing the invocation', async () => {
    const refusing: SecurityHubFor = () => ({
      importFindings: (findings) =>
        Promise.resolve({ imported: 0, refused: findings.map((f) => ({ id: f.Id, code: 'InvalidInput', message: 'bad' })) }),
    });
    const { alert } = rig({}, refusing);

    const outcome = await alert(await findingEventOf(VALUE_CHANGED), localContext('alert'));

    expect(securityHubOf(outcome)).toMatchObject({ status: 'refused', problems: ['InvalidInput: bad'] });
    expect(metrics).toContainEqual({ name: 'SecurityHubImports', unit: 'Count', value: 1, dimensions: { outcome: 'refused' } });
  });

  it('reports a Security Hub that is not enabled once, without a retry', async () => {
    const notEnabled: SecurityHubFor = () => ({
      importFindings: () => Promise.reject(new PermissionDeniedError('BatchImportFindings: InvalidAccessException: not subscribed')),
    });
    const { alert } = rig({}, notEnabled);

    const outcome = await alert(await findingEventOf(VALUE_CHANGED), localContext('alert'));

    expect(securityHubOf(outcome)).toMatchObject({ status: 'failed', reason: expect.stringContaining('not subscribed') });
  });

  it('fails the invocation when Security Hub throttles, and the retry imports the finding without alerting twice', async () => {
    let throttle = true;
    const recording = new RecordingSecurityHub();
    const flaky: SecurityHubFor = (target) => ({
      importFindings: (findings) =>
        throttle
          ? Promise.reject(new ThrottlingError('BatchImportFindings: TooManyRequestsException'))
          : recording.securityHubFor(target)!.importFindings(findings),
    });
    const { notifier, alert } = rig({}, flaky);
    const event = await findingEventOf(VALUE_CHANGED);

    await expect(alert(structuredClone(event), localContext('alert'))).rejects.toBeInstanceOf(ThrottlingError);
    throttle = false;
    const retried = await alert(structuredClone(event), localContext('alert'));

    expect(retried).toMatchObject({ status: 'duplicate', securityHub: { status: 'imported' } });
    expect(notifier.sent).toHaveLength(1);
    expect(recording.imported).toHaveLength(1);
  });

  it('imports nothing when the policy leaves Security Hub off', async () => {
    const { securityHub, alert } = rig({ securityHub: { enabled: false } });

    const outcome = await alert(await findingEventOf(VALUE_CHANGED), localContext('alert'));

    expect(securityHubOf(outcome)).toBeUndefined();
    expect(securityHub.imported).toEqual([]);
  });

  it('refuses to start with Security Hub on and no client to write with', () => {
    const build = () =>
      makeAlert(
        {
          notifier: new RecordingNotifier(),
          ledger: new MemoryLedger(() => new Date()),
          clock: { now: () => new Date() },
          digest: new MemoryDigest(),
        },
        settings(),
      );
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/securityHub\.enabled is on but the alert function has no Security Hub client/);
  });
});
