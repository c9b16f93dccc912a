/**
 * Security Hub as the replay sees it: every finding imported kept with the account and Region it
 * went to, and one of another account refused as BatchImportFindings refuses it.
 */
import { describe, expect, it } from 'vitest';
import type { AsffDocument } from '../../shared/ports/security-hub.js';
import { RecordingSecurityHub } from '../../shared/sandbox/recording-security-hub.js';

const HERE = { account: '123456789012', region: 'us-east-1' } as const;
const asff = (id: string, account: string): AsffDocument => ({ Id: id, AwsAccountId: account, Title: `finding ${id}` });

describe('Class: RecordingSecurityHub', () => {
  it("imports the target account's findings, keeping each with where it went", async () => {
    // Prepare
    const securityHub = new RecordingSecurityHub();
    const findings = [asff('f-1', HERE.account), asff('f-2', HERE.account)];

    // Act
    const answer = await securityHub.securityHubFor(HERE)?.importFindings(findings);

    // Assess
    expect(answer).toStrictEqual({ imported: 2, refused: [] });
    expect(securityHub.imported).toStrictEqual(findings.map((finding) => ({ target: HERE, finding })));
  });

  it('refuses a finding of another account, naming both, and imports the rest', async () => {
    // Prepare
    const securityHub = new RecordingSecurityHub();
    const member = asff('f-member', '444455556666');

    // Act
    const answer = await securityHub.securityHubFor(HERE)?.importFindings([member, asff('f-1', HERE.account)]);

    // Assess
    expect(answer).toStrictEqual({
      imported: 1,
      refused: [
        { id: 'f-member', code: 'AccessDeniedException', message: 'a finding of account 444455556666 imported in account 123456789012' },
      ],
    });
    expect(securityHub.imported.map((entry) => entry.finding.Id)).toStrictEqual(['f-1']);
  });

  it('records the findings of every account and Region in one place, each with its own target', async () => {
    // Prepare
    const securityHub = new RecordingSecurityHub();
    const member = { account: '444455556666', region: 'eu-west-1' } as const;

    // Act
    await securityHub.securityHubFor(HERE)?.importFindings([asff('f-1', HERE.account)]);
    await securityHub.securityHubFor(member)?.importFindings([asff('f-2', member.account)]);

    // Assess
    expect(securityHub.imported.map((entry) => [entry.finding.Id, entry.target])).toStrictEqual([
      ['f-1', HERE],
      ['f-2', member],
    ]);
  });
});
