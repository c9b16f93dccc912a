/**
 * Slack through the incoming webhook whose URL is the value of a secret, read with Powertools
 * Parameters (`SecretsProvider`, cached across invocations of the container) on a Secrets Manager
 * client of its own. A module of its own so that the alert functions' composition root loads it,
 * with @slack/webhook and Powertools Parameters, by `import()` when the first message goes out.
 */
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { ChatPort } from '../ports/notifier.js';
import { slackWebhookChat } from './slack-webhook.js';

/** The webhook chat on the URL in `secretArn`, read through a client made with `config` (the secret's region). */
export const slackChatFor = (secretArn: string, config: SecretsManagerClientConfig): ChatPort => {
  const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(config) });
  return slackWebhookChat({ secretArn, secrets: { get: (name, options) => provider.get(name, options) } });
};
