/**
 * The Lambda context of a local invocation: named and placed as Lambda names a deployed function
 * (its ARN carries the account and Region it runs in), and its remaining time counting down from
 * the function's timeout, never below zero, as Lambda's does. The timeouts themselves are held to
 * the packaged template in test/deploy/template.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionNames } from '../../shared/contracts/functions.js';
import { FUNCTION_TIMEOUT_SECONDS, LOCAL_ACCOUNT, LOCAL_REGION, localContext } from '../../shared/replay/lambda-context.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('Function: localContext', () => {
  it("names the function, and places it in the sandbox's account and Region by default", () => {
    // Act
    const context = localContext('classify');

    // Assess
    expect(context).toMatchObject({
      functionName: 'secrets-remediator-local-classify',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:secrets-remediator-local-classify`,
      awsRequestId: 'local-classify',
      logGroupName: '/aws/lambda/secrets-remediator-local-classify',
      callbackWaitsForEmptyEventLoop: false,
    });
    expect([LOCAL_ACCOUNT, LOCAL_REGION]).toStrictEqual(['123456789012', 'us-east-1']);
  });

  it('places the function in the account and Region it is given, in its ARN', () => {
    // Act
    const context = localContext('restore-secret', '210987654321', 'eu-west-1');

    // Assess
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:210987654321:function:secrets-remediator-local-restore-secret');
  });

  it.each(functionNames)("starts %s's remaining time at its timeout, and counts it down with the clock", (name) => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
    const context = localContext(name);
    const timeoutMs = FUNCTION_TIMEOUT_SECONDS[name] * 1000;

    // Act
    const atStart = context.getRemainingTimeInMillis();
    vi.advanceTimersByTime(1_500);
    const later = context.getRemainingTimeInMillis();

    // Assess
    expect(atStart).toBe(timeoutMs);
    expect(later).toBe(timeoutMs - 1_500);
  });

  it('never says less than nothing is left once the timeout has passed', () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
    const context = localContext('alert');

    // Act
    vi.advanceTimersByTime(FUNCTION_TIMEOUT_SECONDS.alert * 1000 + 60_000);

    // Assess
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('gives each invocation its own deadline', () => {
    // Prepare
    vi.useFakeTimers({ now: new Date('2026-11-25T12:00:00Z') });
    const first = localContext('sweep');
    vi.advanceTimersByTime(10_000);

    // Act
    const second = localContext('sweep');

    // Assess
    expect(second.getRemainingTimeInMillis() - first.getRemainingTimeInMillis()).toBe(10_000);
  });
});
