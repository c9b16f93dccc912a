/**
 * What an action is: the IAM actions it needs, what it reads before deciding, a pure plan, and
 * — when the plan is a change — how to apply it and how to check afterwards that AWS shows it.
 * The runner (shared/actions/runner.ts) supplies everything else: idempotency, re-reading,
 * exemptions, dry run, limits, error handling, verification and Config re-evaluation.
 */
import type { ActionType, Finding, VersionStages } from '../contracts/finding.js';
import type { ManagedRule } from '../contracts/config-event.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState, SecretsPort, SecretVersion } from '../ports/secrets.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import type { DeletionLookup } from '../domain/deletion-author.js';

/** What an action read before deciding, besides DescribeSecret. */
export interface Gathered {
  readonly versions?: readonly SecretVersion[];
  readonly resourcePolicy?: string | undefined;
  /** restore-secret, on a read of a deleted secret: who scheduled the deletion, by CloudTrail's event history. */
  readonly deletion?: DeletionLookup;
}

/** What an action may read besides the secret itself, to decide. */
export interface GatherContext {
  /** The finding, as re-derived from its record (never as received). */
  readonly finding: Finding;
  readonly policy: Policy;
  /** CloudTrail's event history; absent where the function has none (the action then says so). */
  readonly history?: CloudTrailHistoryPort;
}

export interface PlanInput {
  readonly finding: Finding;
  /** The secret as it is now (re-read: look before you act). */
  readonly secret: SecretState;
  readonly policy: Policy;
  readonly now: Date;
  readonly gathered: Gathered;
}

export type ActionPlan =
  /** The condition no longer holds, or acting would make things worse: `skipped`. */
  | { readonly kind: 'leave'; readonly reason: string }
  /** Acting is not allowed or not configured: `blocked`, with what to change. */
  | { readonly kind: 'refuse'; readonly reason: string }
  | {
      readonly kind: 'change';
      /** What it does and why, in words ("remove AWSPENDING from version v3: ..."). */
      readonly reason: string;
      readonly versionId?: string;
      readonly before?: VersionStages;
      readonly expectedAfter?: VersionStages;
      /** Extra facts for the result (the statements removed, the function chosen, ...). */
      readonly details?: readonly string[];
      /** The relevant state once applied, in the words of `describeState`. */
      readonly expectedState: string;
      readonly apply: (secrets: SecretsPort) => Promise<void>;
      /** Pure: given the secret as re-read after the change, what is wrong, or undefined when AWS shows the fix. */
      readonly verify: (after: SecretState, gathered: Gathered) => string | undefined;
    };

export interface ActionDefinition {
  readonly type: ActionType;
  /** IAM actions its function needs besides secretsmanager:DescribeSecret; the packaging test holds serverless.yml to them. */
  readonly permissions: readonly string[];
  /** The managed Config rule an applied fix makes compliant again. */
  readonly configRule?: ManagedRule;
  readonly gather?: (secrets: SecretsPort, secret: SecretState, context: GatherContext) => Promise<Gathered>;
  /** The state this action is about, in words, for the before/after of every result. */
  readonly describeState: (secret: SecretState, gathered: Gathered) => string;
  readonly plan: (input: PlanInput) => ActionPlan;
}
