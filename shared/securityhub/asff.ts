/**
 * A finding (and its action's result, when there is one) as an AWS Security Finding Format
 * document, the shape `BatchImportFindings` takes and `scan --output findings.asff.json` writes.
 * Pure: the same finding gives the same `Id`, so importing it again updates Security Hub's copy
 * rather than adding one; a repair the action applied imports that `Id` as PASSED and ARCHIVED.
 *
 * Field names and limits follow the Security Hub API reference (`AwsSecurityFinding`,
 * `BatchImportFindings`); the required top-level attributes and their limits are checked by
 * {@link asffProblems} (shared/securityhub/asff-schema.ts).
 */
import { createHash } from 'node:crypto';
import { nextSteps } from '../alerts/advice.js';
import { truncate } from '../alerts/limits.js';
import { type ActionResult, type Finding, NO_SECRET, type Severity } from '../contracts/finding.js';
import type { RuleId } from '../contracts/rule-ids.js';
import { FINDING_ID_FIELD, GENERATOR_PREFIX, isSecurityHubControl, PRODUCT_NAME } from '../contracts/securityhub-event.js';
import { ruleById } from '../domain/catalogue.js';
import { partitionOf } from '../domain/partition.js';

/** The one ASFF version there is. */
export const SCHEMA_VERSION = '2018-10-08';

/** Limits of the API reference that the builder keeps (characters, except `findingBytes`). */
export const ASFF_LIMITS = {
  idChars: 512,
  generatorIdChars: 512,
  titleChars: 256,
  descriptionChars: 1024,
  recommendationTextChars: 512,
  productFields: 50,
  productFieldKeyChars: 128,
  productFieldValueChars: 2048,
  resources: 32,
  types: 50,
  /** One finding, serialised: BatchImportFindings refuses a larger one. */
  findingBytes: 240 * 1024,
} as const;

export type SeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type ComplianceStatus = 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE';
export type RecordState = 'ACTIVE' | 'ARCHIVED';

/** `Resources[].Details.AwsSecretsManagerSecret`: only what the finding knows is set. */
export interface AsffSecretDetails {
  readonly Name?: string;
  readonly RotationEnabled?: boolean;
  readonly RotationLambdaArn?: string;
  readonly Deleted?: boolean;
  readonly KmsKeyId?: string;
}

export interface AsffResource {
  readonly Type: 'AwsSecretsManagerSecret' | 'AwsAccount';
  readonly Id: string;
  readonly Partition: string;
  readonly Region: string;
  readonly Details?: { readonly AwsSecretsManagerSecret: AsffSecretDetails };
}

/** The subset of `AwsSecurityFinding` this service writes (a type, not an interface, so that it is a plain record of its fields). */
export type AsffFinding = {
  readonly SchemaVersion: typeof SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Region: string;
  readonly Types: readonly string[];
  readonly FirstObservedAt: string;
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: SeverityLabel; readonly Original: Severity };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation: { readonly Recommendation: { readonly Text: string; readonly Url: string } };
  readonly ProductFields: Readonly<Record<string, string>>;
  readonly Resources: readonly AsffResource[];
  readonly Compliance: { readonly Status: ComplianceStatus; readonly SecurityControlId?: string };
  readonly RecordState: RecordState;
  readonly Workflow: { readonly Status: 'NEW' };
  /**
   * Severity and Types again: after the first import, Security Hub takes a provider's changes to
   * them only from here (its users may have changed the top-level ones).
   */
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: SeverityLabel; readonly Original: Severity };
    readonly Types: readonly string[];
  };
};

const BEST_PRACTICES = 'Software and Configuration Checks/AWS Security Best Practices';

/**
 * Each rule's finding types, from the ASFF types taxonomy (namespace/category). Typed by rule id:
 * a rule added to the catalogue does not compile until it has its types.
 */
export const RULE_TYPES: Readonly<Record<RuleId, readonly string[]>> = {
  'rotation-failed': [BEST_PRACTICES],
  'rotation-succeeded': [BEST_PRACTICES],
  'rotation-disabled': [BEST_PRACTICES, 'TTPs/Defense Evasion'],
  'secret-force-deleted': ['Effects/Data Destruction'],
  'secret-deleted': ['Effects/Data Destruction'],
  'deleted-secret-in-use': [BEST_PRACTICES, 'Effects/Denial of Service'],
  'value-changed-by-hand': [BEST_PRACTICES, 'Unusual Behaviors/User'],
  'policy-public': [BEST_PRACTICES, 'Effects/Data Exposure'],
  'policy-removed': [BEST_PRACTICES],
  'default-kms-key': [BEST_PRACTICES],
  'replication-removed': [BEST_PRACTICES],
  'abac-tag-changed': [BEST_PRACTICES, 'TTPs/Privilege Escalation'],
  'access-outside-vpce': ['Effects/Data Exposure', 'Unusual Behaviors/Network Flow'],
  'access-denied-burst': ['TTPs/Credential Access', 'Unusual Behaviors/User'],
  'rotation-missing': [BEST_PRACTICES],
  'rotation-overdue': [BEST_PRACTICES],
  unused: [BEST_PRACTICES],
  'stale-pending': [BEST_PRACTICES],
  'resource-policy-missing': [BEST_PRACTICES],
  'scheduled-for-deletion': [BEST_PRACTICES, 'Effects/Data Destruction'],
};

const SEVERITY_LABELS: Readonly<Record<Severity, SeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

/** Where the Secrets Manager guide explains what each rule is about; controls link to Security Hub's remediation page instead. */
const SECRETS_MANAGER_GUIDE = 'https://docs.aws.amazon.com/secretsmanager/latest/userguide';
const GUIDE_PAGES: Readonly<Record<RuleId, string>> = {
  'rotation-failed': 'troubleshoot_rotation.html',
  'rotation-succeeded': 'rotating-secrets.html',
  'rotation-disabled': 'rotating-secrets.html',
  'secret-force-deleted': 'manage_delete-secret.html',
  'secret-deleted': 'manage_delete-restore-secret.html',
  'deleted-secret-in-use': 'manage_delete-restore-secret.html',
  'value-changed-by-hand': 'best-practices.html',
  'policy-public': 'auth-and-access_resource-policies.html',
  'policy-removed': 'auth-and-access_resource-policies.html',
  'default-kms-key': 'security-encryption.html',
  'replication-removed': 'create-manage-multi-region-secrets.html',
  'abac-tag-changed': 'auth-and-access-abac.html',
  'access-outside-vpce': 'vpc-endpoint-overview.html',
  'access-denied-burst': 'monitoring-cloudtrail.html',
  'rotation-missing': 'rotating-secrets.html',
  'rotation-overdue': 'troubleshoot_rotation.html',
  unused: 'best-practices.html',
  'stale-pending': 'troubleshoot_rotation.html',
  'resource-policy-missing': 'auth-and-access_resource-policies.html',
  'scheduled-for-deletion': 'manage_delete-restore-secret.html',
};

/** Each ProductFields key, under the service's own prefix (`aws/` belongs to Security Hub). */
const field = (name: string): string => `${PRODUCT_NAME}/${name}`;

/** The default product of an account and region: a custom integration imports under it, from that account. */
export const defaultProductArn = (account: string, region: string): string =>
  `arn:${partitionOf(region)}:securityhub:${region}:${account}:product/${account}/default`;

/** The ASFF `Id` of a finding: stable for the finding, at most 512 characters. */
export const asffIdOf = (finding: Pick<Finding, 'id'>): string => {
  const id = `${PRODUCT_NAME}/${finding.id}`;
  return id.length <= ASFF_LIMITS.idChars
    ? id
    : `${id.slice(0, ASFF_LIMITS.idChars - 48)}#sha256-${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
};

/** True when the action put things right: the finding is then PASSED and ARCHIVED. */
export const isRepaired = (result: ActionResult | undefined): boolean => result?.outcome === 'applied';

export interface AsffOptions {
  /** `UpdatedAt`: when this document was made (the import, the scan). */
  readonly now: Date;
}

/**
 * The ASFF document of `finding`, with its action's `result` when there is one.
 * @example
 * const [document] = [toAsff(finding, result, { now: clock.now() })];
 */
export const toAsff = (finding: Finding, result: ActionResult | undefined, { now }: AsffOptions): AsffFinding => {
  const { account, region } = finding.secret;
  const types = RULE_TYPES[finding.rule];
  const severity = { Label: SEVERITY_LABELS[finding.severity], Original: finding.severity };
  const repaired = isRepaired(result);
  const observed = observedAt(finding, now);
  const control = controlOf(finding);
  return {
    SchemaVersion: SCHEMA_VERSION,
    Id: asffIdOf(finding),
    ProductArn: defaultProductArn(account, region),
    ProductName: PRODUCT_NAME,
    GeneratorId: `${GENERATOR_PREFIX}${finding.rule}`,
    AwsAccountId: account,
    Region: region,
    Types: types,
    FirstObservedAt: observed,
    CreatedAt: observed,
    UpdatedAt: now.toISOString(),
    Severity: severity,
    Title: text(`${finding.title}: ${secretLabel(finding)}`, ASFF_LIMITS.titleChars),
    Description: text(description(finding, result), ASFF_LIMITS.descriptionChars),
    Remediation: { Recommendation: recommendation(finding, result, control) },
    ProductFields: productFields(finding, result),
    Resources: [resourceOf(finding, result)],
    Compliance: { Status: repaired ? 'PASSED' : 'FAILED', ...(control ? { SecurityControlId: control } : {}) },
    RecordState: repaired ? 'ARCHIVED' : 'ACTIVE',
    Workflow: { Status: 'NEW' },
    FindingProviderFields: { Severity: severity, Types: types },
  };
};

/** The Security Hub control the finding maps to, when it is one Security Hub has (SecretsManager.1-4). */
const controlOf = (finding: Finding): string | undefined => {
  const control = finding.control ?? ruleById(finding.rule).control;
  return control !== undefined && isSecurityHubControl(control) ? control : undefined;
};

/**
 * When it was observed: the event's time (or the sweep's), never later than `now` (Security Hub
 * refuses an `UpdatedAt` before `CreatedAt`); `now` when the time cannot be read.
 */
const observedAt = (finding: Finding, now: Date): string => {
  const time = Date.parse(finding.event.time);
  return Number.isNaN(time) || time > now.getTime() ? now.toISOString() : new Date(time).toISOString();
};

const secretLabel = (finding: Finding): string =>
  finding.secret.id === NO_SECRET ? `account ${finding.secret.account}` : (finding.secret.name ?? finding.secret.arn ?? finding.secret.id);

/** Cut to `max` characters, never inside a character; a field ASFF requires is never empty. */
const text = (value: string, max: number): string => {
  const trimmed = value.trim();
  return truncate(trimmed === '' ? '-' : trimmed, max);
};

/** The finding's reason (already bounded and redacted when the finding was made), then what became of its action. */
const description = (finding: Finding, result: ActionResult | undefined): string =>
  [finding.reason, ...(result ? [`The service's ${result.type} (${result.mode}): ${result.outcome}, ${result.reason}`] : [])]
    .map(sentence)
    .join(' ');

/** `text` ending as a sentence does. */
const sentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

const recommendation = (finding: Finding, result: ActionResult | undefined, control: string | undefined) => {
  const [first] = nextSteps(finding, result);
  const step = first ? `${first.text}${first.command ? `: ${first.command}` : ''}` : 'Review the event in CloudTrail.';
  return {
    Text: text(step, ASFF_LIMITS.recommendationTextChars),
    // Security Hub's own remediation page for its controls; the Secrets Manager guide otherwise.
    Url: control
      ? `https://docs.aws.amazon.com/console/securityhub/${control}/remediation`
      : `${SECRETS_MANAGER_GUIDE}/${GUIDE_PAGES[finding.rule]}`,
  };
};

/** The action and its outcome, and what ties the document to the finding: string values only, at most 50. */
const productFields = (finding: Finding, result: ActionResult | undefined): Record<string, string> => {
  const planned = finding.actions.join(', ');
  const fields: Record<string, string | undefined> = {
    [FINDING_ID_FIELD]: finding.id,
    [field('rule')]: finding.rule,
    [field('event')]: `${finding.event.name} at ${finding.event.time}`,
    [field('eventId')]: finding.event.id,
    [field('cloudTrailEventId')]: finding.event.cloudTrailEventId,
    [field('actor')]: `${finding.actor.principal} (${finding.actor.kind})`,
    [field('action')]: result?.type ?? (planned || 'none (alert only)'),
    [field('outcome')]: result?.outcome ?? (planned ? 'no result yet' : 'alerted'),
    [field('mode')]: result?.mode,
    [field('outcomeReason')]: result?.reason,
    [field('stateBefore')]: result?.state?.before,
    [field('stateAfter')]: result?.state?.after,
    [field('versionId')]: result?.versionId,
    [field('practices')]: finding.practices?.join(', '),
  };
  return Object.fromEntries(
    Object.entries(fields)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .slice(0, ASFF_LIMITS.productFields)
      .map(([key, value]) => [key, truncate(value, ASFF_LIMITS.productFieldValueChars)]),
  );
};

/** The secret (or, for a finding about a caller, the account), with the details the finding knows. */
const resourceOf = (finding: Finding, result: ActionResult | undefined): AsffResource => {
  const { account, region } = finding.secret;
  const partition = partitionOf(region);
  if (finding.secret.id === NO_SECRET) return { Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition: partition, Region: region };
  const details = secretDetails(finding, result);
  return {
    Type: 'AwsSecretsManagerSecret',
    Id: finding.secret.arn ?? finding.secret.id,
    Partition: partition,
    Region: region,
    ...(Object.keys(details).length > 0 ? { Details: { AwsSecretsManagerSecret: details } } : {}),
  };
};

/** Rotation and deletion as the rule (and the action's outcome) establish them; nothing guessed. */
const ROTATION_OFF: ReadonlySet<RuleId> = new Set(['rotation-disabled', 'rotation-missing']);
const DELETED: ReadonlySet<RuleId> = new Set(['secret-deleted', 'secret-force-deleted', 'deleted-secret-in-use', 'scheduled-for-deletion']);

const secretDetails = (finding: Finding, result: ActionResult | undefined): AsffSecretDetails => {
  const repaired = isRepaired(result);
  const rotationEnabled = ROTATION_OFF.has(finding.rule) ? repaired && result?.type === 'enable-rotation' : undefined;
  const deleted = DELETED.has(finding.rule) ? !(repaired && result?.type === 'restore-secret') : undefined;
  const { rotationLambdaArn, kmsKeyId } = finding.evidence;
  return {
    ...(finding.secret.name ? { Name: finding.secret.name } : {}),
    ...(rotationEnabled !== undefined ? { RotationEnabled: rotationEnabled } : {}),
    ...(rotationLambdaArn ? { RotationLambdaArn: rotationLambdaArn } : {}),
    ...(deleted !== undefined ? { Deleted: deleted } : {}),
    ...(kmsKeyId ? { KmsKeyId: kmsKeyId } : {}),
  };
};
