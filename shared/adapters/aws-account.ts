/**
 * The composition root for AWS: real SDK v3 clients, built once per cold start. The SDK reads
 * region and credentials from the usual chain and honours `AWS_ENDPOINT_URL` (and the
 * per-service `AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...), so the same code runs against LocalStack,
 * moto or any AWS-compatible endpoint.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { Policy } from '../policy/schema.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { DigestPort } from '../ports/digest.js';
import type { Ports } from '../ports/index.js';
import type { LedgerPort } from '../ports/ledger.js';
import type { MemberAccessPort, MemberTarget } from '../ports/member-access.js';
import type { OrganisationPort } from '../ports/organisation.js';
import type { SecretsPort } from '../ports/secrets.js';
import type { ChatPort, NotifierPort } from '../ports/notifier.js';
import type { SecurityHubFor, SecurityHubPort, SecurityHubTarget } from '../ports/security-hub.js';
import { cloudTrailHistoryAdapter } from './cloudtrail-history.js';
import { configCompliance } from './config-compliance.js';
import { dynamoDbDigest } from './dynamodb-digest.js';
import { dynamoDbLedger } from './dynamodb-ledger.js';
import { eventBridgeAdapter } from './eventbridge.js';
import { organisationAncestry } from './member-ancestry.js';
import { type MemberAccess, memberAccess } from './member-access.js';
import { organizationsAdapter } from './organizations.js';
import { secretsManagerAdapter } from './secrets-manager.js';
import { slackWebhookChat } from './slack-webhook.js';
import { securityHubAdapter } from './security-hub.js';
import { snsAdapter } from './sns.js';

export interface AwsAccountOptions {
  readonly eventBusName: string;
  readonly alertTopicArn: string;
  /** The ledger: the DynamoDB table of that name, or the port given (the replay's in-process ledger). */
  readonly ledger: string | LedgerPort;
  /** Defaults to the SDK's chain (AWS_REGION in Lambda). */
  readonly region?: string;
}

/** The SDK's standard retry mode with backoff; throttling past these attempts fails the invocation. */
const MAX_ATTEMPTS = 4;

const clientConfig = (region?: string) => ({ maxAttempts: MAX_ATTEMPTS, ...(region ? { region } : {}) });

// One factory per port, so each function's bundle holds only the SDK clients it uses.
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
 * as the MemberAccessError that names the role and what to check.
 */
export const awsMemberSweepReads =
  (access: MemberAccess = memberAccess()) =>
  async (target: MemberTarget): Promise<SecretsPort> => {
    await access.credentialsFor(target)?.();
    return secretsManagerAdapter(
      access.clientFor(target, 'secretsmanager-sweep', (config) => new SecretsManagerClient({ ...config, maxAttempts: 1 })),
    );
  };
/** AWS Organizations (the organisation sweep's scope, `scan --organization`): from the management account or a delegated administrator. */
export const awsOrganisationAccounts = (region?: string) => organizationsAdapter(new OrganizationsClient(clientConfig(region)));
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
export const awsCompliance = (region?: string) => configCompliance(new ConfigServiceClient(clientConfig(region)));
/** CloudTrail's event history (LookupEvents), for `replay --from-cloudtrail`; the reader paces its calls under the quota. */
export const awsCloudTrailHistory = (region?: string) => cloudTrailHistoryAdapter(new CloudTrailClient(clientConfig(region)));

/**
 * Security Hub with the function's own credentials, one client per Region, made when first
 * needed: with one account, the deployment's own Security Hub (the export refuses any other
 * account before it asks).
 */
export const awsSecurityHubFor = (): SecurityHubFor => {
  const byRegion = new Map<string, SecurityHubPort>();
  return ({ region }) => {
    let port = byRegion.get(region);
    if (!port) {
      port = securityHubAdapter(new SecurityHubClient(clientConfig(region)));
      byRegion.set(region, port);
    }
    return port;
  };
};

/**
 * Security Hub in organisation mode: the hub's own account and Region with the function's own
 * credentials, any other place through that member's read role (`readRoleOf`: the policy's role names) (which may import only that
 * account's findings), assumed with STS in the member's Region; clients cached per place.
 */
export const awsMemberSecurityHubFor = (readRoleOf: (place: SecurityHubTarget, hub: SecurityHubTarget) => MemberTarget): SecurityHubFor => {
  const own = awsSecurityHubFor();
  const members = memberAccess();
  return (target, deployment) => {
    if (!deployment || (target.account === deployment.account && target.region === deployment.region)) return own(target);
    return securityHubAdapter(members.clientFor(readRoleOf(target, deployment), 'securityhub', (config) => new SecurityHubClient(config)));
  };
};

/**
 * Member access for the classify and action functions: the member roles through STS and, when
 * the scope names OUs, Organizations' ListParents; nothing at all in single-account mode.
 */
export const awsMemberPorts = (policy: Pick<Policy, 'organisation'>): { members?: MemberAccessPort; organisation?: OrganisationPort } =>
  policy.organisation.enabled
    ? {
        members: memberAccess(),
        ...(policy.organisation.members.organizationalUnits.length > 0 ? { organisation: organisationAncestry() } : {}),
      }
    : {};
/** The region an ARN names (`arn:aws:secretsmanager:eu-west-1:...`), when it names one. */
const regionOfArn = (arn: string): string | undefined => (arn.startsWith('arn:') ? arn.split(':')[3] || undefined : undefined);

/**
 * Slack through the incoming webhook whose URL is the value of `secretArn`: the one secret this
 * service reads (GetSecretValue is granted on that ARN alone, to the alert functions alone).
 * Read through Powertools Parameters, cached 5 minutes across invocations of the container.
 * The client goes to the secret's region, which need not be the function's (one webhook secret
 * for the stacks of every region): Secrets Manager answers only for secrets of its own region.
 */
export const awsSlackChat = (secretArn: string, region?: string): ChatPort => {
  const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(clientConfig(regionOfArn(secretArn) ?? region)) });
  return slackWebhookChat({ secretArn, secrets: { get: (name, options) => provider.get(name, options) } });
};

/** What the alert functions talk to. */
export interface AlertAccount {
  readonly notifier: NotifierPort;
  readonly ledger: LedgerPort;
  readonly clock: Clock;
  readonly digest?: DigestPort;
  readonly chat?: ChatPort;
}

/**
 * The alert functions' ports: the topic, the ledger and (when digests are on) the digest table
 * on one DynamoDB client, and Slack only when the policy names its webhook secret — otherwise no
 * Secrets Manager client exists in the function at all.
 */
export const alertAccount = (
  {
    alertTopicArn,
    ledgerTableName,
    digestTableName,
    alerts,
  }: { alertTopicArn: string; ledgerTableName: string; digestTableName?: string | undefined; alerts: Policy['alerts'] },
  region?: string,
): AlertAccount => {
  const dynamoDb = new DynamoDBClient(clientConfig(region));
  const secretArn = alerts.channels.slackWebhookSecretArn;
  return {
    notifier: awsNotifier(alertTopicArn, region),
    ledger: dynamoDbLedger(dynamoDb, ledgerTableName),
    clock: systemClock,
    // The table is in the stack's region: the topic's.
    ...(digestTableName ? { digest: dynamoDbDigest(dynamoDb, digestTableName, region ?? regionOfArn(alertTopicArn)) } : {}),
    ...(secretArn ? { chat: awsSlackChat(secretArn, region) } : {}),
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
