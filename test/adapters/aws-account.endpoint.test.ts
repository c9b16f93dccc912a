/**
 * `AWS_ENDPOINT_URL` (and the per-service `AWS_ENDPOINT_URL_<SERVICE>`) is honoured by the SDK
 * itself, with no code of ours: that is what lets the same adapters run against LocalStack, moto
 * or any AWS-compatible endpoint. Two ways to see it:
 *
 * - The SDK clients directly: a middleware at the `build` step (after the endpoint is resolved and
 *   the request serialized, before signing and sending) captures the request's URL and throws a
 *   sentinel, so no network call is made.
 * - The composition root's factories (`awsSecrets`, `awsBus`, `awsNotifier`), whose clients are
 *   private: pointed at a throwaway HTTP server on 127.0.0.1, which records what reaches it.
 *
 * The SDK reads the variable lazily, at a client's first request (and keeps it), so each test sets
 * it before that request; `vi.stubEnv` restores the environment after every test.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { BuildMiddleware } from '@smithy/types';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsBus, awsNotifier, awsSecrets } from '../../shared/adapters/aws-account.js';

const LOCALSTACK = 'http://localhost:4566';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-a1B2c3';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-alerts';
const BUS = 'secrets-remediator-dev';
// Signing needs credentials (resolved before the build step); any will do, nothing checks them.
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** Every variable that could steer the endpoint or the credentials, cleared so a CI setting cannot leak in. */
const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
];

/** Thrown by `stopBeforeSending` with the URL the request would have gone to. */
class RequestCaptured extends Error {
  public constructor(public readonly url: string) {
    super(`request captured: ${url}`);
    this.name = 'RequestCaptured';
  }
}

interface RequestLine {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
}

const urlOf = (request: unknown): string => {
  if (typeof request !== 'object' || request === null) throw new Error(`not an HTTP request: ${String(request)}`);
  const { protocol, hostname, port, path } = request as RequestLine;
  return `${protocol ?? ''}//${hostname ?? ''}${port ? `:${port}` : ''}${path ?? ''}`;
};

const stopBeforeSending =
  <Input extends object, Output extends object>(): BuildMiddleware<Input, Output> =>
  () =>
  (args) =>
    Promise.reject(new RequestCaptured(urlOf(args.request)));

/** Where `send` would have sent its request. */
const urlOfFirstRequest = async (send: () => Promise<unknown>): Promise<string> => {
  try {
    await send();
  } catch (error) {
    if (error instanceof RequestCaptured) return error.url;
    throw error;
  }
  throw new Error('the request was sent: the capturing middleware did not run');
};

const secretsManagerUrl = () => {
  const client = new SecretsManagerClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
  client.middlewareStack.add(stopBeforeSending(), { step: 'build' });
  return urlOfFirstRequest(() => client.send(new DescribeSecretCommand({ SecretId: SECRET_ARN })));
};

const eventBridgeUrl = () => {
  const client = new EventBridgeClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
  client.middlewareStack.add(stopBeforeSending(), { step: 'build' });
  return urlOfFirstRequest(() =>
    client.send(new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: 'secrets-remediator', DetailType: 't', Detail: '{}' }] })),
  );
};

const snsUrl = () => {
  const client = new SNSClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
  client.middlewareStack.add(stopBeforeSending(), { step: 'build' });
  return urlOfFirstRequest(() => client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'm' })));
};

beforeEach(() => {
  for (const name of ENDPOINT_VARIABLES) vi.stubEnv(name, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Contract: AWS_ENDPOINT_URL', () => {
  describe('SDK clients', () => {
    const clients = [
      ['SecretsManagerClient', secretsManagerUrl],
      ['EventBridgeClient', eventBridgeUrl],
      ['SNSClient', snsUrl],
    ] as const;

    it.each(clients)('%s sends its requests to AWS_ENDPOINT_URL when it is set', async (_client, firstRequestUrl) => {
      // Prepare
      vi.stubEnv('AWS_ENDPOINT_URL', LOCALSTACK);

      // Act
      const url = await firstRequestUrl();

      // Assess
      expect(new URL(url).origin).toBe(LOCALSTACK);
    });

    it.each([
      ['SecretsManagerClient', secretsManagerUrl, 'https://secretsmanager.us-east-1.amazonaws.com'],
      ['EventBridgeClient', eventBridgeUrl, 'https://events.us-east-1.amazonaws.com'],
      ['SNSClient', snsUrl, 'https://sns.us-east-1.amazonaws.com'],
    ] as const)('%s goes to the regional AWS endpoint when no endpoint variable is set', async (_client, firstRequestUrl, regional) => {
      // Act
      const url = await firstRequestUrl();

      // Assess
      expect(new URL(url).origin).toBe(regional);
    });

    it('prefers the per-service AWS_ENDPOINT_URL_SECRETS_MANAGER over AWS_ENDPOINT_URL', async () => {
      // Prepare
      vi.stubEnv('AWS_ENDPOINT_URL', LOCALSTACK);
      vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', 'http://127.0.0.1:5000');

      // Act
      const secrets = await secretsManagerUrl();
      const sns = await snsUrl();

      // Assess
      expect(new URL(secrets).origin).toBe('http://127.0.0.1:5000');
      expect(new URL(sns).origin).toBe(LOCALSTACK);
    });

    it('ignores the variable when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', async () => {
      // Prepare
      vi.stubEnv('AWS_ENDPOINT_URL', LOCALSTACK);
      vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'true');

      // Act
      const url = await secretsManagerUrl();

      // Assess
      expect(new URL(url).origin).toBe('https://secretsmanager.us-east-1.amazonaws.com');
    });
  });

  describe('composition root factories (awsSecrets, awsBus, awsNotifier)', () => {
    interface Received {
      readonly host: string | undefined;
      readonly target: string | undefined;
      readonly contentType: string | undefined;
      readonly body: string;
    }
    const received: Received[] = [];
    let server: Server;
    let endpoint: string;

    const readBody = async (request: IncomingMessage): Promise<string> => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    };

    /** The smallest successful answer for each operation, in the protocol the client speaks. */
    const answer = (target: string | undefined, body: string): { contentType: string; body: string } => {
      if (target === 'secretsmanager.DescribeSecret') {
        return {
          contentType: 'application/x-amz-json-1.1',
          body: JSON.stringify({ ARN: SECRET_ARN, Name: 'prod/payments/db', VersionIdsToStages: { v1: ['AWSCURRENT'] } }),
        };
      }
      if (target === 'AWSEvents.PutEvents') {
        return {
          contentType: 'application/x-amz-json-1.1',
          body: JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] }),
        };
      }
      // SNS speaks the query protocol: a form-encoded request, an XML answer.
      if (body.includes('Action=Publish')) {
        return {
          contentType: 'text/xml',
          body: '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>message-1</MessageId></PublishResult><ResponseMetadata><RequestId>request-1</RequestId></ResponseMetadata></PublishResponse>',
        };
      }
      return { contentType: 'application/json', body: '{}' };
    };

    beforeAll(async () => {
      server = createServer((request, response) => {
        void readBody(request).then((body) => {
          const target = request.headers['x-amz-target'];
          const single = Array.isArray(target) ? target[0] : target;
          received.push({ host: request.headers.host, target: single, contentType: request.headers['content-type'], body });
          const reply = answer(single, body);
          response.writeHead(200, { 'content-type': reply.contentType });
          response.end(reply.body);
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.close();
      await once(server, 'close');
    });

    beforeEach(() => {
      received.length = 0;
      vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
      vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
      vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    });

    it('awsSecrets sends DescribeSecret to AWS_ENDPOINT_URL', async () => {
      // Prepare
      const secrets = awsSecrets('us-east-1');

      // Act
      const state = await secrets.describeSecret(SECRET_ARN);

      // Assess
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ host: new URL(endpoint).host, target: 'secretsmanager.DescribeSecret' });
      expect(JSON.parse(received[0]?.body ?? '')).toStrictEqual({ SecretId: SECRET_ARN });
      expect(state).toMatchObject({ arn: SECRET_ARN, versions: { v1: ['AWSCURRENT'] } });
    });

    it('awsBus sends PutEvents to AWS_ENDPOINT_URL', async () => {
      // Prepare
      const bus = awsBus(BUS, 'us-east-1');

      // Act
      await bus.publish([{ detailType: 'Secret Finding', detail: { findingId: 'finding-1' }, resources: [SECRET_ARN] }]);

      // Assess
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ host: new URL(endpoint).host, target: 'AWSEvents.PutEvents' });
      expect(JSON.parse(received[0]?.body ?? '')).toMatchObject({ Entries: [{ EventBusName: BUS, Source: 'secrets-remediator' }] });
    });

    it('awsNotifier sends Publish to AWS_ENDPOINT_URL', async () => {
      // Prepare
      const notifier = awsNotifier(TOPIC, 'us-east-1');

      // Act
      await notifier.publish({ subject: 'Stale AWSPENDING cleared', body: 'removed', attributes: { severity: 'high' } });

      // Assess
      expect(received).toHaveLength(1);
      expect(received[0]?.host).toBe(new URL(endpoint).host);
      expect(received[0]?.body).toContain('Action=Publish');
      expect(received[0]?.body).toContain(`TopicArn=${encodeURIComponent(TOPIC)}`);
    });
  });
});
