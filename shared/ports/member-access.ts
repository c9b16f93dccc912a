/**
 * Reaching another account and region of the organisation (organisation mode): the hub's
 * functions act in a member account through a role the member stack holds there, one per action
 * and one read role, assumed per target. The adapter (shared/adapters/member-access.ts) assumes
 * the role with STS and caches credentials and clients; the sandbox (shared/sandbox/) gives an
 * in-memory view of the account and region instead.
 *
 * The domain decides which role a target needs and its ARN (shared/domain/organisation-scope.ts,
 * `memberTarget`); the port only reaches it.
 */
import type { SecretsPort } from './secrets.js';

/** Where to act and as whom. */
export interface MemberTarget {
  /** The 12-digit account id the call goes to. */
  readonly account: string;
  /** The region the calls (and the STS call that assumes the role) go to. */
  readonly region: string;
  /**
   * The role to assume there, `arn:<partition>:iam::<account>:role/<name>`. Absent: the
   * function's own credentials (the hub's own account in its own region: nothing to assume).
   */
  readonly roleArn?: string;
  /**
   * What the session is for, as CloudTrail in the member should show it: the finding id for an
   * action, the run for a sweep. Any text: the adapter makes an STS session name of it.
   */
  readonly session: string;
}

export interface MemberAccessPort {
  /**
   * Secrets Manager in the target's account and region. Never throws itself: a role that
   * cannot be assumed fails the first call with a `MemberAccessError` (shared/errors.ts) that
   * names the role and what to check.
   */
  secrets(target: MemberTarget): SecretsPort;
}
