/**
 * The in-memory sandbox account: every port, no network. Used by `npm start` and the tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import { MemoryCloudTrailHistory } from './memory-cloudtrail-history.js';
import { MemoryLedger, RecordingCompliance } from './memory-ledger.js';
import { RecordingBus } from './recording-bus.js';
import { RecordingChat } from './recording-chat.js';
import { RecordingNotifier } from './recording-notifier.js';
import { RecordingSecurityHub } from './recording-security-hub.js';
import { SandboxMemberAccess } from './sandbox-member-access.js';
import { SandboxSecrets } from './sandbox-secrets.js';
import { type AccountSeed, parseAccountSeed } from './seed.js';

export const DEFAULT_SEED_FILE = fileURLToPath(new URL('./default-account.json', import.meta.url));

export interface SandboxAccount extends Ports {
  readonly secrets: SandboxSecrets;
  readonly bus: RecordingBus;
  readonly notifier: RecordingNotifier;
  /** Slack, when the policy turns it on. */
  readonly chat: RecordingChat;
  readonly ledger: MemoryLedger;
  readonly compliance: RecordingCompliance;
  /** CloudTrail's event history: the seed's `cloudTrail` records. */
  readonly history: MemoryCloudTrailHistory;
  /** What the alert function imported into Security Hub, when the policy turns it on. */
  readonly securityHub: RecordingSecurityHub;
  /** The member roles (organisation mode): views of `secrets` per account and region. */
  readonly members: SandboxMemberAccess;
}

export const sandboxAccount = (seed: AccountSeed, clock: Clock = { now: () => new Date() }): SandboxAccount => {
  const secrets = new SandboxSecrets(seed, () => clock.now());
  return {
    secrets,
    members: new SandboxMemberAccess(secrets),
    bus: new RecordingBus(seed, clock),
    notifier: new RecordingNotifier(),
    chat: new RecordingChat(),
    ledger: new MemoryLedger(() => clock.now()),
    compliance: new RecordingCompliance(),
    history: new MemoryCloudTrailHistory(seed.cloudTrail),
    securityHub: new RecordingSecurityHub(),
    clock,
  };
};

/** Reads and validates a seed file (JSON); the default one holds the secrets `events/` names. */
export const loadAccountSeed = (file: string = DEFAULT_SEED_FILE): AccountSeed => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(
      `${file}: cannot read the account seed (${reason}); give --account a JSON seed file like shared/sandbox/default-account.json`,
      {
        cause: error,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not JSON (${(error as Error).message})`, { cause: error });
  }
  return parseAccountSeed(value, file);
};
