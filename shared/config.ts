/**
 * The deployment's settings: where things are, from the function's environment (set in
 * serverless.yml), and what to do, from the policy file. Strict: a missing or
 * wrong value fails the cold start with the variable or the policy field named.
 */
import * as z from './contracts/zod.js';
import type { Mode } from './contracts/finding.js';
import { describeIssues } from './contracts/zod-issues.js';
import { ConfigError } from './errors.js';
import { loadPackagedPolicy, resolvePackagedPolicyFile } from './policy/load-packaged-policy.js';
import type { Policy } from './policy/schema.js';

const nonEmpty = () => z.string().check(z.minLength(1));

const EnvSchema = z.object({
  EVENT_BUS_NAME: nonEmpty(),
  ALERT_TOPIC_ARN: z.string().check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'expected an SNS topic ARN')),
  STAGE: nonEmpty(),
  LEDGER_TABLE_NAME: nonEmpty(),
  // Only the alert functions have it (serverless.yml sets it on them alone).
  DIGEST_TABLE_NAME: z.optional(nonEmpty()),
});

type Env = Readonly<Record<string, string | undefined>>;

export interface Location {
  readonly eventBusName: string;
  readonly alertTopicArn: string;
  readonly stage: string;
  /** The DynamoDB table that remembers handled findings and counts writes. */
  readonly ledgerTableName: string;
  /** The DynamoDB table storm control holds alerts in until their digest; only on the alert functions. */
  readonly digestTableName?: string;
}

export interface Config extends Location {
  readonly policy: Policy;
  readonly mode: Mode;
}

/** The environment part alone. Pure. */
export const locationFrom = (env: Env): Location => {
  const picked = {
    EVENT_BUS_NAME: env.EVENT_BUS_NAME || undefined,
    ALERT_TOPIC_ARN: env.ALERT_TOPIC_ARN || undefined,
    STAGE: env.STAGE || undefined,
    LEDGER_TABLE_NAME: env.LEDGER_TABLE_NAME || undefined,
    DIGEST_TABLE_NAME: env.DIGEST_TABLE_NAME || undefined,
  };
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return {
    eventBusName: parsed.data.EVENT_BUS_NAME,
    alertTopicArn: parsed.data.ALERT_TOPIC_ARN,
    stage: parsed.data.STAGE,
    ledgerTableName: parsed.data.LEDGER_TABLE_NAME,
    ...(parsed.data.DIGEST_TABLE_NAME ? { digestTableName: parsed.data.DIGEST_TABLE_NAME } : {}),
  };
};

/**
 * The digest table, for the functions that need it: required whenever the policy turns digests
 * on (`alerts.digestWindowMinutes` > 0), so a missing variable fails the cold start, not a storm.
 */
export const digestTableFor = (config: Config): string | undefined => {
  if (config.policy.alerts.digestWindowMinutes > 0 && !config.digestTableName) {
    throw new ConfigError(
      'invalid environment: DIGEST_TABLE_NAME: missing (alerts.digestWindowMinutes is above 0: storm control needs the digest table)',
    );
  }
  return config.digestTableName;
};

/** Environment and the packaged policy (JSON), once per cold start. */
export const loadConfig = (env: Env = process.env): Config => {
  const location = locationFrom(env);
  const policy = loadPackagedPolicy({ file: resolvePackagedPolicyFile(env), stage: location.stage });
  return { ...location, policy, mode: policy.mode };
};
