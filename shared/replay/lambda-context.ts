/**
 * A Lambda context for local invocations. middy stops a handler `timeoutEarlyInMillis` before
 * `getRemainingTimeInMillis()` runs out, so the remaining time is generous (a Lambda's maximum).
 */
import type { Context } from 'aws-lambda';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

export const localContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: `secrets-remediator-local-${functionName}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:secrets-remediator-local-${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: `local-${functionName}`,
  logGroupName: `/aws/lambda/secrets-remediator-local-${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => FIFTEEN_MINUTES,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
