/**
 * sweep: a schedule or a "Sweep Continuation" in (shared/contracts/sweep-continuation.ts); the
 * sweep use case (shared/sweep/sweep-use-case.ts) reads the account until done or time is short.
 */
import { parseTrigger } from '../contracts/sweep-continuation.js';
import { baseChain } from '../middleware/base-chain.js';
import type { Rejected } from '../middleware/settle-errors.js';
import type { Policy } from '../policy/schema.js';
import { RESERVE_MILLIS, type SweepOutcome as Swept, type SweepPorts, sweepUseCase } from '../sweep/sweep-use-case.js';

export { SWEEP_CONTINUATION_DETAIL_TYPE } from '../contracts/sweep-continuation.js';
export type SweepOutcome = Swept | Rejected;

export const makeHandler = (ports: SweepPorts, settings: { readonly policy: Policy }) => {
  const sweep = sweepUseCase(ports, settings);
  return baseChain<SweepOutcome>().handler((raw, context) =>
    sweep(parseTrigger(raw), () => context.getRemainingTimeInMillis() < RESERVE_MILLIS, context.getRemainingTimeInMillis()),
  );
};
