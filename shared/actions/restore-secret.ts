/**
 * restore-secret: cancel the scheduled deletion of a secret (secret-deleted) or of one that is
 * still in use (deleted-secret-in-use). Restore only what can be restored: never a
 * secret deleted without recovery. A deletion by an allowed admin of an unprotected secret is
 * left alone: on secret-deleted by the runner's guard (the finding's actor is the deleter); on
 * deleted-secret-in-use here, since the finding's actor is only a reader — who deleted the
 * secret is asked of CloudTrail's event history at action time, never taken from the finding.
 */
import { lookUpDeletion, type DeletionLookup } from '../domain/deletion-author.js';
import type { Finding } from '../contracts/finding.js';
import type { SecretState } from '../ports/secrets.js';
import type { ActionDefinition, ActionPlan, Gathered, GatherContext } from './types.js';

/** What a person runs to restore it by hand. */
const restoreByHand = (secret: SecretState): string =>
  `\`aws secretsmanager restore-secret --secret-id ${secret.arn} --region ${secret.arn.split(':')[3] ?? ''}\``;

/**
 * On a read of a deleted secret that is not protected: who deleted it, from CloudTrail (the only
 * fact that decides, so it is the only one looked up). The tag makes the deleter irrelevant.
 */
const gatherDeletion = async (secret: SecretState, { finding, policy, history }: GatherContext): Promise<Gathered> => {
  if (finding.rule !== 'deleted-secret-in-use' || !secret.deletedDate || secret.tags[policy.protectedTag] !== undefined) return {};
  const deletion: DeletionLookup = history
    ? await lookUpDeletion(history, { arn: secret.arn, name: secret.name, deletedDate: secret.deletedDate }, policy)
    : { kind: 'unknown', reason: "this function has no access to CloudTrail's event history" };
  return { deletion };
};

/**
 * deleted-secret-in-use: restore unless an allowed admin deleted it on purpose (and it is not
 * protected), or who deleted it cannot be told — then leave the deletion alone and say why, for
 * the alert (the rule's severity, high) to name the reader and the admin.
 */
const judgeReadOfDeleted = (
  finding: Finding,
  secret: SecretState,
  gathered: Gathered,
  protectedTag: string,
): { leave: string } | { who: string } => {
  const reader = finding.actor.principal;
  if (secret.tags[protectedTag] !== undefined) return { who: `and still read by ${reader}; it carries the protected tag ${protectedTag}` };
  const deletion = gathered.deletion ?? { kind: 'unknown', reason: 'who deleted it was not looked up' };
  if (deletion.kind === 'unknown') {
    return {
      leave:
        `left the deletion alone: could not tell who deleted it (${deletion.reason}); ${reader} still reads it. ` +
        `Restore by hand with ${restoreByHand(secret)} if the deletion was not intended`,
    };
  }
  const { actor, eventTime } = deletion.author;
  if (actor.isAllowedAdmin) {
    return {
      leave:
        `left the deletion alone: ${actor.principal} (${actor.kind}), an allowed admin, deleted it at ${eventTime}, and ${reader} still reads it. ` +
        `Ask them whether it still must go; if not, restore it with ${restoreByHand(secret)}`,
    };
  }
  return { who: `by ${actor.principal} (${actor.kind}, not an allowed admin) at ${eventTime}, and still read by ${reader}` };
};

export const restoreSecretAction: ActionDefinition = {
  type: 'restore-secret',
  // LookupEvents: who deleted a secret that is still read (see gatherDeletion).
  permissions: ['secretsmanager:RestoreSecret', 'cloudtrail:LookupEvents'],
  gather: (_secrets, secret, context) => gatherDeletion(secret, context),
  describeState: (secret) =>
    secret.deletedDate ? `scheduled for deletion (marked ${secret.deletedDate.toISOString()})` : 'not scheduled for deletion',
  plan: ({ finding, secret, policy, gathered }): ActionPlan => {
    if (finding.evidence.forceDeleteWithoutRecovery === true)
      return { kind: 'refuse', reason: 'deleted without recovery: it cannot be restored' };
    const { deletedDate } = secret;
    if (!deletedDate) return { kind: 'leave', reason: 'not scheduled for deletion any more' };

    // On secret-deleted the actor deleted the secret; on deleted-secret-in-use the actor is the one still reading it.
    let who = `by ${finding.actor.principal}`;
    if (finding.rule === 'deleted-secret-in-use') {
      const judged = judgeReadOfDeleted(finding, secret, gathered, policy.protectedTag);
      if ('leave' in judged) return { kind: 'leave', reason: judged.leave };
      who = judged.who;
    }
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
        after.deletedDate
          ? `RestoreSecret succeeded, but DescribeSecret still shows it scheduled for deletion (${after.deletedDate.toISOString()})`
          : undefined,
    };
  },
};
