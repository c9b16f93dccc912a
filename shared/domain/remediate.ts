/**
 * The clear-stale-pending use case: look, decide, act, verify. Talks to ports only; every
 * expected failure becomes an honest outcome, and only transient AWS errors escape, so that
 * Lambda retries the whole invocation (the re-read makes a retry safe).
 */
import type { ActionResult, Finding, Mode } from '../contracts/finding.js';
import { InvalidSecretStateError, PermissionDeniedError, SecretNotFoundError } from '../errors.js';
import type { SecretState, SecretsPort } from '../ports/secrets.js';
import { PENDING, planClearStalePending } from './plan-clear-stale-pending.js';

export const clearStalePending = async (
  finding: Finding,
  secrets: SecretsPort,
  mode: Mode,
): Promise<ActionResult> => {
  const base = { type: 'clear-stale-pending', mode } as const;
  const settle = (error: unknown, before?: SecretState): ActionResult => {
    const outcome = settledOutcome(error);
    if (!outcome) throw error;
    return { ...base, ...outcome, ...(before ? { before: before.versions, after: before.versions } : {}) };
  };

  let secret: SecretState;
  try {
    secret = await secrets.describeSecret(finding.secret.id);
  } catch (error) {
    return settle(error);
  }

  const plan = planClearStalePending(secret, new Date(finding.event.time));
  if (plan.kind === 'leave') {
    return { ...base, outcome: 'skipped', reason: plan.reason, before: secret.versions, after: secret.versions };
  }
  const change = { versionId: plan.versionId, before: secret.versions };
  if (mode === 'dry-run') {
    return { ...base, ...change, outcome: 'planned', reason: `dry run: would clear ${PENDING}; ${plan.reason}`, after: plan.expectedAfter };
  }

  try {
    await secrets.removeStagingLabel({ secretId: secret.arn, label: PENDING, versionId: plan.versionId });
  } catch (error) {
    return { ...settle(error, secret), versionId: plan.versionId };
  }
  return { ...base, ...change, ...(await verify(secrets, secret.arn, plan.versionId, plan.reason)) };
};

/** Re-reads after the write: an applied fix is reported only when AWS shows it. */
const verify = async (
  secrets: SecretsPort,
  arn: string,
  versionId: string,
  reason: string,
): Promise<Pick<ActionResult, 'outcome' | 'reason' | 'after'>> => {
  try {
    const after = await secrets.describeSecret(arn);
    if (after.versions[versionId]?.includes(PENDING)) {
      return { outcome: 'failed', reason: `${PENDING} was removed but is back on version ${versionId}`, after: after.versions };
    }
    return { outcome: 'applied', reason: `cleared ${PENDING}: ${reason}`, after: after.versions };
  } catch (error) {
    // The write succeeded; a failed re-read must not turn it into a retry that reports "skipped".
    return { outcome: 'applied', reason: `cleared ${PENDING} (not verified: ${(error as Error).name}): ${reason}` };
  }
};

const settledOutcome = (error: unknown): Pick<ActionResult, 'outcome' | 'reason'> | undefined => {
  if (error instanceof SecretNotFoundError) return { outcome: 'skipped', reason: 'the secret no longer exists' };
  if (error instanceof InvalidSecretStateError) return { outcome: 'skipped', reason: `not in a state to change: ${error.message}` };
  if (error instanceof PermissionDeniedError) return { outcome: 'failed', reason: `access denied: ${error.message}` };
  return undefined;
};
