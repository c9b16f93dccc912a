/** Replays one sample event through the real patterns and handlers against a sandbox account. */
import { makeHandler as makeAlert } from '../../functions/alert/make-handler.js';
import { makeHandler as makeClassify } from '../../functions/classify/make-handler.js';
import { makeHandler as makeClearStalePending } from '../../functions/clear-stale-pending/make-handler.js';
import { makeHandler as makeEnableRotation } from '../../functions/enable-rotation/make-handler.js';
import { makeHandler as makeRemovePublicStatements } from '../../functions/remove-public-statements/make-handler.js';
import { makeHandler as makeRestoreSecret } from '../../functions/restore-secret/make-handler.js';
import type { Mode } from '../../shared/contracts/finding.js';
import { runChain } from '../../shared/replay/chain.js';
import { buildReport, type EventReport } from '../../shared/replay/report.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { classifyContext } from './policy.js';

export const handlersFor = (account: SandboxAccount, mode: Mode) => ({
  classify: makeClassify(account, classifyContext),
  'clear-stale-pending': makeClearStalePending(account, { policy: classifyContext.policy, mode }),
  'enable-rotation': makeEnableRotation(account, { policy: classifyContext.policy, mode }),
  'restore-secret': makeRestoreSecret(account, { policy: classifyContext.policy, mode }),
  'remove-public-statements': makeRemovePublicStatements(account, { policy: classifyContext.policy, mode }),
  alert: makeAlert(account),
});

export const replayEvent = async (event: unknown, account: SandboxAccount, mode: Mode, file = 'test-event'): Promise<EventReport> => {
  const invocations = await runChain(event, { handlers: handlersFor(account, mode), bus: account.bus, notifier: account.notifier });
  return buildReport(file, invocations);
};
