/**
 * AWS Config's "Config Rules Compliance Change" event, as EventBridge delivers it (source
 * `aws.config`). Lenient like the CloudTrail schema: only what the service needs is required.
 */
import * as z from 'zod';
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

const EvaluationResultSchema = z.looseObject({
  evaluationResultIdentifier: z
    .looseObject({
      evaluationResultQualifier: z
        .looseObject({ configRuleName: z.string().optional(), resourceType: z.string().optional(), resourceId: z.string().optional() })
        .optional(),
      orderingTimestamp: z.string().optional(),
    })
    .optional(),
  complianceType: z.string(),
  resultRecordedTime: z.string().optional(),
  configRuleInvokedTime: z.string().optional(),
  annotation: z.string().nullable().optional(),
});

export const ConfigComplianceDetailSchema = z.looseObject({
  resourceId: z.string(),
  resourceType: z.string(),
  awsRegion: z.string(),
  awsAccountId: z.string(),
  configRuleName: z.string(),
  configRuleARN: z.string().optional(),
  messageType: z.string().optional(),
  notificationCreationTime: z.string().optional(),
  newEvaluationResult: EvaluationResultSchema,
  oldEvaluationResult: EvaluationResultSchema.nullable().optional(),
});

export const ConfigComplianceEventSchema = EventBridgeEnvelopeSchema.extend({
  source: z.literal(CONFIG_SOURCE),
  'detail-type': z.literal(CONFIG_COMPLIANCE_CHANGE),
  detail: ConfigComplianceDetailSchema,
});

export type ConfigComplianceEvent = z.infer<typeof ConfigComplianceEventSchema>;
