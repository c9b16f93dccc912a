/**
 * The ASFF builder against what Security Hub requires (shared/securityhub/asff-schema.ts, written
 * from the API reference): every rule's finding, alone and with its action's result, is a
 * document BatchImportFindings takes; the same finding gives the same Id; a repair imports it
 * PASSED and ARCHIVED.
 */
import { describe, expect, it } from 'vitest';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { RULE_IDS } from '../../shared/contracts/rule-ids.js';
import { FINDING_ID_FIELD } from '../../shared/contracts/securityhub-event.js';
import { ASFF_LIMITS, asffIdOf, defaultProductArn, RULE_TYPES, toAsff } from '../../shared/securityhub/asff.js';
import { asffProblems } from '../../shared/securityhub/asff-schema.js';
import { dryRunResult, findingForRule } from '../alerts/findings.js';

const NOW = new Date('2026-11-25T12:30:00.000Z');

/** Every top-level type of the ASFF types taxonomy (namespace/category), as the Security Hub guide lists them. */
const TAXONOMY = {
  'Software and Configuration Checks': ['Vulnerabilities', 'AWS Security Best Practices', 'Industry and Regulatory Standards'],
  TTPs: [
    'Initial Access',
    'Execution',
    'Persistence',
    'Privilege Escalation',
    'Defense Evasion',
    'Credential Access',
    'Discovery',
    'Lateral Movement',
    'Collection',
    'Command and Control',
  ],
  Effects: ['Data Exposure', 'Data Exfiltration', 'Data Destruction', 'Denial of Service', 'Resource Consumption'],
  'Unusual Behaviors': [
    'Application',
    'Network Flow',
    'IP address',
    'User',
    'VM',
    'Container',
    'Serverless',
    'Process',
    'Database',
    'Data',
  ],
  'Sensitive Data Identifications': ['PII', 'Passwords', 'Legal', 'Financial', 'Security', 'Business'],
} as const;

const applied = (finding: Finding): ActionResult => ({
  type: finding.actions[0] ?? 'enable-rotation',
  outcome: 'applied',
  mode: 'enforce',
  reason: 'done',
  state: { before: 'rotation off', after: 'rotation on' },
});

/** A published sample's account is redacted by its publisher (the word `accountid`): a real one has 12 digits. */
const withRealAccount = (finding: Finding): Finding =>
  /^\d{12}$/.test(finding.secret.account) ? finding : { ...finding, secret: { ...finding.secret, account: '123456789012' } };

describe('ASFF documents', () => {
  it.each(RULE_IDS)('%s: its finding is a document Security Hub accepts, alone and with its dry-run result', (rule) => {
    const finding = withRealAccount(findingForRule(rule));
    expect(asffProblems(toAsff(finding, undefined, { now: NOW }))).toEqual([]);
    expect(asffProblems(toAsff(finding, dryRunResult(finding), { now: NOW }))).toEqual([]);
  });

  it("names every rule's types from the ASFF taxonomy", () => {
    for (const [rule, types] of Object.entries(RULE_TYPES)) {
      for (const type of types) {
        const [namespace, category] = type.split('/') as [keyof typeof TAXONOMY, string];
        expect(TAXONOMY[namespace] as readonly string[], `${rule}: ${type}`).toContain(category);
      }
    }
  });

  it('gives the same finding the same Id whenever it is built, and two findings two Ids', () => {
    const finding = findingForRule('rotation-missing');
    const first = toAsff(finding, undefined, { now: NOW });
    const later = toAsff(finding, applied(finding), { now: new Date('2026-11-26T00:00:00Z') });
    expect(later.Id).toBe(first.Id);
    expect(toAsff(findingForRule('unused'), undefined, { now: NOW }).Id).not.toBe(first.Id);
  });

  it('imports an open finding FAILED and ACTIVE, and the same Id PASSED and ARCHIVED once its repair is applied', () => {
    const finding = findingForRule('rotation-missing');
    const open = toAsff(finding, dryRunResult(finding), { now: NOW });
    const repaired = toAsff(finding, applied(finding), { now: NOW });
    expect(open).toMatchObject({
      Compliance: { Status: 'FAILED', SecurityControlId: 'SecretsManager.1' },
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
    });
    expect(repaired).toMatchObject({
      Id: open.Id,
      Compliance: { Status: 'PASSED', SecurityControlId: 'SecretsManager.1' },
      RecordState: 'ARCHIVED',
    });
    expect(repaired.Resources[0]?.Details?.AwsSecretsManagerSecret.RotationEnabled).toBe(true);
    expect(open.Resources[0]?.Details?.AwsSecretsManagerSecret.RotationEnabled).toBe(false);
  });

  it("writes under the default product of the finding's own account and region, one generator per rule", () => {
    const finding = findingForRule('policy-public');
    const document = toAsff(finding, undefined, { now: NOW });
    expect(document.ProductArn).toBe(
      `arn:aws:securityhub:${finding.secret.region}:${finding.secret.account}:product/${finding.secret.account}/default`,
    );
    expect(document).toMatchObject({
      AwsAccountId: finding.secret.account,
      Region: finding.secret.region,
      GeneratorId: 'secrets-remediator/policy-public',
    });
    expect(defaultProductArn('111122223333', 'cn-north-1')).toBe(
      'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default',
    );
  });

  it('names the secret by its ARN as an AwsSecretsManagerSecret resource, and a finding about a caller by its account', () => {
    const finding = findingForRule('rotation-missing');
    expect(toAsff(finding, undefined, { now: NOW }).Resources).toEqual([
      expect.objectContaining({ Type: 'AwsSecretsManagerSecret', Id: finding.secret.arn, Partition: 'aws', Region: finding.secret.region }),
    ]);
    const aboutCaller: Finding = {
      ...findingForRule('access-denied-burst'),
      secret: { id: '*', account: '123456789012', region: 'us-east-1', foundAt: 'none' },
    };
    expect(toAsff(aboutCaller, undefined, { now: NOW }).Resources).toEqual([
      { Type: 'AwsAccount', Id: 'AWS::::Account:123456789012', Partition: 'aws', Region: 'us-east-1' },
    ]);
  });

  it('sets SecurityControlId only for rules Security Hub has a control for', () => {
    expect(toAsff(findingForRule('unused'), undefined, { now: NOW }).Compliance.SecurityControlId).toBe('SecretsManager.3');
    expect(toAsff(findingForRule('policy-public'), undefined, { now: NOW }).Compliance).toEqual({ Status: 'FAILED' });
  });

  it('carries the action and its outcome in ProductFields, as strings', () => {
    const finding = findingForRule('secret-deleted');
    const fields = toAsff(
      finding,
      { type: 'restore-secret', outcome: 'failed', mode: 'enforce', reason: 'AccessDenied on RestoreSecret' },
      { now: NOW },
    ).ProductFields;
    expect(fields).toMatchObject({
      [FINDING_ID_FIELD]: finding.id,
      'secrets-remediator/action': 'restore-secret',
      'secrets-remediator/outcome': 'failed',
      'secrets-remediator/mode': 'enforce',
    });
    expect(Object.values(fields).every((value) => typeof value === 'string')).toBe(true);
  });

  it("keeps Title, Description and the recommendation within their limits, cut inside no character, from the finding's own (redacted) text", () => {
    const finding = findingForRule('rotation-failed');
    const long: Finding = { ...finding, title: `${'🔑'.repeat(300)}`, reason: `${'é'.repeat(900)} ${'🔑'.repeat(400)}` };
    const document = toAsff(long, undefined, { now: NOW });
    expect([...document.Title].length).toBeLessThanOrEqual(ASFF_LIMITS.titleChars);
    expect([...document.Description].length).toBeLessThanOrEqual(ASFF_LIMITS.descriptionChars);
    expect(document.Description).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(asffProblems(document)).toEqual([]);
  });

  it('bounds a long finding id to 512 characters and keeps two long ids apart', () => {
    const a = asffIdOf({ id: `${'x'.repeat(600)}a` });
    const b = asffIdOf({ id: `${'x'.repeat(600)}b` });
    expect(a.length).toBeLessThanOrEqual(ASFF_LIMITS.idChars);
    expect(a).not.toBe(b);
  });

  it('never dates the finding after the import (UpdatedAt would come before CreatedAt)', () => {
    const finding = findingForRule('unused');
    const future: Finding = { ...finding, event: { ...finding.event, time: '2099-01-01T00:00:00Z' } };
    const document = toAsff(future, undefined, { now: NOW });
    expect(document.CreatedAt).toBe(NOW.toISOString());
    expect(asffProblems(document)).toEqual([]);
  });
});
