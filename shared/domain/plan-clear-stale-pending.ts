/**
 * Should AWSPENDING come off a version after a failed rotation? Pure: the secret as re-read
 * just now and the time of the failure in, a decision out. The rules of conduct (DESIGN §4):
 * never during a rotation that succeeded or is newer than the failure, never from a version that
 * also holds AWSCURRENT.
 */
import type { VersionStages } from '../contracts/finding.js';
import type { SecretState } from '../ports/secrets.js';

export const PENDING = 'AWSPENDING';
export const CURRENT = 'AWSCURRENT';

export type ClearPendingPlan =
  | { readonly kind: 'leave'; readonly reason: string }
  | {
      readonly kind: 'remove';
      readonly versionId: string;
      readonly reason: string;
      readonly expectedAfter: VersionStages;
    };

export const planClearStalePending = (secret: SecretState, failedAt: Date): ClearPendingPlan => {
  if (secret.deletedDate) {
    return { kind: 'leave', reason: 'the secret is scheduled for deletion; restore it before rotating again' };
  }
  const pending = Object.entries(secret.versions).find(([, stages]) => stages.includes(PENDING));
  if (!pending) {
    return { kind: 'leave', reason: `no version holds ${PENDING}: nothing is left to clear` };
  }
  const [versionId, stages] = pending;
  if (stages.includes(CURRENT)) {
    return { kind: 'leave', reason: `version ${versionId} holds both ${PENDING} and ${CURRENT}; it is never touched` };
  }
  if (secret.lastRotatedDate && secret.lastRotatedDate.getTime() > failedAt.getTime()) {
    // A rotation finished after the failure, so this AWSPENDING belongs to a later attempt.
    return {
      kind: 'leave',
      reason: `the secret rotated at ${secret.lastRotatedDate.toISOString()}, after the failure; ${PENDING} belongs to a later rotation`,
    };
  }
  return {
    kind: 'remove',
    versionId,
    reason: `version ${versionId} holds ${PENDING} left by the failed rotation; it blocks every later rotation`,
    expectedAfter: withoutLabel(secret.versions, versionId, PENDING),
  };
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
