/**
 * Security Hub's "Security Hub Findings - Imported" event: the ASFF fields the service reads
 * (required where the ASFF reference requires them, a timestamp only as a date), which control
 * findings are triggers and for which Config rule, what this service imported itself (never a
 * trigger), and an event of several findings split into one event per finding.
 */
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../shared/contracts/cloudtrail-event.js';
import {
  CONTROL_MANAGED_RULES,
  FINDING_ID_FIELD,
  type ImportedFinding,
  importedFindingOf,
  isOwnImport,
  isSecurityHubControl,
  type SecurityHubFindingsEvent,
  securityHubFindingsEventSchema,
  splitFindings,
} from '../../shared/contracts/securityhub-event.js';
import { MANAGED_RULES } from '../../shared/contracts/config-event.js';
import { InvalidEventError } from '../../shared/errors.js';
import { loadSampleEvent } from '../helpers/events.js';

const FAILED_CONTROL = 'rotation-missing/fires.SecurityHub.authored.SecretsManager.1.json';
const OWN_IMPORT = 'rotation-missing/silent.SecurityHub.authored.imported-by-this-service.json';

type Sample = Record<string, unknown> & { detail: { findings: Record<string, unknown>[] } };

const parsedSample = (file: string): SecurityHubFindingsEvent => parseWith(securityHubFindingsEventSchema(), loadSampleEvent(file));

/** The problems parsing `raw` names; a valid event fails the test. */
const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseWith(securityHubFindingsEventSchema(), raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected the event to be refused');
};

/** The failed SecretsManager.1 sample with its one finding changed by `change`. */
const withFinding = (change: (finding: Record<string, unknown>) => Record<string, unknown>): Sample => {
  const event = loadSampleEvent<Sample>(FAILED_CONTROL);
  event.detail.findings = event.detail.findings.map(change);
  return event;
};

describe('Schema: securityHubFindingsEventSchema()', () => {
  it('parses a failed control finding, keeping the ASFF fields it does not read', () => {
    // Act
    const finding = importedFindingOf(parsedSample(FAILED_CONTROL));

    // Assess
    expect(finding).toMatchObject({
      GeneratorId: 'security-control/SecretsManager.1',
      Compliance: { SecurityControlId: 'SecretsManager.1' },
      Resources: [{ Type: 'AwsSecretsManagerSecret', Details: { AwsSecretsManagerSecret: { Name: 'dev/tools/ci-token' } } }],
    });
  });

  it.each<[string, (finding: Record<string, unknown>) => Record<string, unknown>, string]>([
    ['a finding without its Id', ({ Id: _id, ...finding }) => finding, 'detail.findings.0.Id: missing (expected string)'],
    [
      'an empty GeneratorId',
      (finding) => ({ ...finding, GeneratorId: '' }),
      'detail.findings.0.GeneratorId: Too small: expected string to have >=1 characters',
    ],
    [
      'a finding about no resource',
      (finding) => ({ ...finding, Resources: [] }),
      'detail.findings.0.Resources: Too small: expected array to have >=1 items',
    ],
    [
      'a CreatedAt that is not a date',
      (finding) => ({ ...finding, CreatedAt: 'yesterday' }),
      'detail.findings.0.CreatedAt: Invalid ISO datetime',
    ],
  ])('refuses %s, naming the field', (_label, change, problem) => {
    // Act
    const problems = problemsOf(withFinding(change));

    // Assess
    expect(problems).toStrictEqual([problem]);
  });

  it('refuses an event carrying no finding', () => {
    // Prepare
    const event = loadSampleEvent<Sample>(FAILED_CONTROL);
    event.detail.findings = [];

    // Act
    const problems = problemsOf(event);

    // Assess
    expect(problems).toStrictEqual(['detail.findings: Too small: expected array to have >=1 items']);
  });

  it('takes a timestamp with an offset as well as in UTC', () => {
    // Act
    const event = parseWith(
      securityHubFindingsEventSchema(),
      withFinding((finding) => ({ ...finding, UpdatedAt: '2026-11-24T08:04:51+02:00' })),
    );

    // Assess
    expect(importedFindingOf(event).UpdatedAt).toBe('2026-11-24T08:04:51+02:00');
  });
});

describe('Function: isOwnImport', () => {
  const other: Pick<ImportedFinding, 'ProductName' | 'GeneratorId' | 'ProductFields'> = {
    ProductName: 'Security Hub',
    GeneratorId: 'security-control/SecretsManager.1',
    ProductFields: { 'aws/securityhub/ProductName': 'Security Hub' },
  };

  it('knows the sample this service imported itself, and not the control finding Security Hub sent', () => {
    // Act
    const own = isOwnImport(importedFindingOf(parsedSample(OWN_IMPORT)));
    const security = isOwnImport(importedFindingOf(parsedSample(FAILED_CONTROL)));

    // Assess
    expect(own).toBe(true);
    expect(security).toBe(false);
  });

  it.each([
    ['its ProductName', { ProductName: 'secrets-remediator' }],
    ['its generator', { GeneratorId: 'secrets-remediator/rotation-missing' }],
    ['its finding id among the ProductFields', { ProductFields: { [FINDING_ID_FIELD]: 'e-1/rotation-missing' } }],
  ])('knows its own by any one mark: %s', (_label, mark) => {
    // Act
    const own = isOwnImport({ ...other, ...mark });

    // Assess
    expect(own).toBe(true);
  });

  it('takes a finding without ProductName or ProductFields as another product’s', () => {
    // Act
    const own = isOwnImport({ GeneratorId: 'security-control/SecretsManager.4' });

    // Assess
    expect(own).toBe(false);
  });
});

describe('Function: isSecurityHubControl', () => {
  it.each(['SecretsManager.1', 'SecretsManager.2', 'SecretsManager.3', 'SecretsManager.4'])('takes %s as a trigger', (control) => {
    // Assess
    expect(isSecurityHubControl(control)).toBe(true);
  });

  it.each(['SecretsManager.5', 'CloudTrail.2', 'secretsmanager.1', 'constructor', 'toString', ''])('takes %s as no trigger', (control) => {
    // Assess
    expect(isSecurityHubControl(control)).toBe(false);
  });

  it('maps each control to a managed Config rule the service reads', () => {
    // Assess
    expect(Object.values(CONTROL_MANAGED_RULES).filter((rule) => !(MANAGED_RULES as readonly string[]).includes(rule))).toStrictEqual([]);
    expect(CONTROL_MANAGED_RULES['SecretsManager.1']).toBe('secretsmanager-rotation-enabled-check');
  });
});

describe('Function: splitFindings', () => {
  it('answers an event of one finding as it is', () => {
    // Prepare
    const event = parsedSample(FAILED_CONTROL);

    // Act
    const split = splitFindings(event);

    // Assess
    expect(split).toHaveLength(1);
    expect(split[0]).toBe(event);
  });

  it('makes one event per finding, each in the envelope it came in, with that finding alone', () => {
    // Prepare
    const sample = loadSampleEvent<Sample>(FAILED_CONTROL);
    const [first] = sample.detail.findings;
    sample.detail.findings.push({ ...first, Id: `${String(first?.Id)}-2` }, { ...first, Id: `${String(first?.Id)}-3` });
    const event = parseWith(securityHubFindingsEventSchema(), sample);

    // Act
    const split = splitFindings(event);

    // Assess
    expect(split.map((part) => part.detail.findings.map((finding) => finding.Id))).toStrictEqual(event.detail.findings.map((f) => [f.Id]));
    for (const part of split) expect({ ...part, detail: undefined }).toStrictEqual({ ...event, detail: undefined });
    expect(event.detail.findings).toHaveLength(3);
  });
});
