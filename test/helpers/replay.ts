/** Replays one sample event through the real patterns and handlers against a sandbox account. */
import type { Mode } from '../../shared/contracts/finding.js';
import { runChain } from '../../shared/replay/chain.js';
import { localHandlers } from '../../shared/replay/handlers.js';
import { buildReport, type EventReport } from '../../shared/replay/report.js';
import { routesFor } from '../../shared/rules/routes.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { classifyContext } from './policy.js';

export const replayEvent = async (event: unknown, account: SandboxAccount, mode: Mode, file = 'test-event'): Promise<EventReport> => {
  const invocations = await runChain(event, {
    handlers: localHandlers(account, { policy: classifyContext.policy, mode }),
    bus: account.bus,
    notifier: account.notifier,
    routes: routesFor(classifyContext.policy),
  });
  return buildReport(file, invocations);
};
