/**
 * Security Hub's "Security Hub Findings - Imported" event, as EventBridge delivers it (source
 * `aws.securityhub`): the envelope, and under `detail.findings` the findings in the AWS Security
 * Finding Format (AWS sends one per event; the schema takes any number). Lenient like the
 * CloudTrail schema: loose objects, and only what the service reads is required — of it, what
 * the ASFF reference marks required (Id, ProductArn, GeneratorId, AwsAccountId, Resources).
 */
import { lazySchema } from './lazy-schema.js';
import * as z from './zod.js';
import type { ManagedRule } from './config-event.js';
import { EventBridgeEnvelopeSchema } from './eventbridge-envelope.js';

export const SECURITY_HUB_SOURCE = 'aws.securityhub';
export const FINDINGS_IMPORTED = 'Security Hub Findings - Imported';

/** What this service calls itself in Security Hub: `ProductName`, and the start of every `GeneratorId` and `ProductFields` key it writes. */
export const PRODUCT_NAME = 'secrets-remediator';
export const GENERATOR_PREFIX = `${PRODUCT_NAME}/`;
/** The ProductFields key that names the service's finding in every document it imports. */
export const FINDING_ID_FIELD = `${PRODUCT_NAME}/findingId`;

/**
 * True for a finding this service imported itself (its ProductName, its generator, its
 * ProductFields): never a trigger, or a finding would come back as a finding of itself.
 */
export const isOwnImport = (finding: Pick<ImportedFinding, 'ProductName' | 'GeneratorId' | 'ProductFields'>): boolean =>
  finding.ProductName === PRODUCT_NAME ||
  finding.GeneratorId.startsWith(GENERATOR_PREFIX) ||
  finding.ProductFields?.[FINDING_ID_FIELD] !== undefined;

/** The ASFF resource type of a Secrets Manager secret. */
export const SECRET_RESOURCE_TYPE = 'AwsSecretsManagerSecret';

/**
 * Security Hub's Secrets Manager controls the service takes as triggers, each with the AWS
 * Config managed rule it runs (Security Hub's controls reference): a FAILED control finding
 * means what that rule's NON_COMPLIANT means.
 */
export const CONTROL_MANAGED_RULES = {
  'SecretsManager.1': 'secretsmanager-rotation-enabled-check',
  'SecretsManager.2': 'secretsmanager-scheduled-rotation-success-check',
  'SecretsManager.3': 'secretsmanager-secret-unused',
  'SecretsManager.4': 'secretsmanager-secret-periodic-rotation',
} as const satisfies Readonly<Record<string, ManagedRule>>;

export type SecurityHubControl = keyof typeof CONTROL_MANAGED_RULES;

export const isSecurityHubControl = (control: string): control is SecurityHubControl => Object.hasOwn(CONTROL_MANAGED_RULES, control);

/**
 * The Security Hub event's schemas, built when a parse first needs them (./lazy-schema.ts): only a
 * policy with Security Hub on routes these events to classify.
 */
const schemas = lazySchema(() => {
  const AsffResourceSchema = z.looseObject({
    Type: z.string(),
    Id: z.string(),
    Partition: z.optional(z.string()),
    Region: z.optional(z.string()),
  });

  /** One ASFF finding as Security Hub sends it: the fields the service reads. */
  const ImportedFindingSchema = z.looseObject({
    SchemaVersion: z.optional(z.string()),
    Id: z.string().check(z.minLength(1)),
    ProductArn: z.string().check(z.minLength(1)),
    ProductName: z.optional(z.string()),
    GeneratorId: z.string().check(z.minLength(1)),
    AwsAccountId: z.string().check(z.minLength(1)),
    Region: z.optional(z.string()),
    Title: z.optional(z.string()),
    // Timestamps are dates or the event is refused: a finding's day and time go into its id and its text.
    CreatedAt: z.optional(z.iso.datetime({ offset: true })),
    UpdatedAt: z.optional(z.iso.datetime({ offset: true })),
    Resources: z.array(AsffResourceSchema).check(z.minLength(1)),
    Compliance: z.optional(z.looseObject({ Status: z.optional(z.string()), SecurityControlId: z.optional(z.string()) })),
    RecordState: z.optional(z.string()),
    Workflow: z.optional(z.looseObject({ Status: z.optional(z.string()) })),
    // Only the service's own marker is read; other providers' keys and values are theirs (lenient).
    ProductFields: z.optional(z.record(z.string(), z.unknown())),
  });

  const SecurityHubFindingsEventSchema = z.extend(EventBridgeEnvelopeSchema, {
    source: z.literal(SECURITY_HUB_SOURCE),
    'detail-type': z.literal(FINDINGS_IMPORTED),
    detail: z.looseObject({ findings: z.array(ImportedFindingSchema).check(z.minLength(1)) }),
  });
  return { ImportedFindingSchema, SecurityHubFindingsEventSchema };
});
type Schemas = ReturnType<typeof schemas>;

/** "Security Hub Findings - Imported", as EventBridge delivers it. */
export const securityHubFindingsEventSchema = (): Schemas['SecurityHubFindingsEventSchema'] => schemas().SecurityHubFindingsEventSchema;

export type ImportedFinding = z.infer<Schemas['ImportedFindingSchema']>;
export type SecurityHubFindingsEvent = z.infer<Schemas['SecurityHubFindingsEventSchema']>;

/** The event's one finding (an event split by `splitFindings` holds exactly one). */
export const importedFindingOf = (event: SecurityHubFindingsEvent): ImportedFinding => {
  const [finding] = event.detail.findings;
  if (!finding) throw new Error('a Security Hub event without findings passed its schema');
  return finding;
};

/**
 * One event per finding, each with the envelope it came in and that finding alone: what
 * classify judges, and what a finding carries as its record (so an action judges it again alone).
 */
export const splitFindings = (event: SecurityHubFindingsEvent): SecurityHubFindingsEvent[] =>
  event.detail.findings.length === 1
    ? [event]
    : event.detail.findings.map((finding) => ({ ...event, detail: { ...event.detail, findings: [finding] } }));
