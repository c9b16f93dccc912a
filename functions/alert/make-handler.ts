/**
 * alert: one SNS message per finding, once it has settled — from the finding itself when it
 * plans no action, else from its action's "Remediation Result". May only publish to the topic.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseWith } from '../../shared/contracts/cloudtrail-event.js';
import {
  type ActionResult,
  FINDING_DETAIL_TYPE,
  type Finding,
  RemediationResultEventSchema,
  RESULT_DETAIL_TYPE,
  SecretFindingEventSchema,
} from '../../shared/contracts/finding.js';
import { renderAlert } from '../../shared/domain/alert.js';
import { IN_PROGRESS_MINUTES } from '../../shared/domain/remediate.js';
import { InvalidEventError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { type Rejected, settleErrors } from '../../shared/middleware/settle-errors.js';
import type { Ports } from '../../shared/ports/index.js';

export type AlertOutcome =
  | { readonly status: 'sent'; readonly findingId: string; readonly subject: string }
  | { readonly status: 'duplicate'; readonly findingId: string }
  | { readonly status: 'ignored'; readonly reason: string }
  | Rejected;

/** How long a sent alert is remembered: longer than any redelivery or retry of its finding. */
const REMEMBER_HOURS = 48;

export const makeHandler = (ports: Pick<Ports, 'notifier' | 'ledger' | 'clock'>) =>
  middy<unknown, AlertOutcome>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(settleErrors(logger))
    .handler(async (raw): Promise<AlertOutcome> => {
      const { finding, result } = parseAlertInput(raw);
      logger.appendKeys({ eventId: finding.event.id, findingId: finding.id, ruleId: finding.rule, secretArn: finding.secret.id });
      if (!result && finding.needsRemediation) {
        // Its action's result will carry the alert; sending now would make two.
        return { status: 'ignored', reason: 'the finding awaits its remediation result' };
      }
      // One alert per finding, however often the finding or its result is delivered.
      const key = `alert#${finding.id}`;
      const now = ports.clock.now().getTime();
      // A short hold while sending, so an invocation that dies here does not swallow the alert.
      const claim = await ports.ledger.claim(key, new Date(now + IN_PROGRESS_MINUTES * 60_000));
      if (!claim.claimed) return { status: 'duplicate', findingId: finding.id };
      const message = renderAlert(finding, result);
      try {
        await ports.notifier.publish(message);
      } catch (error) {
        await ports.ledger.release(key); // so the retry sends it
        throw error;
      }
      await ports.ledger.complete(key, 'sent', new Date(now + REMEMBER_HOURS * 3_600_000));
      logger.info('alert sent', { subject: message.subject, severity: finding.severity, outcome: result?.outcome });
      return { status: 'sent', findingId: finding.id, subject: message.subject };
    });

const parseAlertInput = (raw: unknown): { finding: Finding; result?: ActionResult } => {
  const detailType = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['detail-type'] : undefined;
  if (detailType === FINDING_DETAIL_TYPE) return { finding: parseWith(SecretFindingEventSchema, raw).detail };
  if (detailType === RESULT_DETAIL_TYPE) return parseWith(RemediationResultEventSchema, raw).detail;
  throw new InvalidEventError([`detail-type: expected '${FINDING_DETAIL_TYPE}' or '${RESULT_DETAIL_TYPE}'`]);
};
