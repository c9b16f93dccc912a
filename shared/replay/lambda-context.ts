/**
 * A Lambda context for local invocations. Its remaining time counts down from the function's
 * timeout as Lambda's does, so what depends on it locally — how long a claim holds, when a
 * digest run or a sweep stops for the next one — behaves as it would deployed.
 */
import type { Context } from 'aws-lambda';
import type { FunctionName } from '../contracts/functions.js';

/**
 * Each function's timeout in seconds, as serverless.yml gives it (a test compares them with
 * the packaged template).
 */
export const FUNCTION_TIMEOUT_SECONDS: Readonly<Record<FunctionName, number>> = {
  classify: 30,
  'clear-stale-pending': 30,
  'enable-rotation': 30,
  'restore-secret': 30,
  'remove-public-statements': 30,
  alert: 30,
  'alert-digest': 300,
  sweep: 900,
};

/** The sandbox seed's account: where a local function runs unless the replay says otherwise. */
export const LOCAL_ACCOUNT = '123456789012';
/** The sandbox seed's region, likewise. */
export const LOCAL_REGION = 'us-east-1';

/**
 * A context for one local invocation of `functionName` deployed in `account` and `region` (its
 * ARN names both, as Lambda's does), its time counting down from now.
 */
export const localContext = (functionName: FunctionName, account: string = LOCAL_ACCOUNT, region: string = LOCAL_REGION): Context => {
  const deadline = Date.now() + FUNCTION_TIMEOUT_SECONDS[functionName] * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `secrets-remediator-local-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:secrets-remediator-local-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `local-${functionName}`,
    logGroupName: `/aws/lambda/secrets-remediator-local-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
