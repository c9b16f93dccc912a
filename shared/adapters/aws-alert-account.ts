/**
 * The alert functions' part of the composition root (aws-account.ts holds the rest; it is not
 * imported here, so these functions load no Secrets Manager client): the topic, the ledger and
 * the digest table, and what only some policies or findings need, loaded with
 * `import()` when first called — Slack when the policy names its webhook secret, Security Hub when
 * it turns Security Hub on, a member's read role when a finding is a member's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Policy } from '../policy/schema.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { DigestPort } from '../ports/digest.js';
import type { LedgerPort } from '../ports/ledger.js';
import type { MemberTarget } from '../ports/member-access.js';
import type { ChatPort, NotifierPort } from '../ports/notifier.js';
import type { SecurityHubFor, SecurityHubPort, SecurityHubTarget } from '../ports/security-hub.js';
import { clientConfig, loadMemberAccess } from './aws-clients.js';
import { dynamoDbDigest } from './dynamodb-digest.js';
import { dynamoDbLedger } from './dynamodb-ledger.js';
import { type MethodNames, onFirstCall } from './on-first-call.js';
import { snsAdapter } from './sns.js';

const SECURITY_HUB_METHODS: MethodNames<SecurityHubPort> = { importFindings: true };

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
      port = onFirstCall(async () => (await import('./security-hub.js')).securityHubAdapterFor(clientConfig(region)), SECURITY_HUB_METHODS);
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
  const members = loadMemberAccess();
  return (target, deployment) => {
    if (!deployment || (target.account === deployment.account && target.region === deployment.region)) return own(target);
    const role = readRoleOf(target, deployment);
    return onFirstCall(async () => {
      const [access, { securityHubAdapterFor }] = await Promise.all([members(), import('./security-hub.js')]);
      return access.clientFor(role, 'securityhub', securityHubAdapterFor);
    }, SECURITY_HUB_METHODS);
  };
};

/**
 * Security Hub for the alert function, as the policy asks: none when it is off; with the
 * function's own credentials in one account; through each member's read role (`readRoleOf`) in
 * organisation mode.
 */
export const awsAlertSecurityHub = (
  policy: Pick<Policy, 'securityHub' | 'organisation'>,
  readRoleOf: (place: SecurityHubTarget, hub: SecurityHubTarget) => MemberTarget,
): SecurityHubFor | undefined => {
  if (!policy.securityHub.enabled) return undefined;
  return policy.organisation.enabled ? awsMemberSecurityHubFor(readRoleOf) : awsSecurityHubFor();
};

/** The region an ARN names (`arn:aws:secretsmanager:eu-west-1:...`), when it names one. */
const regionOfArn = (arn: string): string | undefined => (arn.startsWith('arn:') ? arn.split(':')[3] || undefined : undefined);

/**
 * Slack through the incoming webhook whose URL is the value of `secretArn`: the one secret this
 * service reads (GetSecretValue is granted on that ARN alone, to the alert functions alone).
 * Read through Powertools Parameters, cached 5 minutes across invocations of the container.
 * The client goes to the secret's region, which need not be the function's (one webhook secret
 * for the stacks of every region): Secrets Manager answers only for secrets of its own region.
 * Loaded with the first message, so an alert that reaches no Slack never loads it.
 */
export const awsSlackChat = (secretArn: string, region?: string): ChatPort =>
  onFirstCall(async () => (await import('./aws-slack-chat.js')).slackChatFor(secretArn, clientConfig(regionOfArn(secretArn) ?? region)), {
    post: true,
  });

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
    notifier: snsAdapter(new SNSClient(clientConfig(region)), alertTopicArn),
    ledger: dynamoDbLedger(dynamoDb, ledgerTableName),
    clock: systemClock,
    // The table is in the stack's region: the topic's.
    ...(digestTableName ? { digest: dynamoDbDigest(dynamoDb, digestTableName, region ?? regionOfArn(alertTopicArn)) } : {}),
    ...(secretArn ? { chat: awsSlackChat(secretArn, region) } : {}),
  };
};
