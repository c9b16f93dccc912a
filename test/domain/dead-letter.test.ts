/**
 * A dead letter read: which service function, which event, why, and the event to send again;
 * or why it cannot be redriven. Both shapes the queues receive: Lambda's on-failure record and
 * EventBridge's undelivered event with its attributes.
 */
import { describe, expect, it } from 'vitest';
import { readDeadLetter, serviceFunctionOf } from '../../shared/domain/dead-letter.js';

const CLASSIFY = 'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-dev-classify';
const EVENT = {
  id: '0a1b2c3d-1111-2222-3333-444455556666',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventName: 'DeleteSecret' },
};

describe('Function: serviceFunctionOf', () => {
  it.each([
    [CLASSIFY, 'classify'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:secrets-remediator-prod-clear-stale-pending', 'clear-stale-pending'],
    ['arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-dev-alert-digest:$LATEST', 'alert-digest'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:secrets-remediator-dev-sweep', 'sweep'],
  ])('names the service function of %s: %s', (arn, name) => {
    expect(serviceFunctionOf(arn)).toBe(name);
  });

  it.each([
    ['another service', 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation'],
    ['no stage between the service and the function', 'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-classify'],
    ['a function the service does not have', 'arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-dev-exfiltrate'],
    ['not a function ARN', 'arn:aws:sqs:us-east-1:123456789012:secrets-remediator-dev-classify'],
  ])('names none for %s', (_label, arn) => {
    expect(serviceFunctionOf(arn)).toBeUndefined();
  });
});

describe('Function: readDeadLetter', () => {
  it("reads Lambda's on-failure record: the function, the event, and the condition with the error", () => {
    // Prepare
    const body = JSON.stringify({
      requestContext: { functionArn: `${CLASSIFY}:$LATEST`, condition: 'RetriesExhausted' },
      responsePayload: { errorType: 'TransientAwsError', errorMessage: 'DescribeSecret: ThrottlingException: Rate exceeded' },
      requestPayload: EVENT,
    });

    // Act
    const letter = readDeadLetter(body, {});

    // Assess
    expect(letter).toStrictEqual({
      kind: 'redrivable',
      source: 'lambda-failure',
      functionArn: `${CLASSIFY}:$LATEST`,
      eventId: EVENT.id,
      error: 'RetriesExhausted: TransientAwsError: DescribeSecret: ThrottlingException: Rate exceeded',
      payload: JSON.stringify(EVENT),
    });
  });

  it("reads EventBridge's undelivered event by its attributes", () => {
    // Act
    const letter = readDeadLetter(JSON.stringify(EVENT), {
      TARGET_ARN: CLASSIFY,
      RULE_ARN: 'arn:aws:events:us-east-1:123456789012:rule/secrets-remediator-dev-classify',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      ERROR_CODE: 'Lambda.TooManyRequestsException',
      ERROR_MESSAGE: 'Rate Exceeded.',
    });

    // Assess
    expect(letter).toStrictEqual({
      kind: 'redrivable',
      source: 'undelivered',
      functionArn: CLASSIFY,
      eventId: EVENT.id,
      error: 'MaximumRetryAttempts: Lambda.TooManyRequestsException: Rate Exceeded.',
      payload: JSON.stringify(EVENT),
    });
  });

  it('says no error was recorded when the letter gives none, and no event id when the event has none', () => {
    // Act
    const letter = readDeadLetter(JSON.stringify({ requestContext: { functionArn: CLASSIFY }, requestPayload: { detail: {} } }), {});

    // Assess
    expect(letter).toMatchObject({ kind: 'redrivable', eventId: undefined, error: 'no error recorded' });
  });

  it.each([
    ['a body that is not JSON', 'not json', {}, 'the body is not JSON'],
    ['a record that names no function', JSON.stringify({ requestContext: {} }), {}, 'the invocation record names no function'],
    ['an event without TARGET_ARN', JSON.stringify(EVENT), {}, 'no TARGET_ARN attribute: not a letter EventBridge or Lambda wrote'],
    [
      'a record without its event',
      JSON.stringify({ requestContext: { functionArn: CLASSIFY } }),
      {},
      'the invocation record carries no event (requestPayload)',
    ],
    [
      'a letter for a function outside the service',
      JSON.stringify(EVENT),
      { TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation' },
      'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation is not a secrets-remediator function: left for a person to look at',
    ],
  ])('leaves %s unread, saying why', (_label, body, attributes: Record<string, string>, problem) => {
    expect(readDeadLetter(body, attributes)).toStrictEqual({ kind: 'unreadable', problem });
  });
});
