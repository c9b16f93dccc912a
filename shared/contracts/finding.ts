/**
 * What the service says on its own bus: "Secret Finding" (from classify) and
 * "Remediation Result" (from each action). Consumers parse these with the same schemas the
 * producers' types come from, so a change on one side fails the other's tests.
 */
import { redactRemediation } from './clean-finding.js';
import { EventBridgeEnvelopeSchema as EventBridgeSchema } from './eventbridge-envelope.js';
import { lazySchema } from './lazy-schema.js';
import * as z from './zod.js';
import { RuleIdSchema } from './rule-ids.js';

/** `source` of every event this service puts on its bus (custom sources may not start with `aws.`). */
export const SERVICE_SOURCE = 'secrets-remediator';
export const FINDING_DETAIL_TYPE = 'Secret Finding';
export const RESULT_DETAIL_TYPE = 'Remediation Result';

/** `SecretRef.id` of a finding about the caller when the call names no secret (ListSecrets, a batch read by filters). */
export const NO_SECRET = '*';

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export const ModeSchema = z.enum(['dry-run', 'enforce']);
/** Every remediation the catalogue plans; each has a function (shared/actions/registry.ts). */
export const ActionTypeSchema = z.enum(['clear-stale-pending', 'enable-rotation', 'restore-secret', 'remove-public-statements']);
export const OutcomeSchema = z.enum(['applied', 'planned', 'skipped', 'blocked', 'failed']);
export const RotationStepSchema = z.enum(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);

export const ActorKindSchema = z.enum([
  'root',
  'iam-user',
  /** A person signed in through IAM Identity Center (role `AWSReservedSSO_*`). */
  'sso-user',
  'assumed-role',
  'federated-user',
  'aws-service',
  /** One of this service's own roles: never acted on (no loops). */
  'service-role',
  /** No caller: the scheduled sweep found the secret's state wrong (time passed, an event was missed). */
  'sweep',
  'unknown',
]);

/**
 * The most a carried record may weigh as JSON. A "Secret Finding" travels in one PutEvents entry
 * (256 KB with its envelope); the record shares it with the finding's own fields, so it gets well
 * under half. CloudTrail's Secrets Manager records are a few KB.
 */
export const MAX_RECORD_BYTES = 96 * 1024;

/**
 * The finding and result schemas, built when a parse first needs them (./lazy-schema.ts): the
 * actions and the alert functions parse findings and results; classify and the sweep publish
 * findings without parsing one, and never build these.
 */
const schemas = lazySchema(() => {
  const SecretRefSchema = z.object({
    /** The identifier to call Secrets Manager with: a full ARN where the event had one, else a name. */
    id: z.string().check(z.minLength(1)),
    arn: z.optional(z.string()),
    name: z.optional(z.string()),
    account: z.string(),
    region: z.string(),
    /** The event field the secret was found in, e.g. `detail.additionalEventData.SecretId`. */
    foundAt: z.string(),
  });

  const ActorSchema = z.object({
    kind: ActorKindSchema,
    /** The ARN of the principal, the role behind a session, or the invoking service. */
    principal: z.string(),
    /** The session's own ARN (assumed-role/…/session), when it differs from `principal`. */
    sessionArn: z.optional(z.string()),
    accountId: z.optional(z.string()),
    /** Signed in with MFA, where CloudTrail says. */
    mfa: z.optional(z.boolean()),
    sourceIp: z.optional(z.string()),
    userAgent: z.optional(z.string()),
    vpcEndpointId: z.optional(z.string()),
    /** A person (root, IAM user, SSO user) rather than software. */
    isPerson: z.boolean(),
    /** Matches one of the policy's `allowedAdmins`. */
    isAllowedAdmin: z.boolean(),
  });

  const EventRefSchema = z.object({
    /** The EventBridge event id. */
    id: z.string(),
    /** CloudTrail's own `eventID`, for the CloudTrail console link. */
    cloudTrailEventId: z.optional(z.string()),
    name: z.string(),
    detailType: z.string(),
    time: z.string(),
    account: z.string(),
    region: z.string(),
  });

  const OffendingStatementSchema = z.object({
    id: z.string(),
    reasons: z.array(z.string()),
    principals: z.array(z.string()),
  });

  /** What a rule saw, kept so that actions and alerts need not read the event again. */
  const EvidenceSchema = z.partial(
    z.object({
      rotationLambdaArn: z.string(),
      /**
       * rotation-failed: the failed rotation's ClientRequestToken, which is the id of the version
       * it created (the event's `requestID` is `Rotation-<secret ARN>-<token>`).
       */
      rotationToken: z.string(),
      failingStep: RotationStepSchema,
      errorMessage: z.string(),
      errorCode: z.string(),
      forceDeleteWithoutRecovery: z.boolean(),
      recoveryWindowInDays: z.number(),
      deletionDate: z.string(),
      /** Statement ids (Sid, or `#index`) that `remove-public-statements` removes. */
      offendingStatements: z.array(OffendingStatementSchema),
      kmsKeyId: z.string(),
      changedTagKeys: z.array(z.string()),
      removedRegions: z.array(z.string()),
      vpcEndpointId: z.string(),
      requiredEndpoints: z.array(z.string()),
      configRuleName: z.string(),
      managedRule: z.string(),
      annotation: z.string(),
      /** The Security Hub finding (its Id) a control finding trigger came from. */
      securityHubFindingId: z.string(),
      /** The policy entry that made the rule apply (a name glob, a tag key). */
      policyMatch: z.string(),
      // access-denied-burst: what one principal was refused within the window.
      deniedCount: z.int(),
      deniedWindowMinutes: z.int(),
      /** Secrets named in the refused calls seen so far in the window (at most 20). */
      deniedSecrets: z.array(z.string()),
      deniedEventNames: z.array(z.string()),
      // The sweep: the dates a check compared (ISO 8601) and the threshold it used.
      createdDate: z.string(),
      lastAccessedDate: z.string(),
      lastRotatedDate: z.string(),
      nextRotationDate: z.string(),
      /** The AWSPENDING version a stale-pending finding is about, and when it was created. */
      pendingVersionId: z.string(),
      pendingCreatedDate: z.string(),
      /** The policy's threshold the check used (unusedDays, maxAgeDays, gracePeriodDays, rotation window in hours → days). */
      thresholdDays: z.number(),
      /**
       * Set by the alert function only, never by a rule: how many more findings (reads) had been
       * counted into this finding's incident when its alert was written ("and N more").
       */
      incidentCount: z.int(),
    }),
  );

  const FindingSchema = z.object({
    /** Stable for one event and rule, so a redelivered event yields the same finding id. */
    id: z.string(),
    // A string first, so a finding without a rule reads "missing", and a wrong one names the ids it may be.
    rule: z.pipe(z.string(), RuleIdSchema),
    title: z.string(),
    severity: SeveritySchema,
    /** Why the rule fired, in words on-call can check. */
    reason: z.string(),
    control: z.optional(z.string()),
    practices: z.optional(z.array(z.int())),
    secret: SecretRefSchema,
    actor: ActorSchema,
    event: EventRefSchema,
    evidence: EvidenceSchema,
    actions: z.array(ActionTypeSchema),
    /**
     * False when no action is planned: the alert goes out from the finding itself. True: the
     * alert waits for the action's result. A scalar because EventBridge cannot match an empty array.
     */
    needsRemediation: z.boolean(),
    /** What the parser could not make out of the event (redacted ARN, odd account id, ...). */
    notes: z.array(z.string()),
    /**
     * The event the finding was classified from (CloudTrail record or Config compliance change, in
     * its EventBridge envelope), so that an action can classify it again instead of trusting the
     * finding's verdict. Absent on sweep findings (the action re-runs the sweep's check) and when
     * the event was larger than {@link MAX_RECORD_BYTES}: `recordOmitted` then says why, and no
     * action acts on the finding.
     */
    record: z.optional(z.record(z.string(), z.unknown())),
    recordOmitted: z.optional(z.string()),
  });

  const VersionStagesSchema = z.record(z.string(), z.array(z.string()));

  const ActionResultSchema = z.object({
    type: ActionTypeSchema,
    outcome: OutcomeSchema,
    /** Why, in words a person can act on. */
    reason: z.string(),
    mode: ModeSchema,
    /** The version the action changed (or would change). */
    versionId: z.optional(z.string()),
    before: z.optional(VersionStagesSchema),
    after: z.optional(VersionStagesSchema),
    /** The state the action is about (rotation, deletion, resource policy, version stages), before and after, in words. */
    state: z.optional(z.object({ before: z.string(), after: z.string() })),
    /** The account and Region the action acted in (its own deployment's). */
    account: z.optional(z.string()),
    region: z.optional(z.string()),
  });

  const RemediationResultSchema = z.object({ finding: FindingSchema, result: ActionResultSchema });

  const SecretFindingEventSchema = z.extend(EventBridgeSchema, {
    source: z.literal(SERVICE_SOURCE),
    'detail-type': z.literal(FINDING_DETAIL_TYPE),
    detail: FindingSchema,
  });

  const RemediationResultEventSchema = z.extend(EventBridgeSchema, {
    source: z.literal(SERVICE_SOURCE),
    'detail-type': z.literal(RESULT_DETAIL_TYPE),
    detail: RemediationResultSchema,
  });
  return {
    SecretRefSchema,
    ActorSchema,
    EventRefSchema,
    OffendingStatementSchema,
    EvidenceSchema,
    FindingSchema,
    VersionStagesSchema,
    ActionResultSchema,
    RemediationResultSchema,
    SecretFindingEventSchema,
    RemediationResultEventSchema,
  };
});
type Schemas = ReturnType<typeof schemas>;

/** A finding, "Secret Finding"'s detail. */
export const findingSchema = (): Schemas['FindingSchema'] => schemas().FindingSchema;
/** "Secret Finding" as it arrives on the project bus. */
export const secretFindingEventSchema = (): Schemas['SecretFindingEventSchema'] => schemas().SecretFindingEventSchema;
/** "Remediation Result" as it arrives on the project bus. */
export const remediationResultEventSchema = (): Schemas['RemediationResultEventSchema'] => schemas().RemediationResultEventSchema;

export type Severity = z.infer<typeof SeveritySchema>;
export type Mode = z.infer<typeof ModeSchema>;
export type ActionType = z.infer<typeof ActionTypeSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type RotationStep = z.infer<typeof RotationStepSchema>;
export type SecretRef = z.infer<Schemas['SecretRefSchema']>;
export type ActorKind = z.infer<typeof ActorKindSchema>;
export type Actor = z.infer<Schemas['ActorSchema']>;
export type EventRef = z.infer<Schemas['EventRefSchema']>;
export type Evidence = z.infer<Schemas['EvidenceSchema']>;
export type Finding = z.infer<Schemas['FindingSchema']>;
export type VersionStages = z.infer<Schemas['VersionStagesSchema']>;
export type ActionResult = z.infer<Schemas['ActionResultSchema']>;
export type RemediationResult = z.infer<Schemas['RemediationResultSchema']>;

/** The finding without the record it was classified from. */
export const withoutRecord = ({ record: _record, ...finding }: Finding): Finding => finding;

/** A finding as an event for the project bus. */
export const findingBusEvent = (finding: Finding) => ({
  detailType: FINDING_DETAIL_TYPE,
  detail: finding,
  resources: finding.secret.arn ? [finding.secret.arn] : [],
});

/**
 * An action's result as an event for the project bus; it carries the finding, so `alert` needs
 * no state. The result's words quote what AWS and the event said: bounded and redacted here.
 */
export const resultBusEvent = (remediation: RemediationResult) => ({
  detailType: RESULT_DETAIL_TYPE,
  // The record served the action's check; the alert needs none of it, and the result stays small.
  detail: redactRemediation({ ...remediation, finding: withoutRecord(remediation.finding) }),
  resources: remediation.finding.secret.arn ? [remediation.finding.secret.arn] : [],
});
