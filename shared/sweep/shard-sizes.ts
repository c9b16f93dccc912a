/**
 * The largest account-regions of the last organisation sweep, so that the next one starts them
 * first. An organisation takes as long as its slowest account-region, and that one can only finish
 * early if it starts early: the shards run up to the sweep's reserved concurrency and Lambda takes
 * the others roughly in the order they were published, so a shard of 500,000 secrets published
 * after a few thousand small ones would start only when they are done. The last shard of a run
 * records the largest account-regions (by secrets) with the organisation summary; the next
 * coordinator publishes those first, largest first, then the rest in their usual order (longest
 * job first: the classic schedule for a known set of jobs on parallel workers). The first run of
 * an organisation has no sizes yet, and publishes in the usual order.
 */
import * as z from '../contracts/zod.js';
import { claimKey } from '../ledger/keys.js';
import type { ShardFigures } from './coordinator-summary.js';
import { type RecordPorts, readRecord } from './ledger-records.js';

/** Account-regions remembered: the small ones need no head start, and the record stays a few KB. */
export const SIZES_KEPT = 100;

/** Longer than any schedule's interval is likely to be, so the next run finds them. */
const KEEP_MS = 35 * 24 * 3_600_000;

const ShardSizesSchema = z.object({
  runId: z.string(),
  shards: z.array(z.object({ account: z.string(), region: z.string(), secrets: z.int().check(z.minimum(0)) })),
});
export type ShardSizes = z.infer<typeof ShardSizesSchema>;

/**
 * Records the largest account-regions of `runId` (the shards read, by secrets, at most
 * {@link SIZES_KEPT}) for the next run's coordinator, in place of the previous run's.
 */
export const recordShardSizes = async ({ ledger, clock }: RecordPorts, runId: string, figures: readonly ShardFigures[]): Promise<void> => {
  const shards = figures
    .filter((f) => f.failed === undefined && f.secrets > 0)
    .sort((a, b) => b.secrets - a.secrets)
    .slice(0, SIZES_KEPT)
    .map(({ account, region, secrets }) => ({ account, region, secrets }));
  // `complete` writes the value whatever was there: the latest run's sizes replace the previous.
  await ledger.complete(
    claimKey.sweepOrgSizes(),
    JSON.stringify({ runId, shards } satisfies ShardSizes),
    new Date(clock.now().getTime() + KEEP_MS),
  );
};

/** The sizes the last run recorded, or undefined (none yet, or not readable as sizes: then no head start). */
export const readShardSizes = async (ports: RecordPorts): Promise<ShardSizes | undefined> => {
  const text = await readRecord(ports, claimKey.sweepOrgSizes());
  if (text === undefined) return undefined;
  try {
    const parsed = z.safeParse(ShardSizesSchema, JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/**
 * `targets` with those `sizes` names first, largest first, then the others in their own order.
 * Only the order changes: every target is kept, and none is added.
 */
export const largestFirst = <T extends { readonly account: string; readonly region: string }>(
  targets: readonly T[],
  sizes: ShardSizes | undefined,
): T[] => {
  if (!sizes || sizes.shards.length === 0) return [...targets];
  const secrets = new Map(sizes.shards.map((s) => [`${s.account}#${s.region}`, s.secrets]));
  const sizeOf = (t: T): number | undefined => secrets.get(`${t.account}#${t.region}`);
  const known = targets.filter((t) => sizeOf(t) !== undefined).sort((a, b) => (sizeOf(b) ?? 0) - (sizeOf(a) ?? 0));
  return [...known, ...targets.filter((t) => sizeOf(t) === undefined)];
};
