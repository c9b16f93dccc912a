/**
 * Where a function runs: the account and Region of its own ARN, as Lambda passes it in the
 * invocation's context. The deployment's account is the only one its functions act in.
 */
import type { Context } from 'aws-lambda';

export interface Deployment {
  readonly account: string;
  readonly region: string;
}

/**
 * The account and Region in `invokedFunctionArn` (`arn:aws:lambda:<region>:<account>:function:<name>`).
 * @throws Error when the ARN is not a function ARN: Lambda always passes one, so this is a wiring error.
 */
export const deploymentOf = (context: Pick<Context, 'invokedFunctionArn'>): Deployment => {
  const [, , service, region, account] = context.invokedFunctionArn.split(':');
  if (service !== 'lambda' || !region || !account) {
    throw new Error(`not a Lambda function ARN: ${context.invokedFunctionArn}`);
  }
  return { account, region };
};
