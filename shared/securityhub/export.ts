/**
 * Security Hub out: a finding (with its action's result, when there is one) imported as ASFF
 * into the Security Hub of the finding's own account and Region — the default product there
 * takes findings only from that account, so in organisation mode the port is the member's (its
 * read role), and with one account only the deployment's own. Run by the alert function, which
 * sees every finding that plans no action and every action's result, when `securityHub.enabled`.
 *
 * A document Security Hub would refuse (or did refuse), and a call refused for good (Security
 * Hub not enabled there, access denied), is logged and counted, not retried: sending it again
 * cannot fix it. Throttling and other passing failures throw, so the invocation is retried (the
 * alert's claims keep it from alerting twice).
 */
import type { ActionResult, Finding } from '../contracts/finding.js';
import { RemediationError } from '../errors.js';
import { logger } from '../logger.js';
import { recordSecurityHubImport } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { SecurityHubFor, SecurityHubTarget } from '../ports/security-hub.js';
import { toAsff } from './asff.js';
import { asffProblems } from './asff-schema.js';

export type ExportOutcome =
  | { readonly status: 'imported'; readonly asffId: string; readonly compliance: string }
  /** Security Hub refused it (FailedFindings), or it would: the problems say why. */
  | { readonly status: 'refused'; readonly asffId: string; readonly problems: readonly string[] }
  /** The finding's account and Region are not one this deployment may write to. */
  | { readonly status: 'not-writable'; readonly reason: string }
  /** The call failed in a way retrying cannot fix (Security Hub not enabled there, access denied). */
  | { readonly status: 'failed'; readonly asffId: string; readonly reason: string };

export interface SecurityHubExportPorts {
  readonly securityHubFor: SecurityHubFor;
  readonly clock: Clock;
}

export interface SecurityHubExportSettings {
  /** Organisation mode: members' Security Hubs too (through `securityHubFor`); else only the deployment's own. */
  readonly organisation: boolean;
}

/**
 * The export over its ports: answers each finding (and result) with what became of its import.
 * @param deployment - the account and Region the function runs in
 */
export const securityHubExport =
  ({ securityHubFor, clock }: SecurityHubExportPorts, { organisation }: SecurityHubExportSettings) =>
  async (finding: Finding, result: ActionResult | undefined, deployment: SecurityHubTarget): Promise<ExportOutcome> => {
    const target = { account: finding.secret.account, region: finding.secret.region };
    const own = target.account === deployment.account && target.region === deployment.region;
    const port = own || organisation ? securityHubFor(target, deployment) : undefined;
    if (!port) {
      const reason = `no Security Hub to write to for account ${target.account} in ${target.region}: ${
        organisation
          ? 'not a member account and Region in scope'
          : `with one account the service writes only to its own (${deployment.account} in ${deployment.region})`
      }`;
      logger.warn('finding not imported into Security Hub', { reason });
      recordSecurityHubImport('not-writable');
      return { status: 'not-writable', reason };
    }
    const document = toAsff(finding, result, { now: clock.now() });
    const problems = asffProblems(document);
    if (problems.length > 0) return refused(document.Id, problems);
    let answer;
    try {
      answer = await port.importFindings([document]);
    } catch (error) {
      // Throttling and outages are retried with the invocation; a refusal retrying cannot fix is
      // reported once and lets the alert stand.
      if (!(error instanceof RemediationError) || error.retryable) throw error;
      logger.error('Security Hub import failed; not retried, retrying cannot fix it', { asffId: document.Id, error });
      recordSecurityHubImport('failed');
      return { status: 'failed', asffId: document.Id, reason: error.message };
    }
    if (answer.refused.length > 0)
      return refused(
        document.Id,
        answer.refused.map((r) => `${r.code}: ${r.message}`),
      );
    logger.info('finding imported into Security Hub', {
      asffId: document.Id,
      compliance: document.Compliance.Status,
      recordState: document.RecordState,
    });
    recordSecurityHubImport('imported');
    return { status: 'imported', asffId: document.Id, compliance: document.Compliance.Status };
  };

const refused = (asffId: string, problems: readonly string[]): ExportOutcome => {
  logger.error('Security Hub refuses the finding; sending it again cannot help', { asffId, problems });
  recordSecurityHubImport('refused');
  return { status: 'refused', asffId, problems };
};
