/** Replays one sample event through the real patterns and handlers against a sandbox account. */
import type { Mode } from '../../shared/contracts/finding.js';
import { runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { buildReport, type EventReport } from '../../shared/replay/report.js';
import { routesFor } from '../../shared/rules/routes.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { classifyContext } from './policy.js';

/** The hub of the sample world: the default seed's account and region. */
export const SAMPLE_HUB = { account: '123456789012', region: 'us-east-1' } as const;

export const replayEvent = async (event: unknown, account: SandboxAccount, mode: Mode, file = 'test-event'): Promise<EventReport> => {
  const invocations = await runChain(event, {
    handlers: localHandlers(account, { policy: classifyContext.policy, mode }),
    bus: account.bus,
    notifier: account.notifier,
    routes: routesFor(classifyContext.policy),
    // The sample policy is in organisation mode: replay as its hub, the seed's account and region, as `npm start` does.
    ...(classifyContext.policy.organisation.enabled ? SAMPLE_HUB : {}),
  });
  return buildReport(file, invocations);
};
