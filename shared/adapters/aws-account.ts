/**
 * The composition root for AWS: real SDK v3 clients, built once per cold start. The SDK reads
 * region and credentials from the usual chain and honours `AWS_ENDPOINT_URL` (and the
 * per-service `AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...), so the same code runs against LocalStack,
 * moto or any AWS-compatible endpoint.
 *
 * One factory per port, so each function's bundle holds only the adapters it wires; the alert
 * functions' own (Slack, Security Hub, the digest table) are in aws-alert-account.ts. What only
 * some policies or events need — the member roles (STS), Organizations and CloudWatch's secret
 * counts (organisation mode), CloudTrail's history, AWS Config, and for the alert functions Slack
 * and Security Hub — is imported with `import()` when first called (./on-first-call.ts), never at cold start: a
 * single-account deployment never loads STS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Policy } from '../policy/schema.js';
import type { CloudTrailHistoryPort } from '../ports/cloudtrail-history.js';
import { systemClock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import type { CompliancePort, LedgerPort } from '../ports/ledger.js';
import type { MemberAccessPort, MemberTarget } from '../ports/member-access.js';
import type { OrganisationPort } from '../ports/organisation.js';
import type { OrganisationAccountsPort } from '../ports/organisation-accounts.js';
import type { SecretCountsPort } from '../ports/secret-counts.js';
import type { SecretsPort } from '../ports/secrets.js';
import { dynamoDbLedger } from './dynamodb-ledger.js';
import { eventBridgeAdapter } from './eventbridge.js';
import { clientConfig, loadMemberAccess } from './aws-clients.js';
import type { MemberAccess } from './member-access.js';
import { type MethodNames, onFirstCall } from './on-first-call.js';
import { secretsManagerAdapter } from './secrets-manager.js';
import { snsAdapter } from './sns.js';

export interface AwsAccountOptions {
  readonly eventBusName: string;
  readonly alertTopicArn: string;
  /** The ledger: the DynamoDB table of that name, or the port given (the replay's in-process ledger). */
  readonly ledger: string | LedgerPort;
  /** Defaults to the SDK's chain (AWS_REGION in Lambda). */
  readonly region?: string;
}

const SECRETS_METHODS: MethodNames<SecretsPort> = {
  describeSecret: true,
  removeStagingLabel: true,
  listVersions: true,
  enableRotation: true,
  restoreSecret: true,
  getResourcePolicy: true,
  putResourcePolicy: true,
  deleteResourcePolicy: true,
  listSecrets: true,
};

export const awsSecrets = (region?: string) => secretsManagerAdapter(new SecretsManagerClient(clientConfig(region)));
/**
 * Secrets Manager for the sweep and `scan`: no SDK retries. Their listing engine paces every
 * ListSecrets call under the quota and retries throttling itself (pausing every reader); SDK
 * retries would go around that pacing and multiply the engine's own attempts.
 */
export const awsSweepReads = (region?: string) =>
  secretsManagerAdapter(new SecretsManagerClient({ ...clientConfig(region), maxAttempts: 1 }));
/**
 * The sweep's reads in another account or region through its member read role (`target` from
 * `memberTarget`; no `roleArn`: the function's own credentials), with no SDK retries like
 * {@link awsSweepReads}. The role is assumed before anything is read, so a refusal fails here,
 * as the MemberAccessError that names the role and what to check. STS is loaded with the first
 * member read (`access`, when given, is used instead).
 */
export const awsMemberSweepReads = (access?: MemberAccess) => {
  const members = access ? () => Promise.resolve(access) : loadMemberAccess();
  return async (target: MemberTarget): Promise<SecretsPort> => {
    const reach = await members();
    await reach.credentialsFor(target)?.();
    return secretsManagerAdapter(
      reach.clientFor(target, 'secretsmanager-sweep', (config) => new SecretsManagerClient({ ...config, maxAttempts: 1 })),
    );
  };
};
/**
 * The secret counts CloudWatch holds per account and region (the organisation sweep's census on a
 * run without recorded sizes), through the member read roles: CloudWatch and STS are loaded with
 * the first count (`access`, when given, is used instead of a new member access).
 */
export const awsMemberSecretCounts = (access?: MemberAccess): SecretCountsPort => {
  const members = access ? () => Promise.resolve(access) : loadMemberAccess();
  return onFirstCall(async () => (await import('./cloudwatch-secret-counts.js')).memberSecretCounts(await members()), {
    secretCount: true,
  });
};
/** AWS Organizations (the organisation sweep's scope, `scan --organization`): from the management account or a delegated administrator. */
export const awsOrganisationAccounts = (region?: string): OrganisationAccountsPort =>
  onFirstCall(async () => (await import('./organizations.js')).organizationsAdapterFor(clientConfig(region)), {
    listAccounts: true,
    listAccountsForParent: true,
    listOrganizationalUnitsForParent: true,
  });
/**
 * The region the SDK will use: `region` when given, else the usual chain (AWS_REGION, the
 * profile's config); undefined when none is set. Lets `scan` say which region it read.
 */
export const awsRegionInUse = async (region?: string): Promise<string | undefined> => {
  try {
    return await new SecretsManagerClient(clientConfig(region)).config.region();
  } catch {
    return undefined;
  }
};
export const awsBus = (eventBusName: string, region?: string) =>
  eventBridgeAdapter(new EventBridgeClient(clientConfig(region)), eventBusName);
export const awsNotifier = (alertTopicArn: string, region?: string) => snsAdapter(new SNSClient(clientConfig(region)), alertTopicArn);
export const awsLedger = (tableName: string, region?: string) => dynamoDbLedger(new DynamoDBClient(clientConfig(region)), tableName);
/** AWS Config, asked to evaluate a rule again after a verified fix: loaded with the first fix, not at cold start. */
export const awsCompliance = (region?: string): CompliancePort =>
  onFirstCall(async () => (await import('./config-compliance.js')).configComplianceFor(clientConfig(region)), { reevaluate: true });
/**
 * CloudTrail's event history (LookupEvents), for `replay --from-cloudtrail` and to learn who deleted a
 * secret that is still read; the reader paces its calls under the quota. Loaded with the first lookup.
 */
export const awsCloudTrailHistory = (region?: string): CloudTrailHistoryPort =>
  onFirstCall(async () => (await import('./cloudtrail-history.js')).cloudTrailHistoryFor(clientConfig(region)), { lookupEvents: true });

/**
 * Member access for the classify and action functions: the member roles through STS and, when
 * the scope names OUs, Organizations' ListParents; nothing at all in single-account mode. Both
 * are loaded when first used, so cold start pays for neither.
 */
export const awsMemberPorts = (policy: Pick<Policy, 'organisation'>): { members?: MemberAccessPort; organisation?: OrganisationPort } => {
  if (!policy.organisation.enabled) return {};
  const members = loadMemberAccess();
  return {
    members: { secrets: (target) => onFirstCall(async () => (await members()).secrets(target), SECRETS_METHODS) },
    ...(policy.organisation.members.organizationalUnits.length > 0
      ? { organisation: onFirstCall(async () => (await import('./member-ancestry.js')).organisationAncestry(), { parentsOf: true }) }
      : {}),
  };
};
/** Every port on the real account: for the replay's `--live` mode. */
export const awsAccount = ({ eventBusName, alertTopicArn, ledger, region }: AwsAccountOptions): Ports => ({
  secrets: awsSecrets(region),
  bus: awsBus(eventBusName, region),
  notifier: awsNotifier(alertTopicArn, region),
  ledger: typeof ledger === 'string' ? awsLedger(ledger, region) : ledger,
  compliance: awsCompliance(region),
  clock: systemClock,
});

/** What the classify and action functions are configured with (shared/config.ts gives it). */
export interface EventFunctionSettings {
  readonly policy: Pick<Policy, 'organisation'>;
  readonly eventBusName: string;
  readonly ledgerTableName: string;
}

/** The classify function's ports: Secrets Manager, the project bus, the ledger, the members (organisation mode). */
export const awsClassifyPorts = (settings: EventFunctionSettings) => ({
  ...awsMemberPorts(settings.policy),
  secrets: awsSecrets(),
  bus: awsBus(settings.eventBusName),
  ledger: awsLedger(settings.ledgerTableName),
  clock: systemClock,
});

/** What an action function reads besides the secret: AWS Config (to re-evaluate after a fix), CloudTrail's history. */
export interface ActionExtras {
  /** For an action that declares a Config rule (enable-rotation). */
  readonly compliance?: boolean;
  /** For restore-secret: who deleted a secret that is still read. */
  readonly history?: boolean;
}

/** An action function's ports: those classify has, and what `extras` asks for, each loaded when first called. */
export const awsActionPorts = (settings: EventFunctionSettings, extras: ActionExtras = {}) => ({
  ...awsClassifyPorts(settings),
  ...(extras.compliance ? { compliance: awsCompliance() } : {}),
  ...(extras.history ? { history: awsCloudTrailHistory() } : {}),
});

/**
 * The sweep function's ports: reads without SDK retries, the bus, the topic for its summary, the
 * ledger, and under `organisation` the organisation mode's raw ports: the accounts (Organizations),
 * each member's reads and secret count through its read role (all loaded when first called), which
 * shared/handlers/sweep.ts composes.
 */
export const awsSweepPorts = (settings: {
  readonly eventBusName: string;
  readonly alertTopicArn: string;
  readonly ledgerTableName: string;
}) => ({
  secrets: awsSweepReads(),
  bus: awsBus(settings.eventBusName),
  notifier: awsNotifier(settings.alertTopicArn),
  ledger: awsLedger(settings.ledgerTableName),
  clock: systemClock,
  organisation: { accounts: awsOrganisationAccounts(), memberReads: awsMemberSweepReads(), secretCounts: awsMemberSecretCounts() },
});
