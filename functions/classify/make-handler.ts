/**
 * classify: a Secrets Manager CloudTrail event or a Config compliance change in, "Secret
 * Finding" events out on the project bus. Reads the secret (one DescribeSecret) only when a
 * triggered rule needs its current state; its role may only DescribeSecret and PutEvents.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { findingBusEvent } from '../../shared/contracts/finding.js';
import { type ClassifyContext, evaluate, prepare } from '../../shared/domain/classify.js';
import { PermissionDeniedError, SecretNotFoundError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { type Rejected, settleErrors } from '../../shared/middleware/settle-errors.js';
import type { Ports, SecretState, SecretsPort } from '../../shared/ports/index.js';

export type ClassifyOutcome =
  | { readonly status: 'published'; readonly findings: readonly string[] }
  | { readonly status: 'no-finding'; readonly reasons: readonly string[] }
  | { readonly status: 'ignored'; readonly reason: string }
  | Rejected;

export const makeHandler = (ports: Pick<Ports, 'bus' | 'secrets'>, context: ClassifyContext) =>
  middy<unknown, ClassifyOutcome>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(settleErrors(logger))
    .handler(async (raw): Promise<ClassifyOutcome> => {
      const event = parseClassifiableEvent(raw);
      logger.appendKeys({ eventId: event.event.id, eventName: event.kind === 'cloudtrail' ? event.event.detail.eventName : event.event.detail.configRuleName });
      const prepared = prepare(event, context);
      if (prepared.kind === 'ignored') {
        logger.info('event ignored', { reason: prepared.reason });
        return { status: 'ignored', reason: prepared.reason };
      }
      logger.appendKeys({ secretArn: prepared.secret.id, principal: prepared.actor.principal });
      const state = prepared.needsSecretState ? await currentState(ports.secrets, prepared.secret.id) : undefined;
      const classification = evaluate(prepared, context.policy, state);
      if (classification.kind !== 'findings') {
        logger.info('no finding', { reasons: classification.reasons });
        return { status: 'no-finding', reasons: classification.reasons };
      }
      const { findings } = classification;
      await ports.bus.publish(findings.map(findingBusEvent));
      logger.info('findings published', {
        findings: findings.map((f) => ({ findingId: f.id, ruleId: f.rule, severity: f.severity, reason: f.reason, actions: f.actions })),
      });
      return { status: 'published', findings: findings.map((f) => f.id) };
    });

/**
 * The secret as it is now; undefined when it no longer exists or may not be read, and the
 * rules then judge from the event alone (a denied read is worth a warning, not a lost finding).
 */
const currentState = async (secrets: SecretsPort, secretId: string): Promise<SecretState | undefined> => {
  try {
    return await secrets.describeSecret(secretId);
  } catch (error) {
    if (error instanceof SecretNotFoundError) return undefined;
    if (error instanceof PermissionDeniedError) {
      logger.warn('secret state not readable; judging from the event alone', { error: error.message });
      return undefined;
    }
    throw error;
  }
};
