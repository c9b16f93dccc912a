/**
 * clear-stale-pending through the real runner on the sandbox account: AWSPENDING comes off the
 * version a failed rotation left it on (the one its token names) or off a version pending longer
 * than the rotation window (the sweep's stale-pending), never off another, and the read-back must
 * show it gone.
 */
import { describe, expect, it, vi } from 'vitest';
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import type { ActionResult, Finding, Mode } from '../../shared/contracts/finding.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { findingFromRecord, sweepFindingOn } from '../helpers/records.js';
import { actionResult } from '../helpers/remediation.js';
import { defaultSandbox, fixedClock, sandboxWith } from '../helpers/sandbox.js';

const PAYMENTS = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
/** The version the sample's failed rotation created (its token), pending in the default sandbox. */
const STALE = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003';
const CURRENT = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0001';
const PREVIOUS = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002';

/** rotation-failed: the rotation of prod/payments/db failed at setSecret on 2026-11-22T02:47:31Z, its token STALE. */
const failedRotation = (): Finding => findingFromRecord('rotation-failed/fires.RotationFailed.authored.set-secret.json', 'rotation-failed');

const run = (account: SandboxAccount, finding: Finding, mode: Mode): Promise<ActionResult> =>
  actionResult(clearStalePendingAction, account, finding, mode);

describe('Action: clear-stale-pending', () => {
  it('needs exactly ListSecretVersionIds and UpdateSecretVersionStage, and no Config rule covers it', () => {
    // Prepare
    const { type, permissions, configRule } = clearStalePendingAction;

    // Act
    const declared = { type, permissions, configRule };

    // Assess
    expect(declared).toEqual({
      type: 'clear-stale-pending',
      permissions: ['secretsmanager:ListSecretVersionIds', 'secretsmanager:UpdateSecretVersionStage'],
      configRule: undefined,
    });
  });

  it("removes AWSPENDING from the failed rotation's version only, and states the version stages before and after", async () => {
    // Prepare
    const account = defaultSandbox();

    // Act
    const result = await run(account, failedRotation(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      versionId: STALE,
      state: {
        before: `${CURRENT} [AWSCURRENT]; ${PREVIOUS} [AWSPREVIOUS]; ${STALE} [AWSPENDING]`,
        after: `${CURRENT} [AWSCURRENT]; ${PREVIOUS} [AWSPREVIOUS]`,
      },
    });
    expect(account.secrets.calls.filter((call) => call.operation === 'removeStagingLabel')).toMatchObject([
      { operation: 'removeStagingLabel', secretId: PAYMENTS },
    ]);
    expect(account.secrets.versionsOf(PAYMENTS)).toEqual({ [CURRENT]: ['AWSCURRENT'], [PREVIOUS]: ['AWSPREVIOUS'] });
  });

  it("leaves AWSPENDING on a version other than the failed rotation's, though it was created before the failure", async () => {
    // Prepare: the pending version is not the one the failed rotation's token names.
    const account = sandboxWith({
      name: 'prod/payments/db',
      arn: PAYMENTS,
      versions: { [CURRENT]: ['AWSCURRENT'], 'another-rotation': ['AWSPENDING'] },
      versionCreatedDates: { 'another-rotation': '2026-11-22T02:40:00Z' },
    });

    // Act
    const result = await run(account, failedRotation(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'skipped',
      reason: `AWSPENDING is on version another-rotation, not on version ${STALE} that the failed rotation created: it belongs to another rotation and is left alone (the sweep's stale-pending check clears it once it is older than the 24-hour rotation window)`,
    });
    expect(account.secrets.versionsOf(PAYMENTS)).toEqual({ [CURRENT]: ['AWSCURRENT'], 'another-rotation': ['AWSPENDING'] });
  });

  it.each([
    // The version the sweep found is still there, three days pending.
    [3 * 24, 'applied', STALE],
    // Someone cleared it since, and the rotation they started two hours ago is still at work.
    [2, 'skipped', '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0004'],
  ])('on a stale-pending finding (the sweep), clears a version pending for %i hours: %s', async (hours, outcome, pending) => {
    // Prepare: the sweep found version STALE pending for three days.
    const pendingFor = (versionId: string, age: number) =>
      sandboxWith({
        name: 'prod/payments/db',
        arn: PAYMENTS,
        versions: { a: ['AWSCURRENT'], [versionId]: ['AWSPENDING'] },
        versionCreatedDates: { [versionId]: new Date(fixedClock.now().getTime() - age * 3_600_000).toISOString() },
      });
    const finding = await sweepFindingOn(pendingFor(STALE, 3 * 24), PAYMENTS, 'stale-pending');
    const account = pendingFor(pending, hours);

    // Act
    const result = await run(account, finding, 'enforce');

    // Assess
    expect(finding.id).toBe(`sweep/2026-11-25/stale-pending/${PAYMENTS}`);
    expect(result.outcome).toBe(outcome);
    expect(account.secrets.versionsOf(PAYMENTS)?.[pending]).toEqual(outcome === 'applied' ? undefined : ['AWSPENDING']);
  });

  it('reports failed when AWS accepts UpdateSecretVersionStage but the version still holds AWSPENDING', async () => {
    // Prepare
    const account = defaultSandbox();
    vi.spyOn(account.secrets, 'removeStagingLabel').mockResolvedValue(undefined);

    // Act
    const result = await run(account, failedRotation(), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: `applied, but not verified: AWSPENDING was removed but is back on version ${STALE}`,
    });
  });
});
