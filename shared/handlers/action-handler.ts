/**
 * The handler every action function is: a "Secret Finding" that plans the action in, the
 * remediation use case, a "Remediation Result" out (and a structured audit log line). Each
 * action function is this, wired with its own definition and role.
 */
import type { ActionDefinition } from '../actions/types.js';
import { parseWith } from '../contracts/cloudtrail-event.js';
import { type ActionResult, type Mode, resultBusEvent, secretFindingEventSchema } from '../contracts/finding.js';
import { remediate } from '../actions/runner.js';
import { logger } from '../logger.js';
import { recordAction } from '../metrics.js';
import { baseChain } from '../middleware/base-chain.js';
import { deploymentOf } from './deployment.js';
import type { Rejected } from '../middleware/settle-errors.js';
import type { Policy } from '../policy/schema.js';
import type { MemberPorts } from '../domain/member-reach.js';
import type { CompliancePort, Ports } from '../ports/index.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';

export type ActionOutcome =
  | { readonly status: ActionResult['outcome']; readonly findingId: string; readonly reason: string }
  | { readonly status: 'duplicate'; readonly findingId: string }
  | { readonly status: 'ignored'; readonly reason: string }
  | Rejected;

/**
 * What an action function talks to. The Config client only for an action that declares a Config
 * rule (`configRule`): the others never ask Config to re-evaluate, so they neither build nor bundle it.
 * CloudTrail's event history only for restore-secret (who deleted a secret that is still read).
 */
export type ActionPorts = Pick<Ports, 'secrets' | 'bus' | 'ledger' | 'clock'> & {
  readonly compliance?: CompliancePort;
  readonly history?: CloudTrailHistoryPort;
} & MemberPorts;

export interface ActionSettings {
  readonly policy: Policy;
  readonly mode: Mode;
  /** The stage, which names the member roles (organisation mode). */
  readonly stage?: string;
}

export const makeActionHandler = (action: ActionDefinition, ports: ActionPorts, settings: ActionSettings) => {
  if (action.configRule && !ports.compliance)
    throw new Error(
      `${action.type} declares the Config rule ${action.configRule}: wire a compliance port (awsCompliance()) in its handler`,
    );
  return baseChain<ActionOutcome>().handler(async (raw, lambdaContext): Promise<ActionOutcome> => {
    const { detail: finding } = parseWith(secretFindingEventSchema(), raw);
    logger.appendKeys({
      eventId: finding.event.id,
      findingId: finding.id,
      ruleId: finding.rule,
      secretArn: finding.secret.id,
      action: action.type,
    });
    if (!finding.actions.includes(action.type)) {
      // The rule pattern should never send one; answering keeps a misrouted event harmless.
      return { status: 'ignored', reason: `the finding does not plan ${action.type}` };
    }
    const outcome = await remediate(action, finding, {
      ...ports,
      ...settings,
      ...deploymentOf(lambdaContext),
      remainingMs: lambdaContext.getRemainingTimeInMillis(),
    });
    if (outcome.kind === 'duplicate') {
      // Report the first delivery's result again (its publish may be what failed); alert sends it once.
      logger.info('duplicate delivery', { outcome: outcome.result?.outcome });
      if (outcome.result) await ports.bus.publish([resultBusEvent({ finding, result: outcome.result })]);
      return { status: 'duplicate', findingId: finding.id };
    }
    const { result } = outcome;
    // The audit trail: every decision, who caused it, what was done.
    logger.info('remediation finished', {
      outcome: result.outcome,
      reason: result.reason,
      mode: result.mode,
      // Where it acted: in organisation mode a member's account and region, through its member role.
      account: result.account,
      region: result.region,
      versionId: result.versionId,
      principal: finding.actor.principal,
      principalKind: finding.actor.kind,
    });
    recordAction(action.type, result.outcome);
    await ports.bus.publish([resultBusEvent({ finding, result })]);
    return { status: result.outcome, findingId: finding.id, reason: result.reason };
  });
};
