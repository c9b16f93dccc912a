/** Running an action through the real remediation use case against a sandbox account. */
import type { ActionDefinition } from '../../shared/actions/types.js';
import type { ActionResult, Finding, Mode } from '../../shared/contracts/finding.js';
import { remediate, type RemediationContext } from '../../shared/actions/runner.js';
import type { Policy } from '../../shared/policy/schema.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import { samplePolicy } from './policy.js';
import { fixedClock } from './sandbox.js';

export const remediationContext = (account: SandboxAccount, mode: Mode, policy: Policy = samplePolicy): RemediationContext => ({
  secrets: account.secrets,
  ledger: account.ledger,
  compliance: account.compliance,
  history: account.history,
  clock: fixedClock,
  policy,
  mode,
  // A Lambda action function's timeout: the claim holds while the invocation could still run.
  remainingMs: 30_000,
  // The sandbox seed's account, where the sample events happen.
  account: '123456789012',
  region: 'us-east-1',
});

/** The result of a first delivery; a duplicate here is a test bug. */
export const actionResult = async (
  action: ActionDefinition,
  account: SandboxAccount,
  finding: Finding,
  mode: Mode,
  policy: Policy = samplePolicy,
): Promise<ActionResult> => {
  const outcome = await remediate(action, finding, remediationContext(account, mode, policy));
  if (outcome.kind !== 'result') throw new Error('expected a result, not a duplicate');
  return outcome.result;
};
