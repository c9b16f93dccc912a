/**
 * The one logger. Messages are lowercase and stable; data goes in keys (`eventId`, `secretArn`,
 * `ruleId`, ...). Events are never logged whole: a CloudTrail record's `requestParameters` is
 * the caller's input and is not ours to copy.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'secrets-remediator' });
