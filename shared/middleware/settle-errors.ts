/**
 * Settles what retrying cannot fix. An event that fails to parse is `rejected`: logged with
 * what is missing and answered, so Lambda does not retry it and nothing changes. Every other
 * error is rethrown: Lambda's async retries, then the on-failure destination (the DLQ), keep it.
 *
 * Assigns `request.response` rather than returning it, so later `onError` hooks (the logger's
 * key reset) still run.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { InvalidEventError } from '../errors.js';

export interface Rejected {
  readonly status: 'rejected';
  readonly problems: readonly string[];
}

export const settleErrors = (logger: Logger): middy.MiddlewareObj => ({
  onError: (request) => {
    const { error } = request;
    if (error instanceof InvalidEventError) {
      logger.error('event rejected', { problems: error.problems });
      request.response = { status: 'rejected', problems: error.problems } satisfies Rejected;
      return;
    }
    logger.error('invocation failed', { error: error ?? undefined });
  },
});
