/**
 * The composition root for AWS: real SDK v3 clients, built once per cold start. The SDK reads
 * region and credentials from the usual chain and honours `AWS_ENDPOINT_URL` (and the
 * per-service `AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...), so the same code runs against LocalStack,
 * moto or any AWS-compatible endpoint.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { systemClock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import type { LedgerPort } from '../ports/ledger.js';
import { configCompliance } from './config-compliance.js';
import { dynamoDbLedger } from './dynamodb-ledger.js';
import { eventBridgeAdapter } from './eventbridge.js';
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

/** The SDK's standard retry mode with backoff; throttling past these attempts fails the invocation. */
const MAX_ATTEMPTS = 4;

const clientConfig = (region?: string) => ({ maxAttempts: MAX_ATTEMPTS, ...(region ? { region } : {}) });

// One factory per port, so each function's bundle holds only the SDK clients it uses.
export const awsSecrets = (region?: string) => secretsManagerAdapter(new SecretsManagerClient(clientConfig(region)));
export const awsBus = (eventBusName: string, region?: string) => eventBridgeAdapter(new EventBridgeClient(clientConfig(region)), eventBusName);
export const awsNotifier = (alertTopicArn: string, region?: string) => snsAdapter(new SNSClient(clientConfig(region)), alertTopicArn);
export const awsLedger = (tableName: string, region?: string) => dynamoDbLedger(new DynamoDBClient(clientConfig(region)), tableName);
export const awsCompliance = (region?: string) => configCompliance(new ConfigServiceClient(clientConfig(region)));

/** Every port on the real account: for the replay's `--live` mode. */
export const awsAccount = ({ eventBusName, alertTopicArn, ledger, region }: AwsAccountOptions): Ports => ({
  secrets: awsSecrets(region),
  bus: awsBus(eventBusName, region),
  notifier: awsNotifier(alertTopicArn, region),
  ledger: typeof ledger === 'string' ? awsLedger(ledger, region) : ledger,
  compliance: awsCompliance(region),
  clock: systemClock,
});
