/**
 * classify: a Secrets Manager CloudTrail event, a Config compliance change or a Security Hub
 * control finding in; the classify use case (shared/domain/classify-use-case.ts) publishes its
 * "Secret Finding" events — for a Security Hub event, for each finding it carries.
 */
import { parseClassifiableEvents } from '../contracts/cloudtrail-event.js';
import type { ClassifyContext } from '../domain/classify.js';
import { type ClassifyOutcome as Classified, classifyEvent, type ClassifyPorts, mergeOutcomes } from '../domain/classify-use-case.js';
import { baseChain } from '../middleware/base-chain.js';
import { deploymentOf } from './deployment.js';
import type { Rejected } from '../middleware/settle-errors.js';

export type ClassifyOutcome = Classified | Rejected;

/** The ports but the time left, which each invocation's Lambda context gives. */
export type ClassifyHandlerPorts = Omit<ClassifyPorts, 'remainingMs'>;

export const makeHandler = (ports: ClassifyHandlerPorts, context: ClassifyContext) =>
  baseChain<ClassifyOutcome>().handler(async (raw, lambdaContext) => {
    const events = parseClassifiableEvents(raw);
    const withTime = { ...ports, remainingMs: () => lambdaContext.getRemainingTimeInMillis() };
    const withAccount = { ...deploymentOf(lambdaContext), ...context };
    const outcomes: Classified[] = [];
    // One after another: each publishes before the next is judged, so a failure leaves the rest to the retry.
    for (const event of events) outcomes.push(await classifyEvent(event, withTime, withAccount));
    return mergeOutcomes(outcomes);
  });
