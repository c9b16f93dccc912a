/**
 * classify: a Secrets Manager CloudTrail event in, "Secret Finding" events out on the project
 * bus. Reads nothing from AWS; its role may only PutEvents.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseCloudTrailEvent } from '../../shared/contracts/cloudtrail-event.js';
import { findingBusEvent } from '../../shared/contracts/finding.js';
import { classify } from '../../shared/domain/classify.js';
import { logger } from '../../shared/logger.js';
import { type Rejected, settleErrors } from '../../shared/middleware/settle-errors.js';
import type { Ports } from '../../shared/ports/index.js';

export type ClassifyOutcome =
  | { readonly status: 'published'; readonly findings: readonly string[] }
  | { readonly status: 'ignored'; readonly reason: string }
  | Rejected;

export const makeHandler = (ports: Pick<Ports, 'bus'>) =>
  middy<unknown, ClassifyOutcome>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(settleErrors(logger))
    .handler(async (raw): Promise<ClassifyOutcome> => {
      const event = parseCloudTrailEvent(raw);
      logger.appendKeys({ eventId: event.id, eventName: event.detail.eventName });
      const classification = classify(event);
      if (classification.kind === 'ignored') {
        logger.info('event ignored', { reason: classification.reason });
        return { status: 'ignored', reason: classification.reason };
      }
      const { findings } = classification;
      await ports.bus.publish(findings.map(findingBusEvent));
      logger.info('findings published', {
        findings: findings.map((f) => ({ findingId: f.id, ruleId: f.rule, severity: f.severity, secretArn: f.secret.id, actions: f.actions, principal: f.actor.principal })),
      });
      return { status: 'published', findings: findings.map((f) => f.id) };
    });
