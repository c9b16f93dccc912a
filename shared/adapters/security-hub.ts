/**
 * SecurityHubPort over the AWS SDK v3 Security Hub client: BatchImportFindings in batches of at
 * most 100 findings and 6 MB (the API's limits), one call after another — Security Hub allows 10
 * calls a second per account and Region, and one alert or one scan rarely needs more than one.
 * Refused findings (FailedFindings) are returned, not thrown: retrying the same document would
 * be refused the same way. A call that fails outright is mapped (ThrottlingError, ...) and thrown.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  SecurityHubClient,
  type SecurityHubClientConfig,
} from '@aws-sdk/client-securityhub';
import type { AsffDocument, RefusedFinding, SecurityHubPort } from '../ports/security-hub.js';
import { callAws } from './aws-errors.js';

/** BatchImportFindings' limits: findings per call, and bytes per call (the request's JSON). */
export const MAX_FINDINGS_PER_CALL = 100;
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Room for the request's own JSON around the findings (`{"Findings":[...]}` and commas). */
const ENVELOPE_BYTES = 1024;

/** The findings in batches that each fit one call. */
export const batchesOf = (findings: readonly AsffDocument[]): AsffDocument[][] => {
  const batches: AsffDocument[][] = [];
  let batch: AsffDocument[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const finding of findings) {
    const size = Buffer.byteLength(JSON.stringify(finding), 'utf8') + 1;
    if (batch.length > 0 && (batch.length === MAX_FINDINGS_PER_CALL || bytes + size > MAX_REQUEST_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = ENVELOPE_BYTES;
    }
    batch.push(finding);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
};

export const securityHubAdapter = (client: SecurityHubClient): SecurityHubPort => ({
  importFindings: async (findings) => {
    let imported = 0;
    const refused: RefusedFinding[] = [];
    for (const batch of batchesOf(findings)) {
      // The documents are ASFF as the builder makes them (shared/securityhub/asff.ts); the SDK's type is the same shape.
      const Findings = batch as unknown as AwsSecurityFinding[];
      const output = await callAws('securityhub', 'BatchImportFindings', () => client.send(new BatchImportFindingsCommand({ Findings })));
      imported += output.SuccessCount ?? 0;
      for (const failed of output.FailedFindings ?? []) {
        refused.push({ id: failed.Id ?? 'unknown', code: failed.ErrorCode ?? 'unknown', message: failed.ErrorMessage ?? '' });
      }
    }
    return { imported, refused };
  },
});

/** The adapter on a client of its own, made with `config` (what the composition root loads with `import()` when first needed). */
export const securityHubAdapterFor = (config: SecurityHubClientConfig): SecurityHubPort =>
  securityHubAdapter(new SecurityHubClient(config));
