/**
 * clear-stale-pending: remove AWSPENDING from the version a failed rotation created and left it
 * on (rotation-failed: the version its token names), or from a version that has been pending longer than the rotation window
 * (stale-pending). Never from a version that also holds AWSCURRENT, never during a rotation in
 * progress (never make it worse).
 */
import { formatStages } from '../alerts/format.js';
import { PENDING, planClearStalePending } from '../domain/plan-clear-stale-pending.js';
import type { ActionDefinition } from './types.js';

export const clearStalePendingAction: ActionDefinition = {
  type: 'clear-stale-pending',
  permissions: ['secretsmanager:ListSecretVersionIds', 'secretsmanager:UpdateSecretVersionStage'],
  gather: async (secrets, secret) => ({ versions: await secrets.listVersions(secret.arn) }),
  describeState: (secret) => formatStages(secret.versions),
  plan: ({ finding, secret, now, gathered }) => {
    const plan = planClearStalePending(secret, {
      ...(finding.rule === 'rotation-failed' ? { failedAt: new Date(finding.event.time) } : {}),
      ...(finding.rule === 'rotation-failed' && finding.evidence.rotationToken ? { failedVersionId: finding.evidence.rotationToken } : {}),
      now,
      versions: gathered.versions ?? [],
    });
    if (plan.kind === 'leave') return plan;
    return {
      kind: 'change',
      reason: plan.reason,
      versionId: plan.versionId,
      before: secret.versions,
      expectedAfter: plan.expectedAfter,
      expectedState: formatStages(plan.expectedAfter),
      apply: (secrets) => secrets.removeStagingLabel({ secretId: secret.arn, label: PENDING, versionId: plan.versionId }),
      verify: (after) =>
        after.versions[plan.versionId]?.includes(PENDING) ? `${PENDING} was removed but is back on version ${plan.versionId}` : undefined,
    };
  },
};
