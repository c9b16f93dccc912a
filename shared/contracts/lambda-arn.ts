/**
 * What a Lambda function ARN looks like, written once: the policy's `rotation.functions` and a
 * secret's rotation tag are both checked against it before the service hands one to
 * RotateSecret. A name of up to 64 characters, and an optional version or alias qualifier.
 */

/** An AWS Region code as ARNs carry it (`us-east-1`, `us-gov-west-1`, `eu-central-2`). */
export const REGION_PATTERN = '[a-z]{2}(-[a-z]+)+-\\d+';

/** A Lambda function ARN in any partition, qualified or not. */
export const LAMBDA_FUNCTION_ARN = new RegExp(
  `^arn:aws[a-z-]*:lambda:${REGION_PATTERN}:\\d{12}:function:[\\w-]{1,64}(:(\\$LATEST|[\\w-]{1,128}))?$`,
);
