/**
 * classify: a Secrets Manager CloudTrail event or a Config compliance change in; the classify
 * use case (shared/domain/classify-use-case.ts) publishes its "Secret Finding" events.
 */
import { parseClassifiableEvent } from '../contracts/cloudtrail-event.js';
import type { ClassifyContext } from '../domain/classify.js';
import { type ClassifyOutcome as Classified, classifyEvent, type ClassifyPorts } from '../domain/classify-use-case.js';
import { baseChain } from '../middleware/base-chain.js';
import { deploymentOf } from './deployment.js';
import type { Rejected } from '../middleware/settle-errors.js';

export type ClassifyOutcome = Classified | Rejected;

/** The ports but the time left, which each invocation's Lambda context gives. */
export type ClassifyHandlerPorts = Omit<ClassifyPorts, 'remainingMs'>;

export const makeHandler = (ports: ClassifyHandlerPorts, context: ClassifyContext) =>
  baseChain<ClassifyOutcome>().handler((raw, lambdaContext) =>
    classifyEvent(
      parseClassifiableEvent(raw),
      { ...ports, remainingMs: () => lambdaContext.getRemainingTimeInMillis() },
      { ...deploymentOf(lambdaContext), ...context },
    ),
  );
