/**
 * Security Hub through its SDK adapter (BatchImportFindings over a mocked client): batches within
 * the API's limits, refused findings answered rather than thrown, throttling and a Security Hub
 * that is not enabled mapped to the service's errors.
 */
import { BatchImportFindingsCommand, InvalidAccessException, LimitExceededException, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { batchesOf, MAX_FINDINGS_PER_CALL, MAX_REQUEST_BYTES, securityHubAdapter } from '../../shared/adapters/security-hub.js';
import { PermissionDeniedError, ThrottlingError } from '../../shared/errors.js';
import type { AsffDocument } from '../../shared/ports/security-hub.js';

const document = (n: number, padding = 0): AsffDocument => ({
  Id: `secrets-remediator/finding-${n}`,
  AwsAccountId: '123456789012',
  Description: 'x'.repeat(padding),
});

const securityHub = mockClient(SecurityHubClient);
afterAll(() => securityHub.restore());
beforeEach(() => securityHub.reset());

const idsSent = (): string[][] =>
  securityHub.commandCalls(BatchImportFindingsCommand).map((call) => (call.args[0].input.Findings ?? []).map((f) => f.Id ?? ''));

describe('Security Hub adapter', () => {
  it('imports 250 findings in three calls of at most 100, in order', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .callsFake((input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
    const findings = Array.from({ length: 250 }, (_, n) => document(n));

    const answer = await securityHubAdapter(new SecurityHubClient({ region: 'us-east-1' })).importFindings(findings);

    expect(answer).toEqual({ imported: 250, refused: [] });
    expect(idsSent().map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(idsSent().flat()).toEqual(findings.map((f) => f.Id));
  });

  it('keeps every call under the 6 MB a request may weigh, however few findings that makes', () => {
    // 200 KB findings (under the 240 KB a finding may weigh): 30 of them pass 6 MB.
    const findings = Array.from({ length: 60 }, (_, n) => document(n, 200 * 1024));
    const batches = batchesOf(findings);

    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(MAX_FINDINGS_PER_CALL);
      expect(Buffer.byteLength(JSON.stringify({ Findings: batch }), 'utf8')).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    }
    expect(batches.flat()).toEqual(findings);
  });

  it('answers the findings Security Hub refused (FailedFindings), with its code and message', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 1,
      FailedCount: 1,
      FailedFindings: [
        {
          Id: 'secrets-remediator/finding-1',
          ErrorCode: 'InvalidInput',
          ErrorMessage: 'Finding does not adhere to the AWS Security Finding Format',
        },
      ],
    });

    const answer = await securityHubAdapter(new SecurityHubClient({ region: 'us-east-1' })).importFindings([document(0), document(1)]);

    expect(answer).toEqual({
      imported: 1,
      refused: [
        { id: 'secrets-remediator/finding-1', code: 'InvalidInput', message: 'Finding does not adhere to the AWS Security Finding Format' },
      ],
    });
  });

  it('maps throttling (LimitExceededException, HTTP 429) to ThrottlingError, so the invocation is retried', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .rejects(new LimitExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    const port = securityHubAdapter(new SecurityHubClient({ region: 'us-east-1', maxAttempts: 1 }));

    await expect(port.importFindings([document(0)])).rejects.toBeInstanceOf(ThrottlingError);
  });

  it('says Security Hub may not be enabled when it answers InvalidAccessException', async () => {
    securityHub.on(BatchImportFindingsCommand).rejects(
      new InvalidAccessException({
        message: 'Account 123456789012 is not subscribed to AWS Security Hub',
        $metadata: { httpStatusCode: 401 },
      }),
    );
    const port = securityHubAdapter(new SecurityHubClient({ region: 'us-east-1', maxAttempts: 1 }));

    const error: unknown = await port.importFindings([document(0)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).toContain('is Security Hub enabled in this account and Region?');
  });

  it('makes no call for no findings', async () => {
    expect(await securityHubAdapter(new SecurityHubClient({ region: 'us-east-1' })).importFindings([])).toEqual({
      imported: 0,
      refused: [],
    });
    expect(idsSent()).toEqual([]);
  });
});
