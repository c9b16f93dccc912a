/** The clear-stale-pending use case on the sandbox account: look, decide, act, verify, report honestly. */
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import type { Finding } from '../../shared/contracts/finding.js';
import { classify } from '../../shared/domain/classify.js';
import { classifyContext } from '../helpers/policy.js';
import { clearStalePending } from '../../shared/domain/remediate.js';
import { InvalidSecretStateError, PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
import { loadSampleEvent } from '../helpers/events.js';
import { defaultSandbox } from '../helpers/sandbox.js';

const PAYMENTS = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
const STALE = '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0003';

const paymentsFinding = (): Finding => {
  const result = classify(parseClassifiableEvent(loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json')), classifyContext);
  if (result.kind !== 'findings' || !result.findings[0]) throw new Error('sample must classify');
  return result.findings[0];
};

describe('Use case: clearStalePending', () => {
  it('in enforce mode removes AWSPENDING, verifies it, and reports before and after', async () => {
    // Prepare
    const account = defaultSandbox();
    const before = account.secrets.versionsOf(PAYMENTS);

    // Act
    const result = await clearStalePending(paymentsFinding(), account.secrets, 'enforce');

    // Assess
    expect(before?.[STALE]).toEqual(['AWSPENDING']);
    expect(account.secrets.versionsOf(PAYMENTS)).toEqual({
      '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0001': ['AWSCURRENT'],
      '0a1b2c3d-aaaa-4bbb-8ccc-ddddeeee0002': ['AWSPREVIOUS'],
    });
    expect(result).toMatchObject({ type: 'clear-stale-pending', outcome: 'applied', mode: 'enforce', versionId: STALE, before, after: account.secrets.versionsOf(PAYMENTS) });
    expect(account.secrets.calls.map((c) => c.operation)).toEqual(['describeSecret', 'removeStagingLabel', 'describeSecret']);
  });

  it('in dry-run mode plans the same change and writes nothing', async () => {
    const account = defaultSandbox();
    const before = account.secrets.snapshot();

    const result = await clearStalePending(paymentsFinding(), account.secrets, 'dry-run');

    expect(result).toMatchObject({ outcome: 'planned', mode: 'dry-run', versionId: STALE });
    expect(result.after).not.toHaveProperty(STALE);
    expect(account.secrets.snapshot()).toEqual(before);
    expect(account.secrets.calls.map((c) => c.operation)).toEqual(['describeSecret']);
  });

  it('skips a secret that no longer exists', async () => {
    const account = defaultSandbox();
    const finding = { ...paymentsFinding(), secret: { ...paymentsFinding().secret, id: `${PAYMENTS}-gone` } };

    const result = await clearStalePending(finding, account.secrets, 'enforce');

    expect(result).toEqual({ type: 'clear-stale-pending', mode: 'enforce', outcome: 'skipped', reason: 'the secret no longer exists' });
  });

  it('reports failed, not applied, when the write is denied, and nothing changes', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('removeStagingLabel', new PermissionDeniedError('UpdateSecretVersionStage: AccessDeniedException: not allowed'));
    const before = account.secrets.snapshot();

    const result = await clearStalePending(paymentsFinding(), account.secrets, 'enforce');

    expect(result).toMatchObject({ outcome: 'failed', versionId: STALE, reason: expect.stringContaining('access denied') });
    expect(result.after).toEqual(result.before);
    expect(account.secrets.snapshot()).toEqual(before);
  });

  it('reports skipped when the secret changed state between the read and the write', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('removeStagingLabel', new InvalidSecretStateError('UpdateSecretVersionStage: InvalidRequestException: marked for deletion'));

    const result = await clearStalePending(paymentsFinding(), account.secrets, 'enforce');

    expect(result).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('marked for deletion') });
  });

  it('lets throttling escape so that Lambda retries the whole invocation', async () => {
    const account = defaultSandbox();
    account.secrets.failNext('describeSecret', new TransientAwsError('DescribeSecret: ThrottlingException: rate exceeded'));

    await expect(clearStalePending(paymentsFinding(), account.secrets, 'enforce')).rejects.toThrow(TransientAwsError);
    expect(account.secrets.versionsOf(PAYMENTS)?.[STALE]).toEqual(['AWSPENDING']);
  });

  it('is safe to retry: a second run after an applied fix is skipped', async () => {
    const account = defaultSandbox();
    await clearStalePending(paymentsFinding(), account.secrets, 'enforce');

    const again = await clearStalePending(paymentsFinding(), account.secrets, 'enforce');

    expect(again).toMatchObject({ outcome: 'skipped', reason: 'no version holds AWSPENDING: nothing is left to clear' });
  });

  it('still reports applied when only the verifying re-read fails', async () => {
    const account = defaultSandbox();
    const secrets = account.secrets;
    let reads = 0;
    const flaky = {
      describeSecret: async (id: string) => {
        reads += 1;
        if (reads === 2) throw new TransientAwsError('DescribeSecret: ThrottlingException');
        return secrets.describeSecret(id);
      },
      removeStagingLabel: secrets.removeStagingLabel.bind(secrets),
    };

    const result = await clearStalePending(paymentsFinding(), flaky, 'enforce');

    expect(result).toMatchObject({ outcome: 'applied', reason: expect.stringContaining('not verified: TransientAwsError') });
    expect(secrets.versionsOf(PAYMENTS)).not.toHaveProperty(STALE);
  });
});
