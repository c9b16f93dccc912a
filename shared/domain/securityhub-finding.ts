/**
 * Judging a Security Hub control finding as a trigger. Pure. The rule pattern passes only
 * Security Hub's own control findings that are FAILED, ACTIVE and NEW or NOTIFIED; these checks
 * hold the same line for an event that reaches classify another way (the replay, `invoke`, a
 * redrive) and for the record an action judges again.
 */
import { createHash } from 'node:crypto';
import { type ImportedFinding, isOwnImport } from '../contracts/securityhub-event.js';

/** Workflow states in which a finding still asks for work (RESOLVED and SUPPRESSED do not). */
const OPEN_WORKFLOW: readonly string[] = ['NEW', 'NOTIFIED'];

/** Why the finding is no trigger, or undefined when it is one. */
export const securityHubRefusal = (finding: ImportedFinding): string | undefined => {
  if (isOwnImport(finding)) return 'imported into Security Hub by this service itself: never a trigger';
  if (finding.Compliance?.Status !== 'FAILED') return `its compliance status is ${finding.Compliance?.Status ?? 'not given'}, not FAILED`;
  if (finding.RecordState !== undefined && finding.RecordState !== 'ACTIVE')
    return `its record state is ${finding.RecordState}, not ACTIVE`;
  const workflow = finding.Workflow?.Status;
  if (workflow !== undefined && !OPEN_WORKFLOW.includes(workflow)) return `its workflow status is ${workflow}, not NEW or NOTIFIED`;
  return undefined;
};

/**
 * Names the finding once per Security Hub finding and UTC day: Security Hub sends an event at
 * every update of its finding, and each would otherwise be a finding (an action, an alert) of
 * its own. The Security Hub finding's Id (an ARN of up to 512 characters) enters as a hash.
 */
export const securityHubFindingKey = (finding: ImportedFinding, eventTime: string): string => {
  const day = (finding.UpdatedAt ?? eventTime).slice(0, 10);
  const hex = createHash('sha256').update(finding.Id).digest('hex');
  // Grouped like a UUID, as event ids are: what the alerts show of an id is not mistaken for a token.
  const grouped = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
  return `securityhub/${grouped}/${day}`;
};
