/**
 * clear-stale-pending: a "Secret Finding" that plans it in, a "Remediation Result" out. May only
 * DescribeSecret and UpdateSecretVersionStage, and PutEvents the result.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseWith } from '../../shared/contracts/cloudtrail-event.js';
import { type ActionResult, type Mode, resultBusEvent, SecretFindingEventSchema } from '../../shared/contracts/finding.js';
import { clearStalePending } from '../../shared/domain/remediate.js';
import { logger } from '../../shared/logger.js';
import { type Rejected, settleErrors } from '../../shared/middleware/settle-errors.js';
import type { Ports } from '../../shared/ports/index.js';

export type ClearStalePendingOutcome =
  | { readonly status: ActionResult['outcome']; readonly findingId: string; readonly reason: string }
  | { readonly status: 'ignored'; readonly reason: string }
  | Rejected;

export const makeHandler = (ports: Pick<Ports, 'secrets' | 'bus'>, mode: Mode) =>
  middy<unknown, ClearStalePendingOutcome>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(settleErrors(logger))
    .handler(async (raw): Promise<ClearStalePendingOutcome> => {
      const { detail: finding } = parseWith(SecretFindingEventSchema, raw);
      logger.appendKeys({ eventId: finding.event.id, findingId: finding.id, ruleId: finding.rule, secretArn: finding.secret.id });
      if (!finding.actions.includes('clear-stale-pending')) {
        // The rule pattern should never send one; answering keeps a misrouted event harmless.
        return { status: 'ignored', reason: 'the finding does not plan clear-stale-pending' };
      }
      const result = await clearStalePending(finding, ports.secrets, mode);
      logger.info('remediation finished', {
        action: result.type,
        outcome: result.outcome,
        reason: result.reason,
        mode,
        versionId: result.versionId,
        principal: finding.actor.principal,
      });
      await ports.bus.publish([resultBusEvent({ finding, result })]);
      return { status: result.outcome, findingId: finding.id, reason: result.reason };
    });
