/** A Security Hub control finding as a trigger: which are refused and why, and the id one finding gets per day. */
import { describe, expect, it } from 'vitest';
import type { ImportedFinding } from '../../shared/contracts/securityhub-event.js';
import { securityHubFindingKey, securityHubRefusal } from '../../shared/domain/securityhub-finding.js';

/** A failed, active, new control finding of Security Hub's own (SecretsManager.1), as it imports them. */
const controlFinding = (change: Partial<ImportedFinding> = {}): ImportedFinding => ({
  Id: 'arn:aws:securityhub:us-east-1:123456789012:security-control/SecretsManager.1/finding/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
  ProductName: 'Security Hub',
  GeneratorId: 'security-control/SecretsManager.1',
  AwsAccountId: '123456789012',
  UpdatedAt: '2026-11-25T08:00:00.000Z',
  Resources: [{ Type: 'AwsSecretsManagerSecret', Id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-a1B2c3' }],
  Compliance: { Status: 'FAILED', SecurityControlId: 'SecretsManager.1' },
  RecordState: 'ACTIVE',
  Workflow: { Status: 'NEW' },
  ...change,
});

describe('Function: securityHubRefusal', () => {
  it.each([
    ['NEW', { Workflow: { Status: 'NEW' } }],
    ['NOTIFIED', { Workflow: { Status: 'NOTIFIED' } }],
    ['without a record state or workflow', { RecordState: undefined, Workflow: undefined }],
  ] as const)('takes a failed, active control finding as a trigger (%s)', (_label, change) => {
    expect(securityHubRefusal(controlFinding(change))).toBeUndefined();
  });

  it.each([
    ['passed', { Compliance: { Status: 'PASSED' } }, 'its compliance status is PASSED, not FAILED'],
    ['without a compliance status', { Compliance: undefined }, 'its compliance status is not given, not FAILED'],
    ['archived', { RecordState: 'ARCHIVED' }, 'its record state is ARCHIVED, not ACTIVE'],
    ['resolved', { Workflow: { Status: 'RESOLVED' } }, 'its workflow status is RESOLVED, not NEW or NOTIFIED'],
    ['suppressed', { Workflow: { Status: 'SUPPRESSED' } }, 'its workflow status is SUPPRESSED, not NEW or NOTIFIED'],
  ] as const)('refuses a finding %s, saying why', (_label, change, reason) => {
    expect(securityHubRefusal(controlFinding(change))).toBe(reason);
  });

  it.each([
    ['by its product name', { ProductName: 'secrets-remediator' }],
    ['by its generator', { GeneratorId: 'secrets-remediator/rotation-failed' }],
    ['by the finding id it carries', { ProductFields: { 'secrets-remediator/findingId': 'rotation-failed/abc' } }],
  ] as const)('never takes a finding this service imported itself, known %s', (_label, change) => {
    expect(securityHubRefusal(controlFinding(change))).toBe('imported into Security Hub by this service itself: never a trigger');
  });
});

describe('Function: securityHubFindingKey', () => {
  it('names a finding by a hash of its id, grouped like a UUID, and the UTC day it was updated', () => {
    // Act
    const key = securityHubFindingKey(controlFinding(), '2026-11-26T00:10:00Z');

    // Assess
    expect(key).toMatch(/^securityhub\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/2026-11-25$/);
    expect(key).not.toContain('SecretsManager.1');
  });

  it('gives every update of one finding on one day the same key, and the next day another', () => {
    // Act
    const morning = securityHubFindingKey(controlFinding({ UpdatedAt: '2026-11-25T08:00:00Z' }), '2026-11-25T08:00:05Z');
    const evening = securityHubFindingKey(controlFinding({ UpdatedAt: '2026-11-25T20:00:00Z' }), '2026-11-25T20:00:05Z');
    const nextDay = securityHubFindingKey(controlFinding({ UpdatedAt: '2026-11-26T08:00:00Z' }), '2026-11-26T08:00:05Z');

    // Assess
    expect(evening).toBe(morning);
    expect(nextDay).not.toBe(morning);
  });

  it("takes the event's day when the finding gives no update time, and tells two findings apart", () => {
    // Act
    const undated = securityHubFindingKey(controlFinding({ UpdatedAt: undefined }), '2026-11-27T01:00:00Z');
    const other = securityHubFindingKey(controlFinding({ Id: 'another-finding' }), '2026-11-25T08:00:05Z');

    // Assess
    expect(undated).toMatch(/\/2026-11-27$/);
    expect(other).not.toBe(securityHubFindingKey(controlFinding(), '2026-11-25T08:00:05Z'));
  });
});
