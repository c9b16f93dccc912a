/**
 * How many secrets an account and region holds, as AWS itself counts them: Secrets Manager
 * publishes the count to CloudWatch (namespace `AWS/SecretsManager`, metric `ResourceCount`, about
 * once an hour). The organisation sweep's coordinator asks it on a run that has no sizes of its
 * own yet (shared/sweep/census.ts), so the largest account-regions start first. The adapter
 * (shared/adapters/cloudwatch-secret-counts.ts) reads it with GetMetricData through the member
 * read role; the sandbox (shared/sandbox/sandbox-secret-counts.ts) counts its own secrets.
 */
import type { MemberTarget } from './member-access.js';

/** The span of time to look for the latest count in. */
export interface CountWindow {
  readonly start: Date;
  readonly end: Date;
}

export interface SecretCountsPort {
  /**
   * The latest secret count published for the target's account and region within `window`, or
   * undefined when none was (a region with no secrets publishes nothing). Throws when the call
   * fails (the role refused, throttled): the caller treats that count as unknown.
   */
  secretCount(target: MemberTarget, window: CountWindow): Promise<number | undefined>;
}
