/**
 * sweep: a schedule or a "Sweep Continuation" in (shared/contracts/sweep-continuation.ts); the
 * sweep use case (shared/sweep/sweep-use-case.ts) reads the account until done or time is short.
 */
import { parseTrigger } from '../contracts/sweep-continuation.js';
import { baseChain } from '../middleware/base-chain.js';
import type { Rejected } from '../middleware/settle-errors.js';
import type { Policy } from '../policy/schema.js';
import type { MemberTarget } from '../ports/member-access.js';
import type { OrganisationAccountsPort } from '../ports/organisation-accounts.js';
import type { SecretCountsPort } from '../ports/secret-counts.js';
import { secretCountsThroughMembers } from '../sweep/census.js';
import { sweepReadsThroughMembers } from '../sweep/coordinator-shards.js';
import type { SweepReads } from '../sweep/run-sweep.js';
import {
  type OrganisationSweepPorts,
  RESERVE_MILLIS,
  type SweepOutcome as Swept,
  type SweepPorts,
  sweepUseCase,
} from '../sweep/sweep-use-case.js';

export { SWEEP_CONTINUATION_DETAIL_TYPE } from '../contracts/sweep-continuation.js';
export type SweepOutcome = Swept | Rejected;

export const makeHandler = (ports: SweepPorts, settings: { readonly policy: Policy }) => {
  const sweep = sweepUseCase(ports, settings);
  return baseChain<SweepOutcome>().handler((raw, context) =>
    sweep(parseTrigger(raw), () => context.getRemainingTimeInMillis() < RESERVE_MILLIS, context.getRemainingTimeInMillis()),
  );
};

/**
 * The organisation sweep's ports from the raw ones (the organisation's accounts, a member's reads
 * by target, the secret counts by target): each shard reads its account-region, and the census
 * counts it, through the member read role of `stage`.
 */
export const organisationSweepOf = (
  settings: { readonly policy: Pick<Policy, 'organisation'>; readonly stage: string },
  raw: {
    readonly accounts: OrganisationAccountsPort;
    readonly memberReads: (target: MemberTarget) => Promise<SweepReads>;
    /** The secret counts for the first run's census; absent: no census. */
    readonly secretCounts?: SecretCountsPort;
  },
): OrganisationSweepPorts => ({
  accounts: raw.accounts,
  readsFor: sweepReadsThroughMembers(settings.policy.organisation, settings.stage, raw.memberReads),
  ...(raw.secretCounts ? { secretCounts: secretCountsThroughMembers(settings.policy.organisation, settings.stage, raw.secretCounts) } : {}),
});
