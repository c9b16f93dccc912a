/**
 * The middy chain every function starts from, so each handler adds only its own step:
 * the logger takes the Lambda context (request id, cold start) and forgets the keys of the
 * previous event, and `settleErrors` answers a malformed event instead of letting Lambda retry it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../logger.js';
import { settleErrors } from './settle-errors.js';

/** A fresh chain for one function's handler; `TResult` is what the handler answers. */
export const baseChain = <TResult>() =>
  middy<unknown, TResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(settleErrors(logger));
