/**
 * The one logger. Messages are lowercase and stable; data goes in keys (`eventId`, `secretArn`,
 * `ruleId`, ...). Events are never logged whole: a CloudTrail record's `requestParameters` is
 * the caller's input and is not ours to copy.
 *
 * Every string a log line carries is bounded and redacted as it is written ({@link redactLogValue}):
 * a key may hold text from an event (a SecretId of prose, a reason quoting an error message), and
 * this is the one place every log line passes, whoever wrote the call.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { redactEventIdentifier, redactEventText } from './contracts/hostile-text.js';

/** Keys whose values name a secret or a caller: judged by the identifier rules when shaped like one. */
const IDENTIFIER_KEYS: ReadonlySet<string> = new Set(['secretArn', 'secretId', 'principal', 'countedPrincipal', 'findingId']);

/** A JSON replacer: strings bounded and redacted, every other value as it is. */
export const redactLogValue = (key: string, value: unknown): unknown =>
  typeof value !== 'string' ? value : IDENTIFIER_KEYS.has(key) ? redactEventIdentifier(value) : redactEventText(value);

export const logger = new Logger({ serviceName: 'secrets-remediator', jsonReplacerFn: redactLogValue });
