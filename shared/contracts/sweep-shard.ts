/**
 * "Sweep Shard": one account and region of an organisation sweep, published on the project bus by
 * the sweep's coordinator (one per account-region in scope) and taken by the sweep function,
 * which sweeps that account-region through the member's read role. Like every event on the bus
 * it is a claim, not evidence: the function re-checks the scope and takes the run's clock from
 * the ledger entry the coordinator wrote, never from the event.
 */
import * as z from './zod.js';

export const SWEEP_SHARD_DETAIL_TYPE = 'Sweep Shard';

/** A 12-digit AWS account id. */
const AccountIdSchema = z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id'));
/** A region name as AWS spells them (`eu-west-1`, `us-gov-west-1`). */
const RegionSchema = z.string().check(z.regex(/^[a-z]{2,}(-[a-z]+)+-\d+$/, 'expected a region name such as eu-west-1'));

/** Which shard of which organisation run: what a "Sweep Shard" carries, and a shard's continuation with it. */
export const SweepShardSchema = z.strictObject({
  /** The organisation run (the coordinator's run id). */
  runId: z.string().check(z.regex(/^sweep-[\w-]{1,80}$/, 'expected a sweep run id')),
  account: AccountIdSchema,
  region: RegionSchema,
});
export type SweepShard = z.infer<typeof SweepShardSchema>;

/** The run id of one shard's own sweep: `<organisation run>-<account>-<region>`, unique per shard. */
export const shardRunId = (shard: SweepShard): string => `${shard.runId}-${shard.account}-${shard.region}`;
