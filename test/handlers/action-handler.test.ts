/**
 * The action handler, a real middy chain over the sandbox account: it acts on a finding that
 * plans its action and publishes the Remediation Result; bad input is answered `rejected` with
 * what is missing (so Lambda does not retry it) and changes nothing; transient AWS errors fail
 * the invocation so Lambda retries it; every decision is logged for the audit trail.
 */
import { describe, expect, it, vi } from 'vitest';
import { clearStalePendingAction } from '../../shared/actions/clear-stale-pending.js';
import { enableRotationAction } from '../../shared/actions/enable-rotation.js';
import { makeActionHandler } from '../../shared/handlers/action-handler.js';
import { TransientAwsError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { findingEventInItsAccount } from '../helpers/alerts.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

describe('Handler: clear-stale-pending', () => {
  it('acts on a finding and publishes its Remediation Result', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-failed/fires.RotationFailed.authored.set-secret.json');

    const outcome = await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(
      finding,
      localContext('classify'),
    );

    expect(outcome).toMatchObject({ status: 'applied', findingId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed' });
    expect(account.bus.published).toHaveLength(1);
    expect(account.bus.published[0]).toMatchObject({
      'detail-type': 'Remediation Result',
      detail: { finding: { id: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed' }, result: { outcome: 'applied', mode: 'enforce' } },
    });
  });

  it('rejects a finding whose detail is incomplete, naming the field, and writes nothing', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    delete (finding.detail as { secret?: unknown }).secret;
    const before = account.secrets.snapshot();

    const outcome = await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(
      finding,
      localContext('classify'),
    );

    expect(outcome).toEqual({ status: 'rejected', problems: ['detail.secret: missing (expected object)'] });
    expect(account.secrets.calls).toEqual([]);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.bus.published).toEqual([]);
  });

  it('ignores a finding that does not plan it', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    const outcome = await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(
      finding,
      localContext('classify'),
    );

    expect(outcome).toMatchObject({ status: 'ignored' });
    expect(account.secrets.calls).toEqual([]);
  });

  it('fails the invocation on throttling, leaving the secret as it was', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('describeSecret', new TransientAwsError('DescribeSecret: ThrottlingException'));
    const finding = await findingEventInItsAccount('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const before = account.secrets.snapshot();

    await expect(
      makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(finding, localContext('classify')),
    ).rejects.toThrow(TransientAwsError);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.bus.published).toEqual([]);
  });
});

describe('Handler: an action (audit trail)', () => {
  it('logs each decision with event, secret, rule, action, outcome and the principal that caused it', async () => {
    // Prepare
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const appendKeys = vi.spyOn(logger, 'appendKeys');
    const info = vi.spyOn(logger, 'info');

    // Act
    await makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' })(finding, localContext('classify'));

    // Assess
    expect(appendKeys).toHaveBeenCalledWith({
      eventId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03',
      findingId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed',
      ruleId: 'rotation-failed',
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op',
      action: 'clear-stale-pending',
    });
    expect(info).toHaveBeenCalledWith(
      'remediation finished',
      expect.objectContaining({
        outcome: 'applied',
        mode: 'enforce',
        principal: 'secretsmanager.amazonaws.com',
        principalKind: 'aws-service',
      }),
    );
    expect(account.bus.published.map((e) => e['detail-type'])).toEqual(['Remediation Result']);
  });

  it('reports a duplicate delivery once: the same result again, no second write', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const handler = makeActionHandler(clearStalePendingAction, account, { policy: samplePolicy, mode: 'enforce' });

    const first = await handler(finding, localContext('classify'));
    const second = await handler(structuredClone(finding), localContext('classify'));

    expect(first).toMatchObject({ status: 'applied' });
    expect(second).toEqual({ status: 'duplicate', findingId: '2d9f4e30-7f3c-4b20-9d65-3b8c4f9e0a03/rotation-failed' });
    expect(account.secrets.calls.filter((c) => c.operation === 'removeStagingLabel')).toHaveLength(1);
    expect(account.bus.published.map((e) => (e.detail as { result: { outcome: string } }).result.outcome)).toEqual(['applied', 'applied']);
  });

  it('needs the Config client only for an action that declares a Config rule', () => {
    const { compliance: _unused, ...withoutConfig } = defaultSandbox();

    expect(() => makeActionHandler(clearStalePendingAction, withoutConfig, { policy: samplePolicy, mode: 'enforce' })).not.toThrow();
    expect(() => makeActionHandler(enableRotationAction, withoutConfig, { policy: samplePolicy, mode: 'enforce' })).toThrow(
      /secretsmanager-rotation-enabled-check: wire a compliance port/,
    );
  });
});
