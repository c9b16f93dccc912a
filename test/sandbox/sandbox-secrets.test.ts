/**
 * The sandbox's Secrets Manager, beyond the SecretsPort contract it keeps with the SDK adapter
 * (test/contract/secrets-port.contract.test.ts): the hooks tests use to make it fail like AWS,
 * and to see what was called.
 */
import { describe, expect, it } from 'vitest';
import { InvalidSecretStateError, PermissionDeniedError, TransientAwsError } from '../../shared/errors.js';
import { ARN, CURRENT, NAME, paymentsDb, paymentsDbState, PENDING, UNKNOWN_ARN } from '../helpers/payments-db.js';
import { sandboxWith } from '../helpers/sandbox.js';
import { settle } from '../helpers/settle.js';

describe('Class: SandboxSecrets', () => {
  it('fails exactly the next call queued with failNext, then works again', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const throttled = new TransientAwsError('x');
    secrets.failNext('describeSecret', throttled);

    // Act
    const first = await settle(secrets.describeSecret(ARN));
    const second = await settle(secrets.describeSecret(ARN));

    // Assess
    expect(first).toStrictEqual({ error: throttled });
    expect(second).toStrictEqual({ value: paymentsDbState });
  });

  it('fails only the operation named in failNext', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    secrets.failNext('removeStagingLabel', new TransientAwsError('x'));

    // Act
    const described = await settle(secrets.describeSecret(ARN));

    // Assess
    expect(described).toStrictEqual({ value: paymentsDbState });
  });

  it('fails queued failures in order, one call each', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const throttled = new TransientAwsError('throttled');
    const denied = new PermissionDeniedError('denied');
    secrets.failNext('describeSecret', throttled).failNext('describeSecret', denied);

    // Act
    const outcomes = [
      await settle(secrets.describeSecret(ARN)),
      await settle(secrets.describeSecret(ARN)),
      await settle(secrets.describeSecret(ARN)),
    ];

    // Assess
    expect(outcomes).toStrictEqual([{ error: throttled }, { error: denied }, { value: paymentsDbState }]);
  });

  it('records every call in calls, including the ones that failed', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    secrets.failNext('describeSecret', new TransientAwsError('x'));
    expect(secrets.calls).toStrictEqual([]);

    // Act
    await settle(secrets.describeSecret(NAME));
    await secrets.describeSecret(ARN);
    await secrets.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: PENDING });
    await settle(secrets.describeSecret(UNKNOWN_ARN));

    // Assess
    expect(secrets.calls).toStrictEqual([
      { operation: 'describeSecret', secretId: NAME },
      { operation: 'describeSecret', secretId: ARN },
      { operation: 'removeStagingLabel', secretId: ARN },
      { operation: 'describeSecret', secretId: UNKNOWN_ARN },
    ]);
  });

  it('leaves the state unchanged when a removal is refused', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const before = secrets.versionsOf(ARN);
    expect(before).toStrictEqual(paymentsDb.versions);

    // Act
    const outcome = await settle(secrets.removeStagingLabel({ secretId: ARN, label: 'AWSPENDING', versionId: CURRENT }));

    // Assess
    expect(outcome.error).toBeInstanceOf(InvalidSecretStateError);
    expect(secrets.versionsOf(ARN)).toStrictEqual(before);
  });

  it('returns a copy of the versions, so a caller cannot change the stored secret', async () => {
    // Prepare
    const { secrets } = sandboxWith(paymentsDb);
    const state = await secrets.describeSecret(ARN);

    // Act
    state.versions[CURRENT]?.push('MUTATED');

    // Assess
    expect(secrets.versionsOf(ARN)).toStrictEqual(paymentsDb.versions);
  });
});
