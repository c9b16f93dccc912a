/**
 * The error middleware is the one reader of `retryable`: what retrying cannot fix is settled
 * (answered, logged for a metric), everything else is rethrown for Lambda's retries and the DLQ.
 */
import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlackUnavailableError, SlackWebhookRejectedError } from '../../shared/adapters/slack-webhook.js';
import { ConfigError, InvalidEventError, PermissionDeniedError, ThrottlingError, TransientAwsError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { settleErrors } from '../../shared/middleware/settle-errors.js';
import { localContext } from '../../shared/replay/lambda-context.js';

const failingWith = (error: Error) =>
  middy<unknown, unknown>()
    .use(settleErrors(logger))
    .handler(() => Promise.reject(error));

const invoke = (error: Error) => failingWith(error)({}, localContext('classify'));

afterEach(() => vi.restoreAllMocks());

describe('Middleware: settleErrors', () => {
  it('answers an invalid event as rejected with its problems', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const outcome = await invoke(new InvalidEventError(['detail.eventName: required']));

    expect(outcome).toEqual({ status: 'rejected', problems: ['detail.eventName: required'] });
    expect(errors).toHaveBeenCalledWith('event rejected', expect.objectContaining({ settled: 'rejected' }));
  });

  it.each([
    [
      'a permanent Slack refusal',
      new SlackWebhookRejectedError(404, 'no_service', 'Slack webhook refused the message: HTTP 404 no_service'),
    ],
    ['access denied', new PermissionDeniedError('Publish: AuthorizationErrorException: not authorized')],
    ['a configuration fault', new ConfigError('alerts.channels.slackWebhookSecretArn is set but no chat port was given')],
  ])('settles %s as failed, with an error log a metric filter can count, instead of letting Lambda retry it', async (_, error) => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    const outcome = await invoke(error);

    expect(outcome).toEqual({ status: 'failed', error: error.name, reason: error.message });
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('not retried'),
      expect.objectContaining({ errorName: error.name, settled: 'failed' }),
    );
  });

  it.each([
    ['throttling', new ThrottlingError('PutEvents: ThrottlingException: Rate exceeded')],
    ['a 5xx', new TransientAwsError('Publish: InternalErrorException: try again')],
    ['Slack unavailable', new SlackUnavailableError('Slack webhook unavailable after 4 attempts: HTTP 503')],
    ['an error the service does not know (a bug)', new TypeError("Cannot read properties of undefined (reading 'arn')")],
  ])('rethrows %s so that Lambda retries it and the dead-letter queue keeps it', async (_, error) => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

    await expect(invoke(error)).rejects.toBe(error);
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('Lambda retries it'),
      expect.objectContaining({ errorName: error.name, settled: 'retried' }),
    );
  });
});
