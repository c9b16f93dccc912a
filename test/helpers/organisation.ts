/** An organisation for the sweep's tests: a policy with organisation mode on, and member accounts in the sandbox. */
import type { Policy } from '../../shared/policy/schema.js';
import { type SandboxAccount, sandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { parseAccountSeed, type SecretSeed } from '../../shared/sandbox/seed.js';
import { samplePolicy } from './policy.js';
import { fixedClock } from './sandbox.js';

export const HUB = { account: '123456789012', region: 'us-east-1' } as const;

/** The sample policy with organisation mode on and `organisation` changed as given. */
export const organisationPolicy = (
  organisation: Partial<Omit<Policy['organisation'], 'members'>> & { members?: Partial<Policy['organisation']['members']> } = {},
): Policy => ({
  ...samplePolicy,
  organisation: {
    ...samplePolicy.organisation,
    enabled: true,
    organizationId: 'o-a1b2c3d4e5',
    regions: ['us-east-1', 'eu-west-1'],
    ...organisation,
    members: { organizationalUnits: [], accounts: [], exclude: [], ...organisation.members },
  },
});

/** A member account-region of the sandbox holding `secrets` (their ARNs name that account and region). */
export const memberAccount = (account: string, region: string, ...secrets: SecretSeed[]): SandboxAccount =>
  sandboxAccount(parseAccountSeed({ account, region, secrets }, `member ${account}/${region}`), fixedClock);
