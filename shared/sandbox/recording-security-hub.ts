/**
 * Security Hub as the replay sees it: keeps every finding imported, by account and Region, and
 * answers like BatchImportFindings (a finding whose account is not the target's is refused, as
 * Security Hub refuses a default-product finding imported from another account).
 */
import type { AsffDocument, SecurityHubFor, SecurityHubImport, SecurityHubTarget } from '../ports/security-hub.js';

export interface ImportedAsff {
  readonly target: SecurityHubTarget;
  readonly finding: AsffDocument;
}

export class RecordingSecurityHub {
  readonly imported: ImportedAsff[] = [];

  /** The Security Hub of each account and Region, all recorded here. */
  public readonly securityHubFor: SecurityHubFor = (target) => ({
    importFindings: (findings) => Promise.resolve(this.record(target, findings)),
  });

  private record(target: SecurityHubTarget, findings: readonly AsffDocument[]): SecurityHubImport {
    const refused = findings
      .filter((finding) => finding.AwsAccountId !== target.account)
      .map((finding) => ({
        id: finding.Id,
        code: 'AccessDeniedException',
        message: `a finding of account ${String(finding.AwsAccountId)} imported in account ${target.account}`,
      }));
    const accepted = findings.filter((finding) => finding.AwsAccountId === target.account);
    this.imported.push(...accepted.map((finding) => ({ target, finding })));
    return { imported: accepted.length, refused };
  }
}
