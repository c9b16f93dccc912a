/**
 * The remediation use case, the same for every action (its rules of conduct): claim the
 * finding through the ledger's one claim protocol (a duplicate delivery acts once), look before acting (re-read), respect exemptions
 * and allowed principals, plan, stop at the plan in dry run, respect the write limit, act,
 * verify that AWS shows the fix, and ask AWS Config to re-evaluate. Talks to ports only; every
 * expected failure becomes an honest outcome, and only transient AWS errors escape — after the
 * claim is released — so that Lambda retries the whole invocation.
 */
import type { ActionDefinition, ActionPlan, Gathered, GatherContext } from './types.js';
import type { ActionResult, Finding, Mode } from '../contracts/finding.js';
import { InvalidSecretStateError, PermissionDeniedError, RemediationError, SecretNotFoundError } from '../errors.js';
import { claimKey, scopeKey } from '../ledger/keys.js';
import { once } from '../ledger/once.js';
import type { Policy } from '../policy/schema.js';
import type { Clock } from '../ports/clock.js';
import type { CompliancePort, LedgerPort } from '../ports/ledger.js';
import type { SecretState, SecretsPort } from '../ports/secrets.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import { managedRuleOf } from '../domain/config-rules.js';
import { ancestryFor, type MemberPorts, secretsFor } from '../domain/member-reach.js';
import { scopeOf } from '../domain/organisation-scope.js';
import { recordRefusedWrite } from '../metrics.js';
import { rederive } from './rederive.js';
import { alignedWindow } from '../time.js';

export interface RemediationContext {
  readonly secrets: SecretsPort;
  readonly ledger: LedgerPort;
  /** Present for an action that declares a Config rule (`ActionDefinition.configRule`). */
  readonly compliance?: CompliancePort;
  /** CloudTrail's event history, for an action that asks it (restore-secret: who deleted the secret). */
  readonly history?: CloudTrailHistoryPort;
  readonly clock: Clock;
  readonly policy: Policy;
  readonly mode: Mode;
  /** How long this invocation may still run (`context.getRemainingTimeInMillis()`): the finding's claim holds that long. */
  readonly remainingMs: number;
  /**
   * The account and Region this deployment runs in (its function's ARN). In single-account mode
   * the only place it acts; in organisation mode the hub, and a finding of a guarded member is
   * acted on there, through the member role for this action. Every result names where it acted.
   */
  readonly account: string;
  readonly region: string;
  /** The stage, which names the member roles (organisation mode). */
  readonly stage?: string;
  /** Member access and AWS Organizations, for organisation mode. */
  readonly members?: MemberPorts['members'];
  readonly organisation?: MemberPorts['organisation'];
}

export type RemediationOutcome =
  /**
   * This finding was already handled for this action: nothing is done again. `result` is what
   * the first delivery reported (undefined while it is still at work), to report again.
   */
  { readonly kind: 'duplicate'; readonly result?: ActionResult } | { readonly kind: 'result'; readonly result: ActionResult };

const HOUR = 3_600_000;

export const remediate = async (action: ActionDefinition, received: Finding, given: RemediationContext): Promise<RemediationOutcome> => {
  const now = given.clock.now();
  const hub = { account: given.account, region: given.region } as const;
  const place = { account: received.secret.account, region: received.secret.region } as const;
  const ancestry = await ancestryFor(given.policy, hub, place.account, given.organisation);
  const scope = scopeOf(given.policy.organisation, hub, place, ancestry);
  if (!scope.guarded) {
    const reason = `not acted on: the finding names a secret in ${scope.reason}: outside the scope this deployment guards`;
    return { kind: 'result', result: { type: action.type, mode: given.mode, ...hub, outcome: 'failed', reason } };
  }
  // Where the finding's secret is: every call goes there (a member's through the member role for
  // this action, the session named after the finding), and the result names it.
  const where = place;
  let context: RemediationContext;
  // Checked before the claim: a finding that does not hold up takes no claim, so it cannot make
  // the genuine finding with the same id a "duplicate".
  let finding: Finding;
  let secret: SecretState;
  try {
    const reach = { policy: given.policy, stage: given.stage ?? '', hub, place, own: scope.own, role: action.type, session: received.id };
    // AWS Config is asked to re-evaluate only here: a member's Config is the member's to run.
    const { compliance: _hubsConfig, ...elsewhere } = given;
    context = { ...(scope.own ? given : elsewhere), secrets: secretsFor(reach, given.secrets, given.members) };
    // One DescribeSecret serves both: the check, and the decision (look before you act).
    secret = await context.secrets.describeSecret(received.secret.id);
    const checked = await rederive(received, secret, context.secrets, {
      ...hub,
      policy: context.policy,
      now,
      ...(ancestry ? { ancestry } : {}),
    });
    if (checked.kind !== 'verified') {
      return {
        kind: 'result',
        result: {
          type: action.type,
          mode: context.mode,
          ...where,
          outcome: checked.kind === 'rejected' ? 'failed' : 'skipped',
          reason: checked.reason,
        },
      };
    }
    finding = checked.finding;
  } catch (error) {
    return { kind: 'result', result: { type: action.type, mode: given.mode, ...where, ...settled(error) } };
  }
  // Whatever escapes decideAndAct did not settle: once releases the claim, and the retry (or,
  // after the last, the dead-letter queue) has it.
  const handled = await once(
    context,
    claimKey.remediation(finding.id, action.type),
    async () => ({ ...(await decideAndAct(action, finding, secret, context, now)), ...where }),
    {
      remainingMs: context.remainingMs,
      decode: (stored) => JSON.parse(stored) as ActionResult,
    },
  );
  if (handled.kind === 'in-progress') return { kind: 'duplicate' };
  if (handled.kind === 'done-before') return { kind: 'duplicate', result: handled.value };
  return { kind: 'result', result: handled.value };
};

const decideAndAct = async (
  action: ActionDefinition,
  finding: Finding,
  secret: SecretState,
  context: RemediationContext,
  now: Date,
): Promise<ActionResult> => {
  const base = { type: action.type, mode: context.mode } as const;
  let plan: ActionPlan;
  let stateBefore: string;
  try {
    const gathered = action.gather ? await action.gather(context.secrets, secret, gatherContext(finding, context)) : {};
    stateBefore = action.describeState(secret, gathered);
    plan = action.plan({ finding, secret, policy: context.policy, now, gathered });
  } catch (error) {
    return { ...base, ...settled(error) };
  }
  const stages = { before: secret.versions, after: secret.versions, state: { before: stateBefore, after: stateBefore } };
  if (plan.kind === 'leave') return { ...base, ...stages, outcome: 'skipped', reason: plan.reason };
  if (plan.kind === 'refuse') return { ...base, ...stages, outcome: 'blocked', reason: plan.reason };

  const change = {
    ...(plan.versionId ? { versionId: plan.versionId } : {}),
    before: plan.before ?? secret.versions,
    after: plan.expectedAfter ?? secret.versions,
    state: { before: stateBefore, after: plan.expectedState },
  };
  const would = `${plan.reason}${plan.details?.length ? ` (${plan.details.join('; ')})` : ''}`;
  const guard = guardOf(finding, secret, context.policy);
  if (guard)
    return {
      ...base,
      ...stages,
      ...(plan.versionId ? { versionId: plan.versionId } : {}),
      outcome: 'blocked',
      reason: `${guard} (it would ${would})`,
    };
  if (context.mode === 'dry-run') return { ...base, ...change, outcome: 'planned', reason: `dry run: would ${would}` };

  const hourEnd = alignedWindow(now, HOUR).end;
  const limit = context.policy.limits.writesPerSecretPerHour;
  if (!(await context.ledger.takeWrite(scopeKey.secretWrites(secret.arn), limit, hourEnd))) {
    recordRefusedWrite(action.type);
    return {
      ...base,
      ...stages,
      outcome: 'blocked',
      reason: `write limit reached: ${limit} writes to this secret this hour, limits.writesPerSecretPerHour (it would ${would})`,
    };
  }

  try {
    await plan.apply(context.secrets);
  } catch (error) {
    // The retry gets its write back. Safe even if a 5xx hid a write that happened: the retry
    // re-reads, and a plan finds nothing left to do.
    if (error instanceof RemediationError && error.retryable) await context.ledger.returnWrite(scopeKey.secretWrites(secret.arn), hourEnd);
    const refused =
      error instanceof InvalidSecretStateError
        ? { outcome: 'failed' as const, reason: `AWS refused the change: ${error.message}` }
        : settled(error);
    return { ...base, ...stages, ...(plan.versionId ? { versionId: plan.versionId } : {}), ...refused };
  }
  // Look again: the fix counts only when AWS shows it.
  const reread = await readBack(action, context.secrets, secret.arn, gatherContext(finding, context));
  const problem = 'secret' in reread ? plan.verify(reread.secret, reread.gathered) : undefined;
  const reevaluated = problem ? '' : await reevaluate(action, finding, context);
  return {
    ...base,
    ...change,
    ...('secret' in reread
      ? { after: reread.secret.versions, state: { before: stateBefore, after: action.describeState(reread.secret, reread.gathered) } }
      : { state: { before: stateBefore, after: `${plan.expectedState} (not read back)` } }),
    outcome: problem ? 'failed' : 'applied',
    reason: problem
      ? `applied, but not verified: ${problem}`
      : `${would}${'unread' in reread ? ` (not verified: ${reread.unread})` : ''}${reevaluated}`,
  };
};

/**
 * Exemptions: the exemption tag, and a change made by an allowed admin unless the
 * secret is protected. A read of a deleted secret names the reader, not who deleted it: the
 * reader's identity exempts nothing; restore-secret's plan asks CloudTrail who deleted it.
 */
const guardOf = (finding: Finding, secret: SecretState, policy: Policy): string | undefined => {
  if (secret.tags[policy.exemptionTag] !== undefined) return `exempt: the secret carries the tag ${policy.exemptionTag}`;
  if (finding.rule !== 'deleted-secret-in-use' && finding.actor.isAllowedAdmin && secret.tags[policy.protectedTag] === undefined) {
    return `exempt: ${finding.actor.principal} is an allowed admin`;
  }
  return undefined;
};

/**
 * The secret after the write, read as before the decision. A failed re-read must not turn an
 * applied fix into a retry that reports "skipped": it is reported as not verified.
 */
const readBack = async (
  action: ActionDefinition,
  secrets: SecretsPort,
  arn: string,
  gatherWith: GatherContext,
): Promise<{ secret: SecretState; gathered: Gathered } | { unread: string }> => {
  try {
    const secret = await secrets.describeSecret(arn);
    return { secret, gathered: action.gather ? await action.gather(secrets, secret, gatherWith) : {} };
  } catch (error) {
    return { unread: (error as Error).name };
  }
};

const gatherContext = (finding: Finding, context: RemediationContext): GatherContext => ({
  finding,
  policy: context.policy,
  ...(context.history ? { history: context.history } : {}),
});

/** Best effort: a fix stands whether or not Config re-evaluates now; say which. */
const reevaluate = async (action: ActionDefinition, finding: Finding, context: RemediationContext): Promise<string> => {
  const names = configRuleNames(action, finding, context.policy);
  if (names.length === 0 || !context.compliance) return '';
  try {
    const started = await context.compliance.reevaluate(names);
    return started.length > 0
      ? `; asked AWS Config to re-evaluate ${started.join(', ')}`
      : `; AWS Config runs no rule named ${names.join(' or ')} here, so nothing to re-evaluate`;
  } catch (error) {
    return `; AWS Config re-evaluation failed (${(error as Error).name})`;
  }
};

/** The deployed names of the Config rule the fix concerns: from the finding, else the identifier and the policy's own names. */
const configRuleNames = (action: ActionDefinition, finding: Finding, policy: Policy): string[] => {
  if (finding.evidence.configRuleName) return [finding.evidence.configRuleName];
  const managed = action.configRule;
  if (!managed) return [];
  const aliases = Object.keys(policy.configRules).filter((name) => managedRuleOf(name, policy.configRules) === managed);
  return [managed, ...aliases];
};

const settled = (error: unknown): Pick<ActionResult, 'outcome' | 'reason'> => {
  if (error instanceof SecretNotFoundError) return { outcome: 'skipped', reason: 'the secret no longer exists' };
  if (error instanceof InvalidSecretStateError) return { outcome: 'skipped', reason: `not in a state to change: ${error.message}` };
  if (error instanceof PermissionDeniedError) return { outcome: 'failed', reason: `access denied: ${error.message}` };
  throw error;
};
