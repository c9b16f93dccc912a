/**
 * One secret of the sweep's listing, judged by every sweep rule's check (the catalogue's sweep triggers), turned into findings
 * of the same shape as those classify makes from events: they go on the same bus, through the
 * same remediations and alerts. The only I/O is the closer looks the checks ask for — at most one
 * ListSecretVersionIds and one GetResourcePolicy per secret, and none for a compliant secret
 * that no check needs to look closer at.
 *
 * A closer look AWS refuses (AccessDenied: a resource policy that denies everyone but the
 * application's role; InvalidRequest for the secret's state) leaves the checks that needed it
 * unjudged, and says so, rather than ending the sweep of the whole account for one secret — as
 * Cloud Custodian annotates the methods it was denied and goes on.
 */
import type { Actor, EventRef, Finding, SecretRef } from '../contracts/finding.js';
import { findingOf } from '../domain/classify.js';
import { ruleById, SWEEP_RULE_IDS, type SweepRuleId, sweepCheckOf } from '../domain/catalogue.js';
import { InvalidSecretStateError, PermissionDeniedError, SecretNotFoundError } from '../errors.js';
import type { Policy } from '../policy/schema.js';
import type { SecretState, SecretsPort } from '../ports/secrets.js';
import { type CheckResult, type Decided, isExempt, utcDay } from '../domain/sweep-checks.js';
import type { UnjudgedReason } from './summary.js';

export interface SweepContext {
  readonly policy: Policy;
  /** The moment the run judges against; also the findings' event time and the day in their ids. */
  readonly now: Date;
  /** The sweep run, as the findings' event id. */
  readonly runId: string;
  /** Where the run reads; a secret's own ARN names its account and Region first. */
  readonly region?: string;
  readonly account?: string;
}

/** A check that could not be judged: "could not judge `rule`: `reason` (`message`)". */
export interface Unjudged {
  readonly rule: SweepRuleId;
  readonly reason: UnjudgedReason;
  /** What AWS answered (the mapped error's message), for the log. */
  readonly message: string;
}

export interface SecretInspection {
  readonly findings: Finding[];
  /** Carried the exemption tag: not judged, no findings, no calls. */
  readonly exempt: boolean;
  /** ListSecretVersionIds and GetResourcePolicy calls made for this secret (0, 1 or 2). */
  readonly perSecretCalls: number;
  /** The checks whose closer look AWS refused: neither a pass nor a finding. */
  readonly unjudged: readonly Unjudged[];
}

/** The per-secret reads a closer look may make. */
export type CloserLookReads = Pick<SecretsPort, 'listVersions' | 'getResourcePolicy'>;

/** Who "did it" for a sweep finding: nobody; time passed, or an event was missed. */
export const SWEEP_ACTOR: Actor = { kind: 'sweep', principal: 'secrets-remediator sweep', isPerson: false, isAllowedAdmin: false };

export const SWEEP_EVENT_NAME = 'ScheduledSweep';
export const SWEEP_DETAIL_TYPE = 'Scheduled Sweep';

/** Where a sweep finding's secret came from, in `SecretRef.foundAt`. */
export const SWEEP_FOUND_AT = 'ListSecrets.SecretList[].ARN';

/**
 * A sweep finding's id: one per rule, secret and UTC day. A run repeated the same day (a retry,
 * a manual scan) yields the same ids, which the ledger deduplicates; tomorrow's run raises what
 * is still wrong again.
 * @example
 * sweepFindingId('unused', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf', new Date('2026-11-25T12:00:00Z'));
 * // 'sweep/2026-11-25/unused/arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf'
 */
export const sweepFindingId = (rule: SweepRuleId, secretArn: string, now: Date): string => `sweep/${utcDay(now)}/${rule}/${secretArn}`;

/**
 * Judges one listed secret.
 *
 * A secret that disappears between the listing and a closer look (SecretNotFoundError) yields no
 * finding for the checks that needed that look. A look refused with PermissionDeniedError or
 * InvalidSecretStateError leaves those checks in `unjudged`, and the other checks are judged as
 * usual. Any other error propagates: the caller retries throttling, and a look still throttled
 * after that fails the run, which resumes from its last checkpoint.
 * @example
 * const { findings, exempt, perSecretCalls, unjudged } = await inspectSecret(listed, account.secrets, { policy, now, runId });
 */
export const inspectSecret = async (secret: SecretState, secrets: CloserLookReads, context: SweepContext): Promise<SecretInspection> => {
  if (isExempt(secret, context.policy)) return { findings: [], exempt: true, perSecretCalls: 0, unjudged: [] };

  const checked = SWEEP_RULE_IDS.map((rule) => ({
    rule,
    result: sweepCheckOf(rule)(secret, { policy: context.policy, now: context.now }),
  }));
  const wants = (look: 'versions' | 'resource-policy'): boolean =>
    checked.some(({ result }) => result.kind === 'closer-look' && result.look === look);

  let perSecretCalls = 0;
  const closerLook = async <T>(wanted: boolean, read: () => Promise<T>): Promise<Look<T> | undefined> => {
    if (!wanted) return undefined;
    perSecretCalls += 1;
    try {
      return { answer: await read() };
    } catch (error) {
      if (error instanceof SecretNotFoundError) return undefined;
      const refused = refusalOf(error);
      if (refused === undefined) throw error;
      return { refused };
    }
  };
  // Each look at most once, however many checks ask for it.
  const [versions, resourcePolicy] = await Promise.all([
    closerLook(wants('versions'), () => secrets.listVersions(secret.arn)),
    closerLook(wants('resource-policy'), () => secrets.getResourcePolicy(secret.arn)),
  ]);

  const unjudged: Unjudged[] = [];
  const judge = <T>(rule: SweepRuleId, look: Look<T> | undefined, decideWith: (answer: T) => Decided): Decided | undefined => {
    if (look === undefined) return undefined;
    if ('refused' in look) {
      unjudged.push({ rule, ...look.refused });
      return undefined;
    }
    return decideWith(look.answer);
  };
  const decide = (rule: SweepRuleId, result: CheckResult): Decided | undefined => {
    if (result.kind !== 'closer-look') return result;
    if (result.look === 'versions') return judge(rule, versions, result.decide);
    return judge(rule, resourcePolicy, result.decide);
  };

  const { ref, notes } = sweepSecretRef(secret, context);
  const event: EventRef = {
    id: context.runId,
    name: SWEEP_EVENT_NAME,
    detailType: SWEEP_DETAIL_TYPE,
    time: context.now.toISOString(),
    account: ref.account,
    region: ref.region,
  };
  const findings = checked.flatMap(({ rule, result }) => {
    const decided = decide(rule, result);
    if (decided?.kind !== 'fail') return [];
    return [
      findingOf(ruleById(rule), {
        id: sweepFindingId(rule, secret.arn, context.now),
        reason: decided.reason,
        ...(decided.control ? { control: decided.control } : {}),
        secret: ref,
        actor: SWEEP_ACTOR,
        event,
        evidence: decided.evidence,
        notes: [...notes, ...(decided.notes ?? [])],
      }),
    ];
  });
  return { findings, exempt: false, perSecretCalls, unjudged };
};

type Refusal = Pick<Unjudged, 'reason' | 'message'>;

/** A closer look's outcome: AWS's answer, or its refusal. */
type Look<T> = { readonly answer: T } | { readonly refused: Refusal };

/**
 * The refusals that leave a check unjudged; undefined for any other error, which propagates.
 * Both are final for this secret (a retry gets the same answer) and say nothing about the others.
 */
const refusalOf = (error: unknown): Refusal | undefined => {
  if (error instanceof PermissionDeniedError) return { reason: 'AccessDenied', message: error.message };
  if (error instanceof InvalidSecretStateError) return { reason: 'InvalidSecretState', message: error.message };
  return undefined;
};

// arn:partition:secretsmanager:region:account:secret:name-XXXXXX
const SECRET_ARN = /^arn:[\w-]+:secretsmanager:([\w-]*):([^:]*):secret:/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * The listed secret as a finding's `SecretRef`: its ARN to call with, its name from the listing
 * (never guessed from the ARN), and its account and Region from the ARN, else from the run.
 */
const sweepSecretRef = (secret: SecretState, context: SweepContext): { ref: SecretRef; notes: string[] } => {
  const [, arnRegion = '', arnAccount = ''] = SECRET_ARN.exec(secret.arn) ?? [];
  const account = arnAccount || context.account || '';
  const region = arnRegion || context.region || '';
  const notes = ACCOUNT_ID.test(account) ? [] : [`account '${account}' is not a 12-digit AWS account id`];
  return { ref: { id: secret.arn, arn: secret.arn, name: secret.name, account, region, foundAt: SWEEP_FOUND_AT }, notes };
};
