/**
 * restore-secret: cancel the scheduled deletion of a secret (secret-deleted) or of one that is
 * still in use (deleted-secret-in-use). Restore only what can be restored: never a
 * secret deleted without recovery. A deletion by an allowed admin of an unprotected secret is
 * left alone by the runner's guard, not here.
 */
import type { ActionDefinition, ActionPlan } from './types.js';

export const restoreSecretAction: ActionDefinition = {
  type: 'restore-secret',
  permissions: ['secretsmanager:RestoreSecret'],
  describeState: (secret) => (secret.deletedDate ? `scheduled for deletion (marked ${secret.deletedDate.toISOString()})` : 'not scheduled for deletion'),
  plan: ({ finding, secret }): ActionPlan => {
    if (finding.evidence.forceDeleteWithoutRecovery === true) return { kind: 'refuse', reason: 'deleted without recovery: it cannot be restored' };
    const { deletedDate } = secret;
    if (!deletedDate) return { kind: 'leave', reason: 'not scheduled for deletion any more' };

    // On secret-deleted the actor deleted the secret; on deleted-secret-in-use the actor is the one still reading it.
    const who = finding.rule === 'secret-deleted' ? `by ${finding.actor.principal}` : `and still read by ${finding.actor.principal}`;
    const { deletionDate, recoveryWindowInDays } = finding.evidence;
    const details = [
      ...(deletionDate ? [`to be deleted for good on ${deletionDate}`] : []),
      ...(recoveryWindowInDays !== undefined ? [`recovery window: ${recoveryWindowInDays} days`] : []),
    ];
    return {
      kind: 'change',
      reason: `restore ${secret.name}: marked for deletion ${deletedDate.toISOString()} ${who}`,
      expectedState: 'not scheduled for deletion',
      ...(details.length > 0 ? { details } : {}),
      apply: (secrets) => secrets.restoreSecret(secret.arn),
      verify: (after) =>
        after.deletedDate ? `RestoreSecret succeeded, but DescribeSecret still shows it scheduled for deletion (${after.deletedDate.toISOString()})` : undefined,
    };
  },
};
