/**
 * What Security Hub requires of an imported finding, as a zod schema: the required top-level
 * attributes of the AWS Security Finding Format and the limits the API reference gives them
 * (`AwsSecurityFinding`, `BatchImportFindings`), plus the limits of the optional fields this
 * service sets. Written from the reference, not from the builder, so a test that holds
 * `toAsff`'s output to it checks the builder against AWS rather than against itself.
 */
import * as z from 'zod';
import { ASFF_LIMITS, SCHEMA_VERSION } from './asff.js';

/** Not blank: the reference's pattern `.*\S.*` for its strings. */
const nonBlank = (max?: number) => {
  const base = z.string().regex(/\S/, 'must not be blank');
  return max === undefined ? base : base.max(max);
};

/**
 * The timestamp formats Security Hub accepts: RFC 3339 with `Z` or an offset, at most nine
 * digits of fractional seconds.
 */
const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/, 'expected an ASFF timestamp like 2019-01-31T23:00:00.123Z');

const severityLabel = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

const ResourceSchema = z.object({
  Type: nonBlank(),
  Id: nonBlank(),
  Partition: z.enum(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']).optional(),
  Region: nonBlank(16).optional(),
  Details: z.record(z.string(), z.unknown()).optional(),
});

export const AsffFindingSchema = z
  .object({
    SchemaVersion: z.literal(SCHEMA_VERSION),
    Id: nonBlank(ASFF_LIMITS.idChars),
    ProductArn: nonBlank(),
    GeneratorId: nonBlank(ASFF_LIMITS.generatorIdChars),
    AwsAccountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
    Types: z.array(z.string().regex(/^[^/]+(\/[^/]+){0,2}$/, 'expected namespace/category/classifier')).min(1).max(ASFF_LIMITS.types),
    CreatedAt: timestamp,
    UpdatedAt: timestamp,
    FirstObservedAt: timestamp.optional(),
    Severity: z.object({ Label: severityLabel, Original: z.string().optional() }),
    Title: nonBlank(ASFF_LIMITS.titleChars),
    Description: nonBlank(ASFF_LIMITS.descriptionChars),
    Resources: z.array(ResourceSchema).min(1).max(ASFF_LIMITS.resources),
    Remediation: z.object({ Recommendation: z.object({ Text: nonBlank(ASFF_LIMITS.recommendationTextChars).optional(), Url: z.url().optional() }) }).optional(),
    ProductFields: z
      .record(z.string().min(1).max(ASFF_LIMITS.productFieldKeyChars), z.string().max(ASFF_LIMITS.productFieldValueChars))
      .refine((fields) => Object.keys(fields).length <= ASFF_LIMITS.productFields, `at most ${ASFF_LIMITS.productFields} fields`)
      .optional(),
    Compliance: z.object({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']).optional(), SecurityControlId: nonBlank().optional() }).optional(),
    RecordState: z.enum(['ACTIVE', 'ARCHIVED']).optional(),
    Workflow: z.object({ Status: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']) }).optional(),
  })
  .loose()
  .superRefine((finding, context) => {
    if (Date.parse(finding.UpdatedAt) < Date.parse(finding.CreatedAt)) context.addIssue({ code: 'custom', path: ['UpdatedAt'], message: 'must not be before CreatedAt' });
    const bytes = Buffer.byteLength(JSON.stringify(finding), 'utf8');
    if (bytes > ASFF_LIMITS.findingBytes) context.addIssue({ code: 'custom', path: [], message: `${bytes} bytes, more than the ${ASFF_LIMITS.findingBytes} a finding may weigh` });
  });

/** What is wrong with `document` as a finding to import, as `path: problem` lines; none when it is fit. */
export const asffProblems = (document: unknown): string[] => {
  const parsed = AsffFindingSchema.safeParse(document);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'finding'}: ${issue.message}`);
};
