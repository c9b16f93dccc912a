/**
 * AWS Config's "Config Rules Compliance Change" event, as EventBridge delivers it (source
 * `aws.config`). Lenient like the CloudTrail schema: only what the service needs is required.
 */
import { lazySchema } from './lazy-schema.js';
import * as z from './zod.js';
import { EventBridgeEnvelopeSchema } from './eventbridge-envelope.js';

export const CONFIG_SOURCE = 'aws.config';

/** The AWS Config managed rules (their identifiers) whose compliance changes the service reads. */
export const MANAGED_RULES = [
  'secretsmanager-rotation-enabled-check',
  'secretsmanager-scheduled-rotation-success-check',
  'secretsmanager-secret-periodic-rotation',
  'secretsmanager-secret-unused',
  'secretsmanager-using-cmk',
] as const;

export type ManagedRule = (typeof MANAGED_RULES)[number];
export const CONFIG_COMPLIANCE_CHANGE = 'Config Rules Compliance Change';

/**
 * The compliance change's schemas, built when a parse first needs them (./lazy-schema.ts): only an
 * account with the managed Config rules sends these events.
 */
const schemas = lazySchema(() => {
  const EvaluationResultSchema = z.looseObject({
    evaluationResultIdentifier: z.optional(
      z.looseObject({
        evaluationResultQualifier: z.optional(
          z.looseObject({
            configRuleName: z.optional(z.string()),
            resourceType: z.optional(z.string()),
            resourceId: z.optional(z.string()),
          }),
        ),
        orderingTimestamp: z.optional(z.string()),
      }),
    ),
    complianceType: z.string(),
    resultRecordedTime: z.optional(z.string()),
    configRuleInvokedTime: z.optional(z.string()),
    annotation: z.optional(z.nullable(z.string())),
  });

  const ConfigComplianceDetailSchema = z.looseObject({
    resourceId: z.string(),
    resourceType: z.string(),
    awsRegion: z.string(),
    awsAccountId: z.string(),
    configRuleName: z.string(),
    configRuleARN: z.optional(z.string()),
    messageType: z.optional(z.string()),
    notificationCreationTime: z.optional(z.string()),
    newEvaluationResult: EvaluationResultSchema,
    oldEvaluationResult: z.optional(z.nullable(EvaluationResultSchema)),
  });

  const ConfigComplianceEventSchema = z.extend(EventBridgeEnvelopeSchema, {
    source: z.literal(CONFIG_SOURCE),
    'detail-type': z.literal(CONFIG_COMPLIANCE_CHANGE),
    detail: ConfigComplianceDetailSchema,
  });
  return { ConfigComplianceEventSchema };
});
type Schemas = ReturnType<typeof schemas>;

/** A compliance change of a managed rule, as EventBridge delivers it. */
export const configComplianceEventSchema = (): Schemas['ConfigComplianceEventSchema'] => schemas().ConfigComplianceEventSchema;

export type ConfigComplianceEvent = z.infer<Schemas['ConfigComplianceEventSchema']>;
