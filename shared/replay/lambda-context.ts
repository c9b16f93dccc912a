/**
 * A Lambda context for local invocations. middy stops a handler `timeoutEarlyInMillis` before
 * `getRemainingTimeInMillis()` runs out, so the remaining time is generous (a Lambda's maximum).
 */
import type { Context } from 'aws-lambda';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

/** The sandbox seed's account: where a local function runs unless the replay says otherwise. */
export const LOCAL_ACCOUNT = '123456789012';

/** A context for `functionName` deployed in `account` (its ARN names the account, as Lambda's does). */
export const localContext = (functionName: string, account: string = LOCAL_ACCOUNT): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: `secrets-remediator-local-${functionName}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${account}:function:secrets-remediator-local-${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: `local-${functionName}`,
  logGroupName: `/aws/lambda/secrets-remediator-local-${functionName}`,
  logStreamName: 'local',
  getRemainingTimeInMillis: () => FIFTEEN_MINUTES,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
