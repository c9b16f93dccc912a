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
const DAY_MS = 86_400_000;

/**
 * A secret that passes every check at FIXED_NOW (rotated two days ago, on a customer managed
 * key) unless it was last read `lastReadDaysAgo` days ago: a year makes it unused.
 */
export const rotatedSecret = (name: string, version: string, lastReadDaysAgo: number): SecretSeed => ({
  name,
  createdDate: new Date(FIXED_NOW.getTime() - 400 * DAY_MS).toISOString(),
  lastAccessedDate: new Date(FIXED_NOW.getTime() - lastReadDaysAgo * DAY_MS).toISOString().slice(0, 10) + 'T00:00:00Z',
  rotationEnabled: true,
  rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
  lastRotatedDate: new Date(FIXED_NOW.getTime() - 2 * DAY_MS).toISOString(),
  nextRotationDate: new Date(FIXED_NOW.getTime() + 20 * DAY_MS).toISOString(),
  kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  versions: { [version]: ['AWSCURRENT'] },
});
