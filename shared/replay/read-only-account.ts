/**
 * The account as `replay --from-cloudtrail` sees it: the real Secrets Manager for reads only,
 * everything else in this process. Dry run already plans instead of acting; this makes "nothing
 * is written" hold even if a code path forgot the mode: a write reaching Secrets Manager throws,
 * the bus and the topic only record (nothing is forwarded), the ledger lives in memory and
 * Config is never called.
 */
import { type Clock, systemClock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import type { SecretsPort } from '../ports/secrets.js';
import { MemoryLedger, RecordingCompliance } from '../sandbox/memory-ledger.js';
import { RecordingBus } from '../sandbox/recording-bus.js';
import { RecordingNotifier } from '../sandbox/recording-notifier.js';

/** A write was attempted through the read-only Secrets Manager of a history replay. */
export class WriteRefusedError extends Error {
  public constructor(operation: string) {
    super(`${operation}: refused, this replay reads the account and never writes to it`);
    this.name = 'WriteRefusedError';
  }
}

const refuse = (operation: string) => async (): Promise<never> => Promise.reject(new WriteRefusedError(operation));

/**
 * `secrets` with every write replaced by a refusal. Typed as the whole port, so a write method
 * added to it later fails to compile here until someone decides it is refused too.
 */
export const readOnlySecrets = (secrets: SecretsPort): SecretsPort => ({
  describeSecret: (secretId) => secrets.describeSecret(secretId),
  listVersions: (secretId) => secrets.listVersions(secretId),
  getResourcePolicy: (secretId) => secrets.getResourcePolicy(secretId),
  listSecrets: (request) => secrets.listSecrets(request),
  removeStagingLabel: refuse('UpdateSecretVersionStage'),
  enableRotation: refuse('RotateSecret'),
  restoreSecret: refuse('RestoreSecret'),
  putResourcePolicy: refuse('PutResourcePolicy'),
  deleteResourcePolicy: refuse('DeleteResourcePolicy'),
});

/** Every port for a history replay: `secrets` read-only, the rest recording in memory. */
export const readOnlyAccount = (
  secrets: SecretsPort,
  where: { account: string; region: string },
  clock: Clock = systemClock,
): Ports & { bus: RecordingBus; notifier: RecordingNotifier; ledger: MemoryLedger; compliance: RecordingCompliance } => ({
  secrets: readOnlySecrets(secrets),
  bus: new RecordingBus(where, clock),
  notifier: new RecordingNotifier(),
  ledger: new MemoryLedger(() => clock.now()),
  compliance: new RecordingCompliance(),
  clock,
});
