/**
 * alert-digest: on a schedule (every minute), the digest flush (shared/alerts/digest-flush.ts)
 * sends the digest of every storm window that has closed, within the invocation's time.
 */
import { type DigestOutcome, type DigestPorts, digestFlushUseCase, type DigestUseCaseSettings } from '../alerts/digest-flush.js';
import { countingFailures, recordDigest, recordDigestOutcome } from '../metrics.js';
import { baseChain } from '../middleware/base-chain.js';

export type { DigestOutcome, DigestPorts } from '../alerts/digest-flush.js';

export const makeHandler = (ports: DigestPorts, settings: DigestUseCaseSettings) => {
  const flushClosedWindows = digestFlushUseCase(ports, settings);
  return baseChain<DigestOutcome>().handler(async (_event, context) => {
    const outcome = await countingFailures(recordDigest, () => flushClosedWindows(() => context.getRemainingTimeInMillis()));
    recordDigestOutcome(outcome);
    return outcome;
  });
};
