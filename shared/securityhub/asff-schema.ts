/**
 * What Security Hub requires of an imported finding, as a zod schema: the required top-level
 * attributes of the AWS Security Finding Format and the limits the API reference gives them
 * (`AwsSecurityFinding`, `BatchImportFindings`), plus the limits of the optional fields this
 * service sets. Written from the reference, not from the builder, so a test that holds
 * `toAsff`'s output to it checks the builder against AWS rather than against itself.
 */
import { lazySchema } from '../contracts/lazy-schema.js';
import * as z from '../contracts/zod.js';
import { ASFF_LIMITS, SCHEMA_VERSION } from './asff.js';

/**
 * The schema, built when the first document is checked (../contracts/lazy-schema.ts): the alert
 * function checks documents only with Security Hub on, and most of its cold starts never do.
 */
const asffFindingSchema = lazySchema(() => {
  /** Not blank: the reference's pattern `.*\S.*` for its strings. */
  const nonBlank = (max?: number) => z.string().check(z.regex(/\S/, 'must not be blank'), ...(max === undefined ? [] : [z.maxLength(max)]));

  /**
   * The timestamp formats Security Hub accepts: RFC 3339 with `Z` or an offset, at most nine
   * digits of fractional seconds.
   */
  const timestamp = z
    .string()
    .check(
      z.regex(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/,
        'expected an ASFF timestamp like 2019-01-31T23:00:00.123Z',
      ),
    );

  const severityLabel = z.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

  const ResourceSchema = z.object({
    Type: nonBlank(),
    Id: nonBlank(),
    Partition: z.optional(z.enum(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'])),
    Region: z.optional(nonBlank(16)),
    Details: z.optional(z.record(z.string(), z.unknown())),
  });

  const AsffFindingSchema = z
    .looseObject({
      SchemaVersion: z.literal(SCHEMA_VERSION),
      Id: nonBlank(ASFF_LIMITS.idChars),
      ProductArn: nonBlank(),
      GeneratorId: nonBlank(ASFF_LIMITS.generatorIdChars),
      AwsAccountId: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id')),
      Types: z
        .array(z.string().check(z.regex(/^[^/]+(\/[^/]+){0,2}$/, 'expected namespace/category/classifier')))
        .check(z.minLength(1), z.maxLength(ASFF_LIMITS.types)),
      CreatedAt: timestamp,
      UpdatedAt: timestamp,
      FirstObservedAt: z.optional(timestamp),
      Severity: z.object({ Label: severityLabel, Original: z.optional(z.string()) }),
      Title: nonBlank(ASFF_LIMITS.titleChars),
      Description: nonBlank(ASFF_LIMITS.descriptionChars),
      Resources: z.array(ResourceSchema).check(z.minLength(1), z.maxLength(ASFF_LIMITS.resources)),
      Remediation: z.optional(
        z.object({
          Recommendation: z.object({ Text: z.optional(nonBlank(ASFF_LIMITS.recommendationTextChars)), Url: z.optional(z.url()) }),
        }),
      ),
      ProductFields: z.optional(
        z
          .record(
            z.string().check(z.minLength(1), z.maxLength(ASFF_LIMITS.productFieldKeyChars)),
            z.string().check(z.maxLength(ASFF_LIMITS.productFieldValueChars)),
          )
          .check(
            z.refine((fields) => Object.keys(fields).length <= ASFF_LIMITS.productFields, `at most ${ASFF_LIMITS.productFields} fields`),
          ),
      ),
      Compliance: z.optional(
        z.object({
          Status: z.optional(z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'])),
          SecurityControlId: z.optional(nonBlank()),
        }),
      ),
      RecordState: z.optional(z.enum(['ACTIVE', 'ARCHIVED'])),
      Workflow: z.optional(z.object({ Status: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']) })),
    })
    .check(
      z.superRefine((finding, context) => {
        if (Date.parse(finding.UpdatedAt) < Date.parse(finding.CreatedAt))
          context.addIssue({ code: 'custom', path: ['UpdatedAt'], message: 'must not be before CreatedAt' });
        const bytes = Buffer.byteLength(JSON.stringify(finding), 'utf8');
        if (bytes > ASFF_LIMITS.findingBytes)
          context.addIssue({
            code: 'custom',
            path: [],
            message: `${bytes} bytes, more than the ${ASFF_LIMITS.findingBytes} a finding may weigh`,
          });
      }),
    );
  return AsffFindingSchema;
});

/** What is wrong with `document` as a finding to import, as `path: problem` lines; none when it is fit. */
export const asffProblems = (document: unknown): string[] => {
  const parsed = z.safeParse(asffFindingSchema(), document);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'finding'}: ${issue.message}`);
};
