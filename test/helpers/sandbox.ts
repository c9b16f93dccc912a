/** Sandbox accounts for tests: the default seed, or one secret described inline. */
import { type SandboxAccount, loadAccountSeed, sandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { parseAccountSeed, type SecretSeed } from '../../shared/sandbox/seed.js';

export const FIXED_NOW = new Date('2026-11-25T12:00:00Z');
export const fixedClock = { now: () => FIXED_NOW };

export const defaultSandbox = (): SandboxAccount => sandboxAccount(loadAccountSeed(), fixedClock);

export const sandboxWith = (...secrets: SecretSeed[]): SandboxAccount =>
  sandboxAccount(parseAccountSeed({ secrets }, 'test seed'), fixedClock);

/** A sandbox holding `secrets`, whose CloudTrail event history (LookupEvents) answers with `records`. */
export const sandboxWithHistory = (records: readonly Record<string, unknown>[], ...secrets: SecretSeed[]): SandboxAccount =>
  sandboxAccount(parseAccountSeed({ secrets, cloudTrail: records }, 'test seed'), fixedClock);
