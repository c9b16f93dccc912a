/**
 * The one reader of the error contract (`RemediationError.retryable`, shared/errors.ts): decides
 * whether a failed invocation is retried or settled.
 *
 * - An event that fails to parse is `rejected`: logged with what is missing and answered, so
 *   Lambda does not retry it and nothing changes.
 * - A service error that retrying cannot fix (`retryable: false`: a Slack webhook that refuses
 *   the message, access denied, a checkpoint too large to carry) is `failed`: logged as an error
 *   with `settled: 'failed'` and the error's name (fields a metric filter can count) and
 *   answered, so Lambda does not spend its retries, and the dead-letter queue, on a certain failure.
 * - A retryable service error (throttling, 5xx, a claim held by another delivery, a channel that
 *   is down) and any error the service does not know (a bug, an SDK error no adapter mapped) is
 *   rethrown: Lambda's async retries, then the on-failure destination (the DLQ), keep the event.
 *
 * Assigns `request.response` rather than returning it, so later `onError` hooks (the logger's
 * key reset) still run.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { InvalidEventError, RemediationError } from '../errors.js';

export interface Rejected {
  readonly status: 'rejected';
  readonly problems: readonly string[];
}

/** The invocation failed in a way retrying cannot fix: `error` is the error's name, `reason` its message. */
export interface Failed {
  readonly status: 'failed';
  readonly error: string;
  readonly reason: string;
}

/** Whether Lambda should retry after `error`: only a known error that says it is not worth it is settled. */
export const isSettled = (error: unknown): error is RemediationError => error instanceof RemediationError && !error.retryable;

export const settleErrors = (logger: Logger): middy.MiddlewareObj => ({
  onError: (request) => {
    const { error } = request;
    if (error instanceof InvalidEventError) {
      logger.error('event rejected', { problems: error.problems, settled: 'rejected' });
      request.response = { status: 'rejected', problems: error.problems } satisfies Rejected;
      return;
    }
    if (isSettled(error)) {
      logger.error('invocation failed; not retried, retrying cannot fix it', { error, errorName: error.name, settled: 'failed' });
      request.response = { status: 'failed', error: error.name, reason: error.message } satisfies Failed;
      return;
    }
    logger.error('invocation failed; Lambda retries it', { error: error ?? undefined, errorName: error?.name, settled: 'retried' });
  },
});
