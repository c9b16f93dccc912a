/**
 * alert: a "Secret Finding" that plans no action, or a "Remediation Result", in; the alert use
 * case (shared/alerts/alert-use-case.ts) decides and sends the finding's one alert.
 */
import { type AlertOutcome as Sent, type AlertPorts, alertUseCase, type AlertUseCaseSettings } from '../alerts/alert-use-case.js';
import { parseWith } from '../contracts/cloudtrail-event.js';
import {
  type ActionResult,
  FINDING_DETAIL_TYPE,
  type Finding,
  RemediationResultEventSchema,
  RESULT_DETAIL_TYPE,
  SecretFindingEventSchema,
} from '../contracts/finding.js';
import { InvalidEventError } from '../errors.js';
import { logger } from '../logger.js';
import { countingFailures, recordAlert, recordAlertOutcome } from '../metrics.js';
import { baseChain } from '../middleware/base-chain.js';
import type { Rejected } from '../middleware/settle-errors.js';

export type { AlertPorts } from '../alerts/alert-use-case.js';
export type AlertOutcome = Sent | Rejected;

export const makeHandler = (ports: AlertPorts, settings: AlertUseCaseSettings) => {
  const alert = alertUseCase(ports, settings);
  return baseChain<AlertOutcome>().handler(async (raw, context): Promise<AlertOutcome> => {
    const { finding, result } = parseAlertInput(raw);
    logger.appendKeys({ eventId: finding.event.id, findingId: finding.id, ruleId: finding.rule, secretArn: finding.secret.id });
    const outcome = await countingFailures(recordAlert, () => alert(finding, result, () => context.getRemainingTimeInMillis()));
    recordAlertOutcome(outcome);
    return outcome;
  });
};

const parseAlertInput = (raw: unknown): { finding: Finding; result?: ActionResult } => {
  const detailType = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['detail-type'] : undefined;
  if (detailType === FINDING_DETAIL_TYPE) return { finding: parseWith(SecretFindingEventSchema, raw).detail };
  if (detailType === RESULT_DETAIL_TYPE) return parseWith(RemediationResultEventSchema, raw).detail;
  throw new InvalidEventError([`detail-type: expected '${FINDING_DETAIL_TYPE}' or '${RESULT_DETAIL_TYPE}'`]);
};
