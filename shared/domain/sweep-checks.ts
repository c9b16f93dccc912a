/**
 * The sweep's checks (the rules triggered by the sweep): one pure function per
 * sweep rule, over what ListSecrets already says about a secret. Each check belongs to its rule's
 * sweep trigger in the catalogue (`catalogue.ts`), so a sweep rule is declared in one place. A check passes,
 * fails (with a reason on-call can check against the dates, and the evidence), or asks for a
 * closer look — one per-secret read, ListSecretVersionIds or GetResourcePolicy — and hands over
 * the pure second stage that decides from its answer. Only two checks ever ask, and only for the
 * secrets that need it: a compliant secret costs no call beyond its share of a ListSecrets page.
 *
 * Decisions, in one place (tests: test/domain/sweep-checks.test.ts):
 *
 * - **Days are UTC calendar days.** `LastAccessedDate` is kept as a date (midnight UTC), so
 *   "not accessed for N days" can only be judged by day; every day threshold (unusedDays,
 *   rotation.maxAgeDays, rotation.gracePeriodDays) counts the same way, so a verdict does not
 *   depend on the hour the sweep runs and matches the finding id, which is per UTC day.
 *   `daysBetween` counts the midnights from one date to the other.
 * - **Exactly N days is still compliant; N + 1 fails.** AWS Config's `secretsmanager-secret-unused`
 *   (Security Hub SecretsManager.3) takes `unusedForDays` as "the number of days in which a
 *   secret can remain unused", and `secretsmanager-secret-periodic-rotation` (SecretsManager.4)
 *   fails a secret "not rotated for more than maxDaysSinceRotation days". The grace period
 *   reads the same way: rotation may stay off for `gracePeriodDays` days after creation.
 * - **Never accessed counts from creation; never rotated counts from creation.** When the
 *   listing has no `CreatedDate` (AWS always sends it; seeds and mocks may not),
 *   `LastChangedDate` stands in as a lower bound of the age — the secret is at least that old —
 *   so a finding made from it is still true; the finding notes it. With neither, a check that
 *   needs the age passes and says it could not tell: no evidence, no finding.
 * - **rotation-overdue** fires when rotation is on and `NextRotationDate` is before now
 *   (SecretsManager.2: the scheduled rotation did not happen; exactly now is not yet late), or
 *   when the last rotation — else the creation — is more than `rotation.maxAgeDays` days back
 *   (SecretsManager.4). One finding per secret; when both hold it names SecretsManager.2, the
 *   sharper signal (a rotation is failing), and its reason says both. A secret with rotation
 *   off and an old value gets rotation-missing and rotation-overdue, as Security Hub fails
 *   SecretsManager.1 and .4 for it.
 * - **rotation-missing** fires only after the grace period from creation, so a secret being set
 *   up is not flagged on its first day.
 * - **default-kms-key**: see `judgeKmsKey` (kms-key.ts, shared with the event path).
 * - **A secret scheduled for deletion gets only scheduled-for-deletion**: it cannot be read,
 *   rotated or re-encrypted until restored, so every other check passes it and says why.
 * - **Secrets another service owns** (`OwningService`, e.g. RDS) are not judged `unused`: their
 *   lifecycle belongs to that service (they cannot be deleted on their own, and many are read
 *   only by it). Every other check applies; enable-rotation turns on managed rotation for them.
 * - **Exemption**: a secret carrying the policy's exemption tag (any value) is not judged at
 *   all (`isExempt`; `inspectSecret` counts it as exempt). An explicit exemption is a decision
 *   someone took: a daily sweep that alerts on it every day would teach on-call to ignore the
 *   sweep. Event findings about exempt secrets still alert, and their actions are blocked, as
 *   before (an exemption made on purpose is not re-alerted every day).
 */
import type { Evidence } from '../contracts/finding.js';
import { AWS_MANAGED_KEY_ALIAS, judgeKmsKey } from './kms-key.js';
import { CURRENT, PENDING, planClearStalePending, ROTATION_WINDOW_HOURS } from './plan-clear-stale-pending.js';
import { matchesGlob } from '../policy/glob.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState, SecretVersion } from '../ports/secrets.js';

export interface CheckContext {
  readonly policy: Policy;
  /** The moment the sweep judges against (one per run, so a run is consistent). */
  readonly now: Date;
}

/** A check's verdict: compliant (and why), or a finding's reason and evidence. */
export type Decided =
  | { readonly kind: 'pass'; readonly reason: string }
  | {
      readonly kind: 'fail';
      /** Words on-call can check: what is wrong, with the dates compared and the policy field. */
      readonly reason: string;
      readonly evidence: Evidence;
      /** The Security Hub control, when it is not the rule's own (rotation-overdue: SecretsManager.2). */
      readonly control?: string;
      /** What the check had to assume (a stand-in date), for the finding's notes. */
      readonly notes?: readonly string[];
    };

/** The listing cannot tell: one per-secret read, and the pure second stage that decides from its answer. */
export type CloserLook =
  | { readonly kind: 'closer-look'; readonly look: 'versions'; readonly decide: (versions: readonly SecretVersion[]) => Decided }
  | { readonly kind: 'closer-look'; readonly look: 'resource-policy'; readonly decide: (resourcePolicy: string | undefined) => Decided };

export type CheckResult = Decided | CloserLook;

export type SweepCheck = (secret: SecretState, context: CheckContext) => CheckResult;

// ---------------------------------------------------------------------------------------------
// Dates

const DAY_MS = 86_400_000;

/**
 * Whole UTC calendar days from `earlier` to `later`: the midnights (UTC) in between. Zero on
 * the same day, whatever the hours; negative when `earlier` is later.
 * @example
 * daysBetween(new Date('2026-08-27T00:00:00Z'), new Date('2026-11-25T12:00:00Z')); // 90
 * daysBetween(new Date('2026-11-24T23:59:59Z'), new Date('2026-11-25T00:00:00Z')); // 1
 */
export const daysBetween = (earlier: Date, later: Date): number =>
  Math.floor(later.getTime() / DAY_MS) - Math.floor(earlier.getTime() / DAY_MS);

/** The UTC date, for reasons that judge by day. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

interface Origin {
  readonly date: Date;
  /** How the reason names the date: "created on 2026-05-01", "last changed on 2026-05-01". */
  readonly words: string;
  readonly evidence: Evidence;
  readonly notes: readonly string[];
}

/** When the secret was created: `CreatedDate`, else `LastChangedDate` as a lower bound of its age. */
const originOf = (secret: SecretState): Origin | undefined => {
  if (secret.createdDate) {
    return {
      date: secret.createdDate,
      words: `created on ${utcDay(secret.createdDate)}`,
      evidence: { createdDate: secret.createdDate.toISOString() },
      notes: [],
    };
  }
  if (secret.lastChangedDate) {
    return {
      date: secret.lastChangedDate,
      words: `last changed on ${utcDay(secret.lastChangedDate)} (creation date unknown)`,
      evidence: {},
      notes: [
        `the listing gave no CreatedDate: the age is counted from LastChangedDate ${secret.lastChangedDate.toISOString()}, so the secret is at least that old`,
      ],
    };
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// Verdicts

const pass = (reason: string): Decided => ({ kind: 'pass', reason });

const fail = (reason: string, evidence: Evidence, extra: { control?: string; notes?: readonly string[] } = {}): Decided => ({
  kind: 'fail',
  reason,
  evidence,
  ...(extra.control ? { control: extra.control } : {}),
  ...(extra.notes && extra.notes.length > 0 ? { notes: extra.notes } : {}),
});

/** Whether the secret carries the policy's exemption tag (any value, as for event findings). */
export const isExempt = (secret: SecretState, policy: Policy): boolean => secret.tags[policy.exemptionTag] !== undefined;

/** Every check but scheduled-for-deletion: a secret scheduled for deletion cannot be read, rotated or re-encrypted until restored. */
const unlessScheduledForDeletion =
  (check: SweepCheck): SweepCheck =>
  (secret, context) =>
    secret.deletedDate
      ? pass(`scheduled for deletion (since ${secret.deletedDate.toISOString()}): only scheduled-for-deletion applies`)
      : check(secret, context);

// ---------------------------------------------------------------------------------------------
// The checks

const scheduledForDeletion: SweepCheck = (secret) =>
  secret.deletedDate
    ? fail(
        // ListSecrets' DeletedDate is when the deletion was asked for; the recovery window (7 to 30
        // days) is not in the listing, so the final date is given as a range.
        `marked for deletion on ${secret.deletedDate.toISOString()}: Secrets Manager deletes it for good when its recovery window ends, ` +
          `between ${utcDay(new Date(secret.deletedDate.getTime() + 7 * DAY_MS))} and ${utcDay(new Date(secret.deletedDate.getTime() + 30 * DAY_MS))}; restore it if anything still needs it`,
        {},
      )
    : pass('not scheduled for deletion');

const rotationMissing: SweepCheck = (secret, { policy, now }) => {
  if (secret.rotationEnabled) return pass('automatic rotation is on');
  const grace = policy.rotation.gracePeriodDays;
  const origin = originOf(secret);
  if (!origin)
    return pass('automatic rotation is off, but neither CreatedDate nor LastChangedDate is known: the grace period cannot be applied');
  const age = daysBetween(origin.date, now);
  if (age <= grace) {
    return pass(
      `automatic rotation is off, but the secret was ${origin.words}, ${days(age)} ago: within the ${days(grace)} of rotation.gracePeriodDays`,
    );
  }
  const managed = secret.owningService ? `; ${secret.owningService} manages it, so turn on its managed rotation` : '';
  return fail(
    `automatic rotation is off ${days(age)} after the secret was ${origin.words}, past the ${days(grace)} of rotation.gracePeriodDays${managed}`,
    { ...origin.evidence, thresholdDays: grace },
    { notes: origin.notes },
  );
};

const rotationOverdue: SweepCheck = (secret, { policy, now }) => {
  const maxAge = policy.rotation.maxAgeDays;
  const next = secret.rotationEnabled ? secret.nextRotationDate : undefined;
  // "Scheduled to occur on or before this date": late only once the date has passed.
  const missed = next !== undefined && next.getTime() < now.getTime() ? next : undefined;
  const origin = rotationOrigin(secret);
  const age = origin ? daysBetween(origin.date, now) : undefined;
  const tooOld = origin && age !== undefined && age > maxAge ? { origin, age } : undefined;

  if (!missed && !tooOld) {
    const ageWords =
      origin && age !== undefined
        ? `${origin.words}, ${days(age)} ago, within the ${days(maxAge)} of rotation.maxAgeDays`
        : 'age unknown (no rotation, creation or change date)';
    return pass(`${ageWords}${next ? `; next rotation due ${next.toISOString()}` : ''}`);
  }
  const parts = [
    ...(missed ? [`the scheduled rotation due ${missed.toISOString()} has not happened`] : []),
    ...(tooOld ? [`${tooOld.origin.words}, ${days(tooOld.age)} ago, more than the ${days(maxAge)} of rotation.maxAgeDays`] : []),
  ];
  return fail(
    parts.join('; '),
    { ...(origin?.evidence ?? {}), ...(next ? { nextRotationDate: next.toISOString() } : {}), thresholdDays: maxAge },
    { control: missed ? 'SecretsManager.2' : 'SecretsManager.4', notes: tooOld?.origin.notes ?? [] },
  );
};

/** What the value's age counts from: the last rotation, else the creation. */
const rotationOrigin = (secret: SecretState): Origin | undefined => {
  if (secret.lastRotatedDate) {
    const date = secret.lastRotatedDate;
    return { date, words: `last rotated on ${utcDay(date)}`, evidence: { lastRotatedDate: date.toISOString() }, notes: [] };
  }
  const created = originOf(secret);
  return created && { ...created, words: `never rotated since it was ${created.words}` };
};

const STALE_AFTER_DAYS = ROTATION_WINDOW_HOURS / 24;

/**
 * The second stage of stale-pending: the same decision the clear-stale-pending action takes
 * (`planClearStalePending`, no failure time), so the sweep flags exactly what the action would clear.
 */
export const judgeStalePending = (secret: SecretState, versions: readonly SecretVersion[], now: Date): Decided => {
  // The closer look is newer than the listing: judge by its labels (a rotation may have finished since).
  const current: SecretState = { ...secret, versions: Object.fromEntries(versions.map((v) => [v.versionId, [...v.stages]])) };
  const plan = planClearStalePending(current, { now, versions });
  if (plan.kind === 'leave') return pass(plan.reason);
  // The plan removes only a version whose creation date it knows.
  const created = versions.find((v) => v.versionId === plan.versionId)?.createdDate ?? now;
  const hours = Math.floor((now.getTime() - created.getTime()) / 3_600_000);
  return fail(
    `version ${plan.versionId} has held ${PENDING} without ${CURRENT} since ${created.toISOString()} (${hours >= 48 ? days(Math.floor(hours / 24)) : `${hours} hours`}), ` +
      `past the ${ROTATION_WINDOW_HOURS}-hour rotation window: a rotation failed or was abandoned, and the label blocks every later rotation`,
    { pendingVersionId: plan.versionId, pendingCreatedDate: created.toISOString(), thresholdDays: STALE_AFTER_DAYS },
  );
};

const stalePending: SweepCheck = (secret, { now }) => {
  const pending = Object.entries(secret.versions).find(([, stages]) => stages.includes(PENDING));
  if (!pending) return pass(`no version holds ${PENDING}`);
  const [versionId, stages] = pending;
  // After a successful rotation AWSPENDING may stay on the current version: harmless, and never touched.
  if (stages.includes(CURRENT))
    return pass(`${PENDING} is on version ${versionId} together with ${CURRENT}, as a finished rotation may leave it`);
  // The listing has no version dates: only ListSecretVersionIds tells a stale label from a rotation in progress.
  return { kind: 'closer-look', look: 'versions', decide: (versions) => judgeStalePending(secret, versions, now) };
};

const unused: SweepCheck = (secret, { policy, now }) => {
  if (secret.owningService) {
    return pass(
      `managed by ${secret.owningService}: its lifecycle belongs to that service (it cannot be deleted on its own), so it is not judged unused`,
    );
  }
  const limit = policy.unusedDays;
  const origin = accessOrigin(secret);
  if (!origin) return pass('never read, but neither CreatedDate nor LastChangedDate is known: its age cannot be told');
  const idle = daysBetween(origin.date, now);
  if (idle <= limit) return pass(`${origin.words}, ${days(idle)} ago, within the ${days(limit)} of unusedDays`);
  return fail(
    `${origin.words}, ${days(idle)} ago, more than the ${days(limit)} of unusedDays`,
    { ...origin.evidence, thresholdDays: limit },
    { notes: origin.notes },
  );
};

/** What "unused" counts from: the last read (a date: AWS keeps no time), else the creation. */
const accessOrigin = (secret: SecretState): Origin | undefined => {
  if (secret.lastAccessedDate) {
    const date = secret.lastAccessedDate;
    return {
      date,
      words: `last read on ${utcDay(date)}`,
      evidence: { lastAccessedDate: date.toISOString(), ...(secret.createdDate ? { createdDate: secret.createdDate.toISOString() } : {}) },
      notes: [],
    };
  }
  const created = originOf(secret);
  return created && { ...created, words: `never read since it was ${created.words}` };
};

const defaultKmsKey: SweepCheck = (secret, { policy }) => {
  const judged = judgeKmsKey(secret.kmsKeyId, secret.arn, policy.kms.allowedKeys);
  return judged.allowed ? pass(judged.reason) : fail(judged.reason, { kmsKeyId: secret.kmsKeyId || AWS_MANAGED_KEY_ALIAS });
};

/** The second stage of resource-policy-missing, from GetResourcePolicy's answer. */
export const judgeResourcePolicy = (resourcePolicy: string | undefined, glob: string): Decided =>
  resourcePolicy !== undefined && resourcePolicy.trim() !== ''
    ? pass(`has a resource policy, as ${glob} (requireResourcePolicy) requires`)
    : fail(`has no resource policy, but the policy requires one for secrets matching ${glob} (requireResourcePolicy)`, {
        policyMatch: glob,
      });

const resourcePolicyMissing: SweepCheck = (secret, { policy }) => {
  const glob = policy.requireResourcePolicy.find((g) => matchesGlob(g, secret.name));
  if (glob === undefined) return pass('the policy requires no resource policy for this name (requireResourcePolicy)');
  // The listing does not say whether a secret has a resource policy: only GetResourcePolicy does.
  return { kind: 'closer-look', look: 'resource-policy', decide: (resourcePolicy) => judgeResourcePolicy(resourcePolicy, glob) };
};

// ---------------------------------------------------------------------------------------------
// The checks as the catalogue's sweep triggers hold them: every one but scheduled-for-deletion
// passes a secret scheduled for deletion.

/** scheduled-for-deletion: the secret is scheduled for deletion. */
export const checkScheduledForDeletion: SweepCheck = scheduledForDeletion;
/** rotation-missing: rotation off past the grace period. */
export const checkRotationMissing: SweepCheck = unlessScheduledForDeletion(rotationMissing);
/** rotation-overdue: a scheduled rotation missed, or the value older than rotation.maxAgeDays. */
export const checkRotationOverdue: SweepCheck = unlessScheduledForDeletion(rotationOverdue);
/** stale-pending: AWSPENDING without AWSCURRENT past the rotation window (a closer look at the versions). */
export const checkStalePending: SweepCheck = unlessScheduledForDeletion(stalePending);
/** unused: not read for more than unusedDays. */
export const checkUnused: SweepCheck = unlessScheduledForDeletion(unused);
/** default-kms-key: encrypted with a key the policy does not allow. */
export const checkDefaultKmsKey: SweepCheck = unlessScheduledForDeletion(defaultKmsKey);
/** resource-policy-missing: no resource policy where requireResourcePolicy asks for one (a closer look). */
export const checkResourcePolicyMissing: SweepCheck = unlessScheduledForDeletion(resourcePolicyMissing);
