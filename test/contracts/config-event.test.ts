/**
 * AWS Config's "Config Rules Compliance Change", as EventBridge delivers it: every Config sample
 * parses, what the service does not read is kept rather than dropped or required, and a change
 * without what it needs is refused with the field named.
 */
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent, parseWith } from '../../shared/contracts/cloudtrail-event.js';
import { CONFIG_COMPLIANCE_CHANGE, CONFIG_SOURCE, configComplianceEventSchema } from '../../shared/contracts/config-event.js';
import { InvalidEventError } from '../../shared/errors.js';
import { loadSampleEvent, sampleEventFiles } from '../helpers/events.js';

const UNUSED = 'unused/fires.NON_COMPLIANT.authored.secret-unused.json';

type Sample = { source: string; 'detail-type': string; detail: Record<string, unknown> & { newEvaluationResult: Record<string, unknown> } };

/** The problems parsing `raw` as a Config change names; a valid change fails the test. */
const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseWith(configComplianceEventSchema(), raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected the change to be refused');
};

describe('Schema: configComplianceEventSchema()', () => {
  const configSamples = sampleEventFiles().filter((file) => loadSampleEvent<{ source?: string }>(file).source === CONFIG_SOURCE);

  it('finds the Config samples to parse, compliant and not', () => {
    // Act
    const types = new Set(configSamples.map((file) => loadSampleEvent<Sample>(file).detail.newEvaluationResult.complianceType));

    // Assess: a filter that found nothing would pass every sample test below.
    expect(configSamples.length).toBeGreaterThanOrEqual(8);
    expect(types).toStrictEqual(new Set(['NON_COMPLIANT', 'COMPLIANT']));
  });

  it.each(configSamples)('parses the sample %s, as classify dispatches it', (file) => {
    // Prepare
    const raw = loadSampleEvent<Sample>(file);

    // Act
    const parsed = parseClassifiableEvent(raw);

    // Assess
    expect(parsed.kind).toBe('config');
    expect(parsed.event.detail).toMatchObject({ configRuleName: raw.detail.configRuleName });
    expect(raw['detail-type']).toBe(CONFIG_COMPLIANCE_CHANGE);
  });

  it('keeps the fields it does not read (lenient, not lossy)', () => {
    // Act
    const event = parseWith(configComplianceEventSchema(), loadSampleEvent(UNUSED));

    // Assess
    expect(event.detail).toMatchObject({ recordVersion: '1.0' });
  });

  it('takes a change with no earlier result, a null annotation and no evaluation identifier', () => {
    // Prepare
    const raw = loadSampleEvent<Sample>(UNUSED);
    raw.detail.oldEvaluationResult = null;
    raw.detail.newEvaluationResult = { complianceType: 'NON_COMPLIANT', annotation: null };

    // Act
    const event = parseWith(configComplianceEventSchema(), raw);

    // Assess
    expect(event.detail.newEvaluationResult).toStrictEqual({ complianceType: 'NON_COMPLIANT', annotation: null });
    expect(event.detail.oldEvaluationResult).toBeNull();
  });

  it('rejects a Config compliance change without its rule name, naming the field', () => {
    const raw = loadSampleEvent<{ detail: Record<string, unknown> }>('unused/fires.NON_COMPLIANT.authored.secret-unused.json');
    delete raw.detail.configRuleName;

    expect(() => parseClassifiableEvent(raw)).toThrow(/detail\.configRuleName: missing \(expected string\)/);
  });

  it.each<[string, (raw: Sample) => void, string]>([
    [
      'a result without its compliance type',
      (raw) => delete raw.detail.newEvaluationResult.complianceType,
      'detail.newEvaluationResult.complianceType: missing (expected string)',
    ],
    [
      'a change without its new result',
      (raw) => delete (raw.detail as Partial<Sample['detail']>).newEvaluationResult,
      'detail.newEvaluationResult: missing (expected object)',
    ],
    [
      'an account id as a number',
      (raw) => (raw.detail.awsAccountId = 123456789012),
      'detail.awsAccountId: Invalid input: expected string, received number',
    ],
    ['a source other than aws.config', (raw) => (raw.source = 'aws.securityhub'), 'source: Invalid input: expected "aws.config"'],
  ])('refuses %s, naming the field', (_label, spoil, problem) => {
    // Prepare
    const raw = loadSampleEvent<Sample>(UNUSED);
    spoil(raw);

    // Act
    const problems = problemsOf(raw);

    // Assess
    expect(problems).toStrictEqual([problem]);
  });
});
