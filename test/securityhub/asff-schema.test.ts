/**
 * What Security Hub requires of an imported finding, held on its own: a document the builder
 * makes is fit, and each requirement of the API reference (required attributes, their patterns
 * and limits, timestamps, the order of CreatedAt and UpdatedAt, the weight of a finding) refuses
 * a document that breaks it, saying where and what. The builder is held to it in asff.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ASFF_LIMITS, toAsff } from '../../shared/securityhub/asff.js';
import { asffProblems } from '../../shared/securityhub/asff-schema.js';
import { dryRunResult, findingForRule } from '../alerts/findings.js';

const NOW = new Date('2026-11-25T12:30:00.000Z');

/** A document the builder makes for a finding, as it would import it. */
const document = (): Record<string, unknown> => {
  const finding = findingForRule('secret-deleted');
  return { ...toAsff(finding, dryRunResult(finding), { now: NOW }) };
};

const withChange = (change: Record<string, unknown>): Record<string, unknown> => ({ ...document(), ...change });

describe('Function: asffProblems', () => {
  it('finds nothing wrong with a document the builder made, and lets fields it does not know through', () => {
    expect(asffProblems(document())).toStrictEqual([]);
    expect(asffProblems(withChange({ Note: { Text: 'n', UpdatedBy: 'u', UpdatedAt: NOW.toISOString() } }))).toStrictEqual([]);
  });

  it('says what is missing or too long in a document that is not fit to import', () => {
    // Prepare
    const unfit = withChange({ Title: 'x'.repeat(257), AwsAccountId: '12345' });
    delete unfit.Resources;

    // Act
    const problems = asffProblems(unfit);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Title: /),
        'AwsAccountId: expected a 12-digit account id',
        expect.stringMatching(/^Resources: /),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it.each(['Id', 'ProductArn', 'GeneratorId', 'Title', 'Description'])('refuses a blank %s', (field) => {
    expect(asffProblems(withChange({ [field]: ' \t' }))).toStrictEqual([`${field}: must not be blank`]);
  });

  it.each([
    ['Id', ASFF_LIMITS.idChars],
    ['GeneratorId', ASFF_LIMITS.generatorIdChars],
    ['Title', ASFF_LIMITS.titleChars],
    ['Description', ASFF_LIMITS.descriptionChars],
  ])('takes %s up to %i characters, and no more', (field, max) => {
    expect(asffProblems(withChange({ [field]: 'x'.repeat(max) }))).toStrictEqual([]);
    expect(asffProblems(withChange({ [field]: 'x'.repeat(max + 1) }))).toHaveLength(1);
  });

  it('takes only the schema version of the reference', () => {
    expect(asffProblems(withChange({ SchemaVersion: '2018-10-08' }))).toStrictEqual([]);
    expect(asffProblems(withChange({ SchemaVersion: '2019-01-01' }))[0]).toMatch(/^SchemaVersion: /);
  });

  it.each(['2026-11-25T12:30:00Z', '2026-11-25T12:30:00.123456789Z', '2026-11-25T14:30:00+02:00', '2026-11-25T14:30:00+0200'])(
    'takes the timestamp %s',
    (time) => {
      expect(asffProblems(withChange({ CreatedAt: '2026-11-25T10:00:00Z', UpdatedAt: time, FirstObservedAt: time }))).toStrictEqual([]);
    },
  );

  it.each(['2026-11-25', '2026-11-25T12:30:00', '2026-11-25T12:30:00.1234567890Z', '2026-11-25 12:30:00Z'])(
    'refuses the timestamp %s',
    (time) => {
      expect(asffProblems(withChange({ FirstObservedAt: time }))).toStrictEqual([
        'FirstObservedAt: expected an ASFF timestamp like 2019-01-31T23:00:00.123Z',
      ]);
    },
  );

  it('refuses an UpdatedAt before CreatedAt', () => {
    expect(asffProblems(withChange({ CreatedAt: '2026-11-25T12:30:00Z', UpdatedAt: '2026-11-25T12:29:59Z' }))).toStrictEqual([
      'UpdatedAt: must not be before CreatedAt',
    ]);
  });

  it('takes types of one to three parts, at least one and at most 50 of them', () => {
    expect(asffProblems(withChange({ Types: ['Effects', 'Effects/Data Exposure', 'TTPs/Discovery/Probe'] }))).toStrictEqual([]);
    expect(asffProblems(withChange({ Types: ['a/b/c/d'] }))).toStrictEqual(['Types.0: expected namespace/category/classifier']);
    expect(asffProblems(withChange({ Types: ['a//b'] }))).toStrictEqual(['Types.0: expected namespace/category/classifier']);
    expect(asffProblems(withChange({ Types: [] }))).toHaveLength(1);
    expect(asffProblems(withChange({ Types: Array.from({ length: ASFF_LIMITS.types + 1 }, () => 'Effects') }))).toHaveLength(1);
  });

  it('takes only the five severity labels', () => {
    expect(asffProblems(withChange({ Severity: { Label: 'INFORMATIONAL', Original: 'info' } }))).toStrictEqual([]);
    expect(asffProblems(withChange({ Severity: { Label: 'URGENT' } }))[0]).toMatch(/^Severity\.Label: /);
  });

  it('takes one to 32 resources, each with a type and an id, a known partition and a region of at most 16 characters', () => {
    // Prepare
    const resource = { Type: 'AwsSecretsManagerSecret', Id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf' };

    // Act / Assess
    expect(asffProblems(withChange({ Resources: [{ ...resource, Partition: 'aws-us-gov', Region: 'us-gov-west-1' }] }))).toStrictEqual([]);
    expect(asffProblems(withChange({ Resources: [] }))).toHaveLength(1);
    expect(asffProblems(withChange({ Resources: Array.from({ length: ASFF_LIMITS.resources + 1 }, () => resource) }))).toHaveLength(1);
    expect(asffProblems(withChange({ Resources: [{ ...resource, Type: '' }] }))).toStrictEqual(['Resources.0.Type: must not be blank']);
    expect(asffProblems(withChange({ Resources: [{ ...resource, Partition: 'aws-mars' }] }))[0]).toMatch(/^Resources\.0\.Partition: /);
    expect(asffProblems(withChange({ Resources: [{ ...resource, Region: 'x'.repeat(17) }] }))[0]).toMatch(/^Resources\.0\.Region: /);
  });

  it('holds product fields to 50, keys to 128 characters and values to 2048', () => {
    // Prepare
    const fields = (count: number, key = (i: number) => `k${i}`, value = 'v') =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [key(i), value]));

    // Act / Assess
    expect(asffProblems(withChange({ ProductFields: fields(ASFF_LIMITS.productFields) }))).toStrictEqual([]);
    expect(asffProblems(withChange({ ProductFields: fields(ASFF_LIMITS.productFields + 1) }))).toStrictEqual([
      `ProductFields: at most ${ASFF_LIMITS.productFields} fields`,
    ]);
    expect(asffProblems(withChange({ ProductFields: fields(1, () => 'k'.repeat(129)) }))).toHaveLength(1);
    expect(asffProblems(withChange({ ProductFields: fields(1, undefined, 'v'.repeat(2049)) }))).toHaveLength(1);
  });

  it('takes a recommendation with text of at most 512 characters and a URL that is one', () => {
    expect(
      asffProblems(withChange({ Remediation: { Recommendation: { Text: 'Restore it', Url: 'https://docs.aws.amazon.com/' } } })),
    ).toStrictEqual([]);
    expect(asffProblems(withChange({ Remediation: { Recommendation: { Text: 'x'.repeat(513) } } }))).toHaveLength(1);
    expect(asffProblems(withChange({ Remediation: { Recommendation: { Url: 'not a url' } } }))[0]).toMatch(
      /^Remediation\.Recommendation\.Url: /,
    );
  });

  it('takes only the compliance statuses, record states and workflow statuses of the reference', () => {
    expect(
      asffProblems(withChange({ Compliance: { Status: 'WARNING' }, RecordState: 'ARCHIVED', Workflow: { Status: 'SUPPRESSED' } })),
    ).toStrictEqual([]);
    expect(asffProblems(withChange({ Compliance: { Status: 'OK' } }))[0]).toMatch(/^Compliance\.Status: /);
    expect(asffProblems(withChange({ RecordState: 'DELETED' }))[0]).toMatch(/^RecordState: /);
    expect(asffProblems(withChange({ Workflow: { Status: 'OPEN' } }))[0]).toMatch(/^Workflow\.Status: /);
  });

  it(`refuses a finding that weighs more than ${ASFF_LIMITS.findingBytes} bytes, counting UTF-8 bytes`, () => {
    // Prepare: fields the schema does not limit, past the weight with multi-byte characters.
    const heavy = withChange({ Extra: 'é'.repeat(ASFF_LIMITS.findingBytes / 2) });

    // Act
    const problems = asffProblems(heavy);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^finding: \\d+ bytes, more than the ${ASFF_LIMITS.findingBytes} a finding may weigh$`));
  });

  it('says what is wrong with something that is not a document at all', () => {
    expect(asffProblems(null)).toHaveLength(1);
    expect(asffProblems(null)[0]).toMatch(/^finding: /);
  });
});
