/**
 * The composition root for AWS: real SDK v3 clients, built once per cold start. The SDK reads
 * region and credentials from the usual chain and honours `AWS_ENDPOINT_URL` (and the
 * per-service `AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...), so the same code runs against LocalStack,
 * moto or any AWS-compatible endpoint.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { systemClock } from '../ports/clock.js';
import type { Ports } from '../ports/index.js';
import { eventBridgeAdapter } from './eventbridge.js';
import { secretsManagerAdapter } from './secrets-manager.js';
import { snsAdapter } from './sns.js';

export interface AwsAccountOptions {
  readonly eventBusName: string;
  readonly alertTopicArn: string;
  /** Defaults to the SDK's chain (AWS_REGION in Lambda). */
  readonly region?: string;
}

/** The SDK's standard retry mode with backoff; throttling past these attempts fails the invocation. */
const MAX_ATTEMPTS = 4;

export const awsAccount = ({ eventBusName, alertTopicArn, region }: AwsAccountOptions): Ports => {
  const clientConfig = { maxAttempts: MAX_ATTEMPTS, ...(region ? { region } : {}) };
  return {
    secrets: secretsManagerAdapter(new SecretsManagerClient(clientConfig)),
    bus: eventBridgeAdapter(new EventBridgeClient(clientConfig), eventBusName),
    notifier: snsAdapter(new SNSClient(clientConfig), alertTopicArn),
    clock: systemClock,
  };
};
