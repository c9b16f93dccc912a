/**
 * The deployment's settings, from the function's environment (set in serverless.yml). Pure and
 * strict: a missing or wrong value fails the cold start with the variable's name.
 */
import * as z from 'zod';
import { type Mode, ModeSchema } from './contracts/finding.js';
import { ConfigError } from './errors.js';

const EnvSchema = z.object({
  /** `dry-run` computes and reports the plan and writes nothing; the default on a first deploy. */
  REMEDIATION_MODE: ModeSchema.default('dry-run'),
  EVENT_BUS_NAME: z.string().min(1),
  ALERT_TOPIC_ARN: z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$/, 'expected an SNS topic ARN'),
});

export interface Config {
  readonly mode: Mode;
  readonly eventBusName: string;
  readonly alertTopicArn: string;
}

export const loadConfig = (env: Readonly<Record<string, string | undefined>> = process.env): Config => {
  const picked = {
    REMEDIATION_MODE: env.REMEDIATION_MODE || undefined,
    EVENT_BUS_NAME: env.EVENT_BUS_NAME,
    ALERT_TOPIC_ARN: env.ALERT_TOPIC_ARN,
  };
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      return `${name}: ${picked[name as keyof typeof picked] === undefined ? 'missing' : i.message}`;
    });
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return {
    mode: parsed.data.REMEDIATION_MODE,
    eventBusName: parsed.data.EVENT_BUS_NAME,
    alertTopicArn: parsed.data.ALERT_TOPIC_ARN,
  };
};
