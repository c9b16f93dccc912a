/**
 * What an action believes before it writes: not the finding (what reaches the project bus is a
 * claim, and anyone allowed PutEvents on it can make one) but the same decision taken again
 * from what it can re-read — the record the finding carries, classified again by the same pure
 * rules against the secret as DescribeSecret shows it now; for a sweep finding, the sweep's
 * check run again on the re-read secret. A finding whose verdict disagrees is rejected before
 * any claim is taken, so a forgery can never use up the claim of the genuine finding.
 */
import { parseClassifiableEvent } from '../contracts/cloudtrail-event.js';
import type { Finding } from '../contracts/finding.js';
import { stableJson } from '../contracts/stable-json.js';
import { evaluate, prepare } from '../domain/classify.js';
import { type Ancestry, scopeOf } from '../domain/organisation-scope.js';
import { InvalidEventError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState, SecretsPort } from '../ports/secrets.js';
import { inspectSecret, SWEEP_EVENT_NAME, sweepFindingId } from '../sweep/inspect-secret.js';

/** How far ahead of this function's clock a date from AWS may be (clock skew between hosts). */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface RederiveContext {
  readonly policy: Policy;
  readonly now: Date;
  /** The account and region this deployment (the hub, in organisation mode) runs in. */
  readonly account: string;
  readonly region: string;
  /** The OUs of the finding's account, when the organisation scope needs them (`needsAncestry`). */
  readonly ancestry?: Ancestry;
}

export type Rederived =
  /** The decision taken again: act on this finding (the received id, everything else re-derived). */
  | { readonly kind: 'verified'; readonly finding: Finding }
  | { readonly kind: 'rejected'; readonly reason: string }
  /** The condition the finding reports does not hold now: `skipped`. */
  | { readonly kind: 'nothing-to-do'; readonly reason: string };

/**
 * The finding's decision taken again from `secret` (DescribeSecret, now) and its record.
 * @param secret - the secret the finding names, as re-read by the action
 */
export const rederive = async (
  finding: Finding,
  secret: SecretState,
  secrets: SecretsPort,
  context: RederiveContext,
): Promise<Rederived> => {
  const place = { account: finding.secret.account, region: finding.secret.region };
  const scope = scopeOf(context.policy.organisation, context, place, context.ancestry);
  if (!scope.guarded) return rejected(`it names a secret in ${scope.reason}: outside the scope this deployment guards`);
  if (finding.actor.kind === 'sweep') return rederiveSweep(finding, secret, secrets, { ...context, ...place });
  if (!finding.record) return rejected(finding.recordOmitted ?? 'it carries no record to check it against');
  let classified;
  try {
    const event = parseClassifiableEvent(finding.record);
    // The record is judged by the same scope (the OUs read are the secret's account's: only for that account).
    const ancestry = event.event.account === place.account && context.ancestry ? { ancestry: context.ancestry } : {};
    const prepared = prepare(event, { policy: context.policy, account: context.account, region: context.region, ...ancestry });
    if (prepared.kind === 'ignored') return rejected(`its record triggers nothing: ${prepared.reason}`);
    classified = evaluate(prepared, context.policy, secret);
  } catch (error) {
    if (error instanceof InvalidEventError) return rejected(`its record is not a valid event (${error.message})`);
    throw error;
  }
  if (classified.kind !== 'findings') return rejected(`its record, classified again, raises nothing: ${classified.reasons.join('; ')}`);
  const again = classified.findings.find((candidate) => candidate.id === finding.id && candidate.rule === finding.rule);
  if (!again) return rejected(`its record, classified again, does not raise ${finding.rule} as ${finding.id}`);
  const disagreement = disagreementOf(finding, again) ?? futureDate(again.event.time, "the record's eventTime", context.now);
  return disagreement ? rejected(disagreement) : { kind: 'verified', finding: again };
};

/**
 * A sweep finding carries no record: its check runs again on the secret as it is now, judged by
 * this function's clock, and must fail the same way. Its id must be the one the sweep gives it,
 * for a day that has begun.
 */
const rederiveSweep = async (finding: Finding, secret: SecretState, secrets: SecretsPort, context: RederiveContext): Promise<Rederived> => {
  const dated = futureDate(finding.event.time, 'its time', context.now);
  if (dated) return rejected(dated);
  if (finding.event.name !== SWEEP_EVENT_NAME) return rejected(`a sweep finding comes from ${SWEEP_EVENT_NAME}, not ${finding.event.name}`);
  const { findings } = await inspectSecret(secret, secrets, {
    policy: context.policy,
    now: context.now,
    runId: finding.event.id,
    account: context.account,
    region: context.region,
  });
  const again = findings.find((candidate) => candidate.rule === finding.rule);
  // Nothing wrong now: fixed already (a redelivery), or never wrong (a forgery). Either way there
  // is nothing to do, and nothing is claimed.
  if (!again)
    return {
      kind: 'nothing-to-do',
      reason: `the sweep's ${finding.rule} check, run again on the secret as it is now, finds nothing wrong`,
    };
  if (finding.id !== sweepFindingId(again.rule as Parameters<typeof sweepFindingId>[0], secret.arn, new Date(finding.event.time))) {
    return rejected(`its id ${finding.id} is not the sweep's id for ${finding.rule} on ${secret.arn} at ${finding.event.time}`);
  }
  return { kind: 'verified', finding: { ...again, id: finding.id } };
};

/** The first fact of the verdict the finding states differently from the one taken again, in words. */
export const disagreementOf = (claimed: Finding, again: Finding): string | undefined => {
  const facts: readonly [string, unknown, unknown][] = [
    ['secret', claimed.secret.id, again.secret.id],
    ['actor', claimed.actor.principal, again.actor.principal],
    ['actor kind', claimed.actor.kind, again.actor.kind],
    ['allowed-admin flag', claimed.actor.isAllowedAdmin, again.actor.isAllowedAdmin],
    ['event time', claimed.event.time, again.event.time],
    ['evidence', stableJson(claimed.evidence), stableJson(again.evidence)],
    ['actions', claimed.actions.join(','), again.actions.join(',')],
  ];
  const differing = facts.find(([, a, b]) => a !== b);
  return differing ? `its ${differing[0]} (${String(differing[1])}) disagrees with its record (${String(differing[2])})` : undefined;
};

/** A date from AWS later than now (beyond the clock skew) is refused: no rotation fails tomorrow. */
const futureDate = (iso: string, what: string, now: Date): string | undefined => {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return `${what} (${iso}) is not a date`;
  return time > now.getTime() + CLOCK_SKEW_MS
    ? `${what} (${iso}) is in the future (this function's clock says ${now.toISOString()})`
    : undefined;
};

const rejected = (why: string): Rederived => ({
  kind: 'rejected',
  reason: `not acted on: the finding does not hold up against AWS: ${why}`,
});
