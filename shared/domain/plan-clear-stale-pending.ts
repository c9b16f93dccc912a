/**
 * Should AWSPENDING come off a version? Pure: the secret as re-read just now, its versions with
 * their creation dates, and what triggered the question, in; a decision out. The rules of
 * conduct: never from a version that also holds AWSCURRENT, never during a rotation
 * in progress — after a failure, only the version that failed rotation created (its token), or,
 * when the event names no token, a pending version not created after the failure; otherwise
 * only one older than the rotation window.
 */
import type { VersionStages } from '../contracts/finding.js';
import type { SecretState, SecretVersion } from '../ports/secrets.js';
import { epochSeconds } from '../time.js';

export const PENDING = 'AWSPENDING';
export const CURRENT = 'AWSCURRENT';

/**
 * How long a rotation may take before its AWSPENDING counts as stale. A rotation runs within
 * its window, at most 24 hours (RotationRules.Duration), retries included.
 */
export const ROTATION_WINDOW_HOURS = 24;

export interface StalePendingContext {
  /** When the rotation failed, for a rotation-failed finding; undefined for the stale-pending check. */
  readonly failedAt?: Date;
  /**
   * The version the failed rotation created: its ClientRequestToken, read from the event's
   * `requestID`. Undefined when the event carries none (redacted samples); the decision then
   * falls back to comparing dates.
   */
  readonly failedVersionId?: string;
  readonly now: Date;
  /** ListSecretVersionIds, for the pending version's creation date. */
  readonly versions: readonly SecretVersion[];
}

export type ClearPendingPlan =
  | { readonly kind: 'leave'; readonly reason: string }
  | { readonly kind: 'remove'; readonly versionId: string; readonly reason: string; readonly expectedAfter: VersionStages };

const HOUR = 3_600_000;

export const planClearStalePending = (secret: SecretState, context: StalePendingContext): ClearPendingPlan => {
  if (secret.deletedDate) {
    return { kind: 'leave', reason: 'the secret is scheduled for deletion; restore it before rotating again' };
  }
  const pending = Object.entries(secret.versions).find(([, stages]) => stages.includes(PENDING));
  if (!pending) return { kind: 'leave', reason: `no version holds ${PENDING}: nothing is left to clear` };
  const [versionId, stages] = pending;
  if (stages.includes(CURRENT)) {
    return { kind: 'leave', reason: `version ${versionId} holds both ${PENDING} and ${CURRENT}; it is never touched` };
  }
  const createdDate = context.versions.find((v) => v.versionId === versionId)?.createdDate;
  const remove = (why: string): ClearPendingPlan => ({
    kind: 'remove',
    versionId,
    reason: why,
    expectedAfter: withoutLabel(secret.versions, versionId, PENDING),
  });

  if (context.failedAt && context.failedVersionId) {
    // The token names the failed rotation's own version exactly: no date comparison to get wrong.
    if (versionId !== context.failedVersionId) {
      return {
        kind: 'leave',
        reason: `${PENDING} is on version ${versionId}, not on version ${context.failedVersionId} that the failed rotation created: it belongs to another rotation and is left alone (the sweep's stale-pending check clears it once it is older than the ${ROTATION_WINDOW_HOURS}-hour rotation window)`,
      };
    }
    return remove(
      `remove ${PENDING} from version ${versionId}: the failed rotation created it and left it there, and it blocks every later rotation`,
    );
  }
  if (context.failedAt) {
    // CloudTrail's `eventTime` has whole seconds and a version's `CreatedDate` milliseconds: a
    // version created at 04:10:00.412 for a failure logged at 04:10:00Z was not created after it.
    if (secret.lastRotatedDate && epochSeconds(secret.lastRotatedDate) > epochSeconds(context.failedAt)) {
      return {
        kind: 'leave',
        reason: `the secret rotated at ${secret.lastRotatedDate.toISOString()}, after the failure; ${PENDING} belongs to a later rotation`,
      };
    }
    if (createdDate && epochSeconds(createdDate) > epochSeconds(context.failedAt)) {
      return {
        kind: 'leave',
        reason: `version ${versionId} was created at ${createdDate.toISOString()}, after the failure: a rotation is in progress`,
      };
    }
    return remove(`remove ${PENDING} from version ${versionId}: the failed rotation left it there, and it blocks every later rotation`);
  }
  if (!createdDate) {
    return {
      kind: 'leave',
      reason: `the creation date of version ${versionId} is unknown: cannot tell a stale ${PENDING} from a rotation in progress`,
    };
  }
  const ageHours = (context.now.getTime() - createdDate.getTime()) / HOUR;
  if (ageHours <= ROTATION_WINDOW_HOURS) {
    return {
      kind: 'leave',
      reason: `version ${versionId} has been pending for ${ageHours.toFixed(1)} hours, within the rotation window: a rotation may be in progress`,
    };
  }
  return remove(
    `remove ${PENDING} from version ${versionId}: it has been pending for ${Math.floor(ageHours / 24)} days, past the ${ROTATION_WINDOW_HOURS}-hour rotation window, and it blocks every later rotation`,
  );
};

/**
 * The stages after taking `label` off `versionId`. A version left without labels drops out,
 * as in DescribeSecret's `VersionIdsToStages`.
 */
export const withoutLabel = (versions: VersionStages, versionId: string, label: string): VersionStages =>
  Object.fromEntries(
    Object.entries(versions)
      .map(([id, stages]): [string, string[]] => [id, id === versionId ? stages.filter((s) => s !== label) : stages])
      .filter(([, stages]) => stages.length > 0),
  );
