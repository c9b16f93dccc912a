/**
 * The Slack ChatPort end to end on this machine: the real `@slack/webhook` client posting over
 * HTTP to a fake Slack on 127.0.0.1 (answering as Slack does: 200 `ok`, 429 with Retry-After,
 * 5xx, 4xx with Slack's error strings), the webhook URL read from a secret through the real
 * Powertools SecretsProvider over a mocked Secrets Manager client. Waiting is recorded, not done.
 *
 * The URL is a credential: no error message and no log line may contain it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { FetchFunction } from '@slack/webhook';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeHandler as makeAlert } from '../../shared/handlers/alert.js';
import { awsSlackChat } from '../../shared/adapters/aws-alert-account.js';
import {
  isSlackWebhookUrl,
  SlackUnavailableError,
  type SlackWebhookOptions,
  SlackWebhookConfigError,
  SlackWebhookRejectedError,
  slackWebhookChat,
} from '../../shared/adapters/slack-webhook.js';
import { PermissionDeniedError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import type { SlackMessage } from '../../shared/ports/notifier.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';
import { RecordingNotifier } from '../../shared/sandbox/recording-notifier.js';
import { alertSettings, findingEventOf, findingFor, SLACK_SECRET_ARN } from '../helpers/alerts.js';
import '../helpers/aws-matchers.js';

// Fake, but shaped like the real thing: the adapter refuses anything else.
const WEBHOOK = 'https://hooks.slack.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001';
const REPLACED = 'https://hooks.slack.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000002';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Received {
  readonly path: string;
  readonly body: { text?: string; blocks?: unknown[] };
  readonly contentType: string | undefined;
}

const ok: Answer = { status: 200, body: 'ok' };

/** A fake Slack: answers each request with the next scripted answer (then 200 ok), and records it. */
const fakeSlack = () => {
  const received: Received[] = [];
  let script: Answer[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'],
        contentType: request.headers['content-type'],
      });
      const answer = script.shift() ?? ok;
      response.writeHead(answer.status, { 'content-type': 'text/html', ...answer.headers });
      response.end(answer.body);
    });
  });
  return {
    received,
    answer: (...answers: Answer[]) => {
      script = [...answers];
    },
    start: async () => {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return (server.address() as AddressInfo).port;
    },
    close: async () => {
      server.close();
      await once(server, 'close');
    },
  };
};

const slack = fakeSlack();
let port = 0;
/** The adapter's requests to hooks.slack.com go to the fake Slack instead, same path. */
const toFakeSlack: FetchFunction = (url, init) => globalThis.fetch(`http://127.0.0.1:${port}${new URL(String(url)).pathname}`, init);

const secretsManager = mockClient(SecretsManagerClient);

beforeAll(async () => {
  port = await slack.start();
});

afterAll(async () => {
  await slack.close();
  secretsManager.restore();
});

beforeEach(() => {
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand, { SecretId: SLACK_SECRET_ARN }).resolves({ ARN: SLACK_SECRET_ARN, SecretString: WEBHOOK });
  slack.answer();
  slack.received.length = 0;
});

/** The adapter as the alert functions build it, with waiting recorded instead of done. */
const chatWith = (options: Partial<SlackWebhookOptions> = {}) => {
  let time = Date.parse('2026-11-25T12:00:00Z');
  const waits: number[] = [];
  const provider = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ region: 'us-east-1', maxAttempts: 1 }) });
  const chat = slackWebhookChat({
    secretArn: SLACK_SECRET_ARN,
    secrets: { get: (name, getOptions) => provider.get(name, getOptions) },
    fetch: toFakeSlack,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms;
      return Promise.resolve();
    },
    now: () => time,
    random: () => 0.5,
    ...options,
  });
  return { chat, waits };
};

const message: SlackMessage = {
  text: '[HIGH] rotation-failed: prod/payments/db (123456789012/us-east-1)',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Rotation failed* for `prod/payments/db`' } }],
};

/** The call's outcome as data: rejections are asserted like values. */
const settle = async (promise: Promise<unknown>): Promise<{ error?: Error }> => {
  try {
    await promise;
    return {};
  } catch (error) {
    return { error: error as Error };
  }
};

/** Everything an error says, its causes included. */
const everythingSaid = (error: unknown): string => {
  const said: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) said.push(e.name, e.message, e.stack ?? '', JSON.stringify(e));
  return said.join('\n');
};

const webhookCalls = () => secretsManager.commandCalls(GetSecretValueCommand).length;

describe('Contract: ChatPort over a Slack incoming webhook', () => {
  it('posts the message as JSON to the webhook of the secret', async () => {
    // Prepare
    const { chat } = chatWith();

    // Act
    await chat.post(message);

    // Assess
    expect(slack.received).toEqual([
      {
        path: '/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001',
        body: { text: message.text, blocks: message.blocks },
        contentType: 'application/json',
      },
    ]);
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SLACK_SECRET_ARN });
  });

  it('reads the secret once and keeps the URL for later posts, spacing them a second apart', async () => {
    // Prepare
    const { chat, waits } = chatWith();

    // Act
    await chat.post(message);
    await chat.post(message);
    await chat.post(message);

    // Assess
    expect(slack.received).toHaveLength(3);
    expect(webhookCalls()).toBe(1);
    expect(waits).toEqual([1000, 1000]);
  });

  it('reads a URL kept as JSON {"url": ...} too', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: WEBHOOK }) });
    const { chat } = chatWith();

    // Act
    await chat.post(message);

    // Assess
    expect(slack.received.map((r) => r.path)).toEqual(['/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001']);
  });

  it('waits as long as a 429 asks in Retry-After, then posts again', async () => {
    // Prepare
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } });
    const { chat, waits } = chatWith();

    // Act
    await chat.post(message);

    // Assess
    expect(slack.received).toHaveLength(2);
    expect(waits[0]).toBe(3000);
  });

  it('retries a 500 with backoff and succeeds when Slack is back', async () => {
    // Prepare
    slack.answer({ status: 500, body: 'rollup_error' }, { status: 503, body: '' });
    const { chat, waits } = chatWith();

    // Act
    await chat.post(message);

    // Assess
    expect(slack.received).toHaveLength(3);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Number.POSITIVE_INFINITY);
  });

  it('gives up after 4 attempts of 5xx with a retryable error naming the status', async () => {
    // Prepare
    slack.answer(...Array.from({ length: 4 }, () => ({ status: 500, body: 'rollup_error' })));
    const { chat } = chatWith();

    // Act
    const { error } = await settle(chat.post(message));

    // Assess
    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(error).toMatchObject({ retryable: true, message: 'Slack webhook unavailable after 4 attempts: HTTP 500 rollup_error' });
    expect(slack.received).toHaveLength(4);
  });

  it('fails at once, retryable, when Retry-After asks for longer than the invocation may wait', async () => {
    // Prepare
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } });
    const { chat, waits } = chatWith();

    // Act
    const { error } = await settle(chat.post(message));

    // Assess
    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(error?.message).toContain('retry after 120 s');
    expect(slack.received).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it.each([
    [404, 'no_service', /the webhook was removed or its URL is wrong/],
    [403, 'invalid_token', /no longer valid/],
    [410, 'channel_is_archived', /archived/],
    [400, 'invalid_payload', /message format/],
  ])('fails fast on HTTP %i %s: permanent, with what to fix', async (status, slackError, advice) => {
    // Prepare
    slack.answer({ status, body: slackError });
    const { chat, waits } = chatWith();

    // Act
    const { error } = await settle(chat.post(message));

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookRejectedError);
    expect(error).toMatchObject({ retryable: false, statusCode: status, slackError, message: expect.stringMatching(advice) });
    expect(error?.message).toContain(SLACK_SECRET_ARN);
    expect(slack.received).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('re-reads the secret when Slack says the webhook is gone, and posts to the new URL once it was replaced', async () => {
    // Prepare: the cached URL was revoked and the secret now holds a new webhook.
    const { chat } = chatWith();
    await chat.post(message);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: REPLACED });
    slack.answer({ status: 404, body: 'no_service' });

    // Act
    await chat.post(message);

    // Assess
    expect(slack.received.map((r) => r.path)).toEqual([
      '/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001',
      '/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001',
      '/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000002',
    ]);
    expect(webhookCalls()).toBe(2);
  });

  it.each([
    ['an HTTPS URL elsewhere', 'https://hooks.example.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001'],
    ['plain HTTP', 'http://hooks.slack.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001'],
    ['credentials in the URL', 'https://user:pw@hooks.slack.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001'],
    ['not a URL', 'fakeWebhookToken000000001'],
    ['JSON without a url', '{"webhook":"fakeWebhookToken000000001"}'],
  ])('refuses a secret holding %s, without echoing it, and posts nothing', async (_label, value) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: value });
    const { chat } = chatWith();

    // Act
    const { error } = await settle(chat.post(message));

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookConfigError);
    expect(error?.message).toContain(`the secret ${SLACK_SECRET_ARN} does not hold a Slack incoming-webhook URL`);
    expect(everythingSaid(error)).not.toContain('fakeWebhookToken');
    expect(slack.received).toEqual([]);
  });

  it('maps AccessDenied on the secret to PermissionDeniedError naming the secret', async () => {
    // Prepare
    // Secrets Manager answers AccessDeniedException, an error its SDK has no class for.
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('not authorized to perform: secretsmanager:GetSecretValue'), {
        name: 'AccessDeniedException',
        $fault: 'client',
      }),
    );
    const { chat } = chatWith();

    // Act
    const { error } = await settle(chat.post(message));

    // Assess
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error?.message).toContain(SLACK_SECRET_ARN);
  });

  it('retries when no answer comes (connection refused) and never says the URL', async () => {
    // Prepare: a port nothing listens on.
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const { chat, waits } = chatWith({
      fetch: (url, init) => globalThis.fetch(`http://127.0.0.1:${deadPort}${new URL(String(url)).pathname}`, init),
    });

    // Act
    const { error } = await settle(chat.post(message));

    // Assess
    expect(error).toBeInstanceOf(SlackUnavailableError);
    expect(error?.message).toMatch(/^Slack webhook unavailable after 4 attempts: request failed/);
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(everythingSaid(error)).not.toContain('fakeWebhookToken');
  });

  it("keeps a message within Slack's 50 blocks", async () => {
    // Prepare
    const { chat } = chatWith();
    const long: SlackMessage = {
      text: 'many',
      blocks: Array.from({ length: 60 }, (_, n) => ({ type: 'section', text: { type: 'mrkdwn', text: `line ${n}` } })),
    };

    // Act
    await chat.post(long);

    // Assess
    expect(slack.received[0]?.body.blocks).toHaveLength(50);
  });
});

describe('Function: isSlackWebhookUrl', () => {
  it.each([
    ['https://hooks.slack.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001', true],
    ['https://hooks.slack.com/workflows/T0000FAKE/A0000FAKE/123/fakeWebhookToken', true],
    ['https://hooks.slack-gov.com/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001', true],
    ['https://hooks.slack.com:8443/services/T0000FAKE/B0000FAKE/fakeWebhookToken000000001', false],
    ['https://hooks.slack.com.example.com/services/T0000FAKE/B0000FAKE/x', false],
    ['https://hooks.slack.com/api/chat.postMessage', false],
  ])('%s: %s', (url, expected) => {
    expect(isSlackWebhookUrl(url)).toBe(expected);
  });
});

describe('Handler: alert with the Slack webhook adapter', () => {
  const alertWithSlack = () => {
    let now = new Date('2026-11-25T12:01:00Z');
    const clock = { now: () => now };
    const { chat } = chatWith();
    const notifier = new RecordingNotifier();
    const handler = makeAlert(
      { notifier, chat, ledger: new MemoryLedger(() => now), digest: new MemoryDigest(), clock },
      { alerts: alertSettings({ channels: { slackWebhookSecretArn: SLACK_SECRET_ARN } }) },
    );
    return {
      handler,
      notifier,
      later: (minutes: number) => {
        now = new Date(now.getTime() + minutes * 60_000);
      },
    };
  };

  it('reads the webhook secret once for the invocations of one container', async () => {
    // Prepare
    const { handler } = alertWithSlack();
    const template = await findingEventOf('value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json');

    // Act
    await handler(findingFor(template, 1), localContext('alert'));
    await handler(findingFor(template, 2), localContext('alert'));

    // Assess
    expect(slack.received).toHaveLength(2);
    expect(webhookCalls()).toBe(1);
  });

  it('settles as failed (not retried) after the topic got the alert when Slack refuses the webhook, logging and answering neither the URL nor its token', async () => {
    // Prepare: everything handed to the logger, errors with their causes (it prints no more).
    const written: string[] = [];
    for (const method of ['debug', 'info', 'warn', 'error', 'critical'] as const) {
      vi.spyOn(logger, method).mockImplementation((...args: unknown[]) => {
        written.push(
          args
            .map((arg) =>
              arg instanceof Error
                ? everythingSaid(arg)
                : JSON.stringify(arg, (_key, value: unknown) => (value instanceof Error ? everythingSaid(value) : value)),
            )
            .join(' '),
        );
      });
    }
    slack.answer({ status: 404, body: 'no_service' }, { status: 404, body: 'no_service' });
    const { handler, notifier, later } = alertWithSlack();
    const event = findingFor(await findingEventOf('value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json'), 1);

    // Act
    const first = await handler(event, localContext('alert'));
    later(1);
    const redelivered = await handler(structuredClone(event), localContext('alert'));
    vi.restoreAllMocks();

    // Assess
    expect(first).toMatchObject({
      status: 'failed',
      error: 'SlackWebhookRejectedError',
      reason: expect.stringContaining('no_service') as unknown,
    });
    expect(redelivered).toMatchObject({ status: 'failed', error: 'SlackWebhookRejectedError' });
    expect(notifier.sent).toHaveLength(1);
    const logs = written.join('');
    expect(logs).toContain('not retried');
    expect(logs).toContain('no_service');
    for (const said of [logs, JSON.stringify(first), JSON.stringify(redelivered)]) {
      expect(said).not.toContain('fakeWebhookToken');
      expect(said).not.toContain('hooks.slack.com/services');
    }
  });
});

describe('Function: awsSlackChat', () => {
  it("reads the webhook secret in the secret's own region, not the function's", async () => {
    // Prepare: the stack runs in us-east-1, the one webhook secret lives in eu-west-1.
    const elsewhere = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:secrets-remediator/slack-webhook-AbCdEf';
    const regions: string[] = [];
    secretsManager.on(GetSecretValueCommand, { SecretId: elsewhere }).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      // Not a webhook URL: the adapter stops there, before posting anywhere.
      return { ARN: elsewhere, SecretString: 'not a webhook' };
    });

    // Act
    const { error } = await settle(awsSlackChat(elsewhere, 'us-east-1').post(message));

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookConfigError);
    expect(regions).toEqual(['eu-west-1']);
  });
});
