/**
 * The sandbox account's seed file: the secrets (metadata, versions and staging labels; never
 * values) an in-memory account starts with. Validated with the field named on error, so a
 * hand-written seed fails clearly rather than replaying against a nonsense state.
 */
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { describeIssues } from '../contracts/zod-issues.js';

const isoDate = z.iso.datetime({ offset: true });

export const SecretSeedSchema = z
  .object({
    name: z.string().min(1).max(512),
    /** Optional: made from the account, region and name (with a random 6-character suffix) when absent. */
    arn: z
      .string()
      .regex(/^arn:[\w-]+:secretsmanager:[\w-]+:[^:]+:secret:.+$/, 'expected a Secrets Manager secret ARN')
      .optional(),
    description: z.string().optional(),
    rotationEnabled: z.boolean().default(false),
    rotationLambdaArn: z.string().optional(),
    lastRotatedDate: isoDate.optional(),
    lastChangedDate: isoDate.optional(),
    /** Default: lastChangedDate, else the sandbox's `now`. */
    createdDate: isoDate.optional(),
    /** The day it was last read; absent: never read. */
    lastAccessedDate: isoDate.optional(),
    /** When rotation is next due (NextRotationDate). */
    nextRotationDate: isoDate.optional(),
    /** Set: the secret is scheduled for deletion. */
    deletedDate: isoDate.optional(),
    owningService: z.string().optional(),
    kmsKeyId: z.string().optional(),
    tags: z.record(z.string(), z.string()).default({}),
    /** Version id → staging labels, as DescribeSecret's `VersionIdsToStages`. */
    versions: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
    /** Version id → when it was created (ListSecretVersionIds' `CreatedDate`); default: lastChangedDate. */
    versionCreatedDates: z.record(z.string().min(1), isoDate).optional(),
    /** The rotation schedule (`rate(30 days)`, `cron(...)`), when rotation is configured. */
    rotationSchedule: z.string().optional(),
    /** The resource policy, as the JSON text GetResourcePolicy returns. */
    resourcePolicy: z.string().optional(),
  })
  .strict()
  .superRefine((secret, ctx) => {
    const seen = new Map<string, string>();
    for (const [versionId, labels] of Object.entries(secret.versions)) {
      for (const label of labels) {
        const other = seen.get(label);
        if (other)
          ctx.addIssue({
            code: 'custom',
            path: ['versions', versionId],
            message: `label ${label} is also on version ${other}; a label lives on one version`,
          });
        seen.set(label, versionId);
      }
    }
    if (!seen.has('AWSCURRENT')) ctx.addIssue({ code: 'custom', path: ['versions'], message: 'no version holds AWSCURRENT' });
  });

export const AccountSeedSchema = z
  .object({
    /** Where the project's bus and topic live in the replay; secrets carry their own in their ARN. */
    account: z.string().default('123456789012'),
    region: z.string().default('us-east-1'),
    /**
     * The moment the sandbox's sweep and scan take as "now", so the ages of its secrets (unused,
     * rotation overdue) read the same on any day. Absent: the real clock.
     */
    now: isoDate.optional(),
    secrets: z.array(SecretSeedSchema),
    /**
     * CloudTrail records (as a trail's log file holds them) that the account's event history
     * (LookupEvents) answers with: who deleted a secret, for restore-secret.
     */
    cloudTrail: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict()
  .superRefine((seed, ctx) => {
    const names = new Set<string>();
    seed.secrets.forEach((secret, index) => {
      const key = secret.arn ?? secret.name;
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['secrets', index], message: `secret ${key} appears twice` });
      names.add(key);
    });
  });

export type SecretSeed = z.input<typeof SecretSeedSchema>;
export type AccountSeed = z.output<typeof AccountSeedSchema>;

/** Validates a seed; `source` names the file in the error. */
export const parseAccountSeed = (value: unknown, source: string): AccountSeed => {
  const parsed = AccountSeedSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error);
    throw new ConfigError(`${source}: invalid sandbox account: ${problems.join('; ')}`, { cause: parsed.error });
  }
  return parsed.data;
};
