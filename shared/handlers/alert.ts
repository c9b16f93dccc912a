/**
 * alert: a "Secret Finding" that plans no action, or a "Remediation Result", in; the alert use
 * case (shared/alerts/alert-use-case.ts) decides and sends the finding's one alert, and — when
 * the policy turns `securityHub` on — the finding goes to Security Hub as ASFF
 * (shared/securityhub/export.ts): this function sees every finding once it has settled.
 */
import { type AlertOutcome as Sent, type AlertPorts, alertUseCase, type AlertUseCaseSettings } from '../alerts/alert-use-case.js';
import { parseWith } from '../contracts/cloudtrail-event.js';
import {
  type ActionResult,
  FINDING_DETAIL_TYPE,
  type Finding,
  remediationResultEventSchema,
  RESULT_DETAIL_TYPE,
  secretFindingEventSchema,
} from '../contracts/finding.js';
import { ConfigError, InvalidEventError } from '../errors.js';
import { logger } from '../logger.js';
import { countingFailures, recordAlert, recordAlertOutcome } from '../metrics.js';
import { baseChain } from '../middleware/base-chain.js';
import type { Rejected } from '../middleware/settle-errors.js';
import { memberTarget } from '../domain/organisation-scope.js';
import type { Policy } from '../policy/schema.js';
import type { MemberTarget } from '../ports/member-access.js';
import type { SecurityHubFor, SecurityHubTarget } from '../ports/security-hub.js';
import type { ExportOutcome, securityHubExport } from '../securityhub/export.js';
import { deploymentOf } from './deployment.js';

export type { AlertPorts } from '../alerts/alert-use-case.js';
/** The alert's outcome, and the Security Hub import's when the policy turns it on. */
export type AlertOutcome = (Sent & { readonly securityHub?: ExportOutcome }) | Rejected;

/** The alert's ports, and Security Hub's by account and Region (required when `securityHub.enabled`). */
export type AlertHandlerPorts = AlertPorts & { readonly securityHubFor?: SecurityHubFor };

export interface AlertHandlerSettings extends AlertUseCaseSettings {
  readonly securityHub?: { readonly enabled: boolean };
  /** Organisation mode: findings of member accounts go to the members' Security Hubs. */
  readonly organisation?: boolean;
}

/** The alert function's settings, from its policy. */
export const alertSettingsOf = (policy: Pick<Policy, 'alerts' | 'securityHub' | 'organisation'>): AlertHandlerSettings => ({
  alerts: policy.alerts,
  securityHub: policy.securityHub,
  organisation: policy.organisation.enabled,
});

/**
 * In organisation mode a member's findings go into its own Security Hub through its read role
 * (the role the member stack of `stage` holds), with a session CloudTrail in the member names.
 */
export const securityHubReadRole =
  (policy: Pick<Policy, 'organisation'>, stage: string) =>
  (place: SecurityHubTarget, hub: SecurityHubTarget): MemberTarget =>
    memberTarget({ organisation: policy.organisation, stage, hub, place, role: 'read', session: 'secrets-remediator-alert-securityhub' });

export const makeHandler = (ports: AlertHandlerPorts, settings: AlertHandlerSettings) => {
  const alert = alertUseCase(ports, settings);
  const toSecurityHub = securityHubOf(ports, settings);
  return baseChain<AlertOutcome>().handler(async (raw, context): Promise<AlertOutcome> => {
    const { finding, result } = parseAlertInput(raw);
    logger.appendKeys({ eventId: finding.event.id, findingId: finding.id, ruleId: finding.rule, secretArn: finding.secret.id });
    const outcome = await countingFailures(recordAlert, () => alert(finding, result, () => context.getRemainingTimeInMillis()));
    recordAlertOutcome(outcome);
    // After the alert: a failed import fails the invocation, and the retry finds the alert claimed.
    if (!toSecurityHub) return outcome;
    return { ...outcome, securityHub: await toSecurityHub(finding, result, deploymentOf(context)) };
  });
};

/**
 * The Security Hub export when the policy turns it on; its ports are checked at cold start, not on
 * the first finding. The export (the ASFF builder, its schema and the rule catalogue it reads) is
 * loaded with the first finding, so a policy without Security Hub never loads it.
 */
const securityHubOf = (ports: AlertHandlerPorts, settings: AlertHandlerSettings) => {
  if (!settings.securityHub?.enabled) return undefined;
  const { securityHubFor, clock } = ports;
  if (!securityHubFor)
    throw new ConfigError(
      'securityHub.enabled is on but the alert function has no Security Hub client: give it one (shared/adapters/aws-alert-account.ts awsSecurityHubFor)',
    );
  let loading: Promise<ReturnType<typeof securityHubExport>> | undefined;
  const exporter = () =>
    (loading ??= import('../securityhub/export.js').then(
      ({ securityHubExport }) => securityHubExport({ securityHubFor, clock }, { organisation: settings.organisation ?? false }),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  return async (finding: Finding, result: ActionResult | undefined, deployment: SecurityHubTarget): Promise<ExportOutcome> =>
    (await exporter())(finding, result, deployment);
};

const parseAlertInput = (raw: unknown): { finding: Finding; result?: ActionResult } => {
  const detailType = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['detail-type'] : undefined;
  if (detailType === FINDING_DETAIL_TYPE) return { finding: parseWith(secretFindingEventSchema(), raw).detail };
  if (detailType === RESULT_DETAIL_TYPE) return parseWith(remediationResultEventSchema(), raw).detail;
  throw new InvalidEventError([`detail-type: expected '${FINDING_DETAIL_TYPE}' or '${RESULT_DETAIL_TYPE}'`]);
};
