/**
 * The deployment's policy file (`policy.yml`): what the service may do, to which
 * secrets, and when it should speak up. Every field has a safe default, so an empty file is a
 * valid policy: dry run, no admins, nothing required.
 *
 * Every object is `.strict()` (middy's typo guard): a misspelt key is an error, never a
 * silently ignored setting. Every leaf carries its own message, written to read after the
 * field's path: `rotation.maxAgeDays: expected an integer between 1 and 1000, received "ninety"`.
 */
import * as z from 'zod';
import { ModeSchema, SeveritySchema } from '../contracts/finding.js';
import { MANAGED_RULES } from '../contracts/config-event.js';
import { LAMBDA_FUNCTION_ARN, REGION_PATTERN } from '../contracts/lambda-arn.js';

/** Longest quote of a user's value in a message: enough to recognise it, never a whole document. */
const MAX_QUOTED = 60;

/**
 * How a value the user wrote is quoted back in a message: strings in quotes, lists and mappings
 * by kind (their content is reported field by field anyway), long values cut.
 */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null
        ? String(value)
        : typeof value;
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
};

/** An empty YAML value (`allowedAdmins:`) is null; say how to write "none". */
const nullHint = (input: unknown, empty: string): string => (input === null ? ` (write ${empty} for none)` : '');

/** `expected <what>, received <value>`; `missing: expected <what>` for a required field left out. */
const expectedMessage = (what: string, input: unknown, hint = ''): string =>
  input === undefined ? `missing: expected ${what}` : `expected ${what}, received ${describeValue(input)}${hint}`;

/** One message for every issue a schema raises: what was expected, what was received. */
const expecting = (what: string) => ({
  error: (issue: { readonly input?: unknown }) => expectedMessage(what, issue.input),
});

const pattern = (regex: RegExp, what: string) => z.string(expecting(what)).regex(regex, expecting(what));

const intBetween = (min: number, max: number) => {
  const message = expecting(`an integer between ${min} and ${max}`);
  return z.int(message).min(min, message).max(max, message);
};

const bool = () => z.boolean(expecting('true or false'));

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: (issue) => expectedMessage(`a list of ${what}`, issue.input, nullHint(issue.input, '[]')) });

const nonEmptyList = <T extends z.ZodType>(item: T, what: string) =>
  list(item, what).min(1, { error: () => `expected at least one ${what.replace(/s$/, '')}, received an empty list` });

const mapping = <K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V, what: string) =>
  z.record(key, value, { error: (issue) => expectedMessage(`a mapping of ${what}`, issue.input, nullHint(issue.input, '{}')) });

/** A strict section; the policy parser reports its unknown keys one by one, with a suggestion. */
const section = <T extends z.ZodRawShape>(shape: T, what: string) =>
  z
    .object(shape, {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`
          : expectedMessage(`a mapping of ${what}`, issue.input, nullHint(issue.input, '{}')),
    })
    .strict();

/** The retention periods, in days, CloudWatch Logs accepts for a log group. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// --- Leaves -----------------------------------------------------------------------------------

/** AWS tag keys: 1–128 letters, digits, spaces and `_ . : / = + - @`; `aws:` is reserved. */
const tagKey = (orNull = '') =>
  pattern(
    /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u,
    `a tag key (1-128 letters, digits, spaces, _ . : / = + - @; not "aws:...")${orNull}`,
  );

/** `*` allowed anywhere after `arn:`: `...:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*` names every SSO admin role. */
const principalArn = pattern(
  /^arn:[\w*-]+:(iam|sts):[^:\s]*:[\d*]+:\S+$/,
  'an IAM principal ARN such as "arn:aws:iam::123456789012:role/Admin" (* allowed as a wildcard)',
);

const lambdaArn = (orNull = '') =>
  pattern(LAMBDA_FUNCTION_ARN, `a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)${orNull}`);

const kmsKeyArn = pattern(
  new RegExp(`^arn:aws[a-z-]*:kms:${REGION_PATTERN}:\\d{12}:(key/[\\w-]+|alias/[\\w/-]+)$`),
  'a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>)',
);

/**
 * A Secrets Manager secret ARN with its 6-character suffix: the Slack webhook secret, the one
 * secret whose value the service may read — IAM grants GetSecretValue on exactly this ARN.
 */
const secretArn = (orNull = '') =>
  pattern(
    new RegExp(`^arn:aws[a-z-]*:secretsmanager:${REGION_PATTERN}:\\d{12}:secret:[\\w/+=.@-]{1,512}-[A-Za-z0-9]{6}$`),
    `a secret's full ARN with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf)${orNull}`,
  );

/** An EventBridge schedule: `rate(N minutes|hours|days)` or a 6-field `cron(...)`. */
const sweepSchedule = z
  .string(expecting('"rate(N minutes|hours|days)" or "cron(<6 fields>)"'))
  .refine(
    (value) => /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/.test(value) || /^cron\(\S+( \S+){5}\)$/.test(value),
    expecting('"rate(N minutes|hours|days)" or "cron(<6 fields>)"'),
  );

const MAX_ROTATION_DAYS = 1000;

/** Secrets Manager's `ScheduleExpression`: `rate(N days)` (N ≤ 1000) or a 6-field `cron(...)`. */
const isScheduleExpression = (value: string): boolean => {
  const rate = /^rate\((\d+) days?\)$/.exec(value);
  if (rate) return Number(rate[1]) >= 1 && Number(rate[1]) <= MAX_ROTATION_DAYS;
  return /^cron\(\S+( \S+){5}\)$/.test(value);
};

const scheduleExpression = z
  .string(expecting('"rate(N days)" with N from 1 to 1000, or "cron(<6 fields>)"'))
  .refine(isScheduleExpression, expecting('"rate(N days)" with N from 1 to 1000, or "cron(<6 fields>)"'));

/**
 * A 12-digit account id. YAML reads unquoted digits as a number, so a 12-digit number is taken
 * as its digits; a shorter one (`012345678901` read as 12345678901) is refused with the reason.
 */
const accountId = z.preprocess(
  (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 1e11 && value < 1e12 ? String(value) : value),
  z
    .string({
      error: (issue) =>
        expectedMessage(
          'a 12-digit account id',
          issue.input,
          typeof issue.input === 'number' ? ' (quote account ids: YAML reads unquoted digits as a number and drops leading zeros)' : '',
        ),
    })
    .regex(/^\d{12}$/, expecting('a 12-digit account id')),
);

const organizationId = pattern(/^o-[a-z0-9]{10,32}$/, 'an organization id ("o-" and 10-32 lowercase letters or digits) or null');

/** The organization's root id, `r-` and 4-32 lowercase letters or digits. */
const organizationRootId = pattern(/^r-[0-9a-z]{4,32}$/, "the organization's root id (r-ab12) or null");

/** An organizational unit id (`ou-` root part and unit part) or the organization's root (`r-...`). */
const organizationalUnitId = pattern(
  /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/,
  'an organizational unit id (ou-ab12-cd34ef56) or the root id (r-ab12)',
);

/** A region name as AWS spells it in every partition: us-east-1, us-gov-west-1, us-isob-east-1. */
const regionName = pattern(new RegExp(`^${REGION_PATTERN}$`), 'a region name such as "eu-west-1"');

/**
 * The longest prefix of the member roles' names: `<prefix>-<stage>-<code>-<region code>` must stay
 * under IAM's 64 characters for a 16-character stage and the longest region code.
 */
export const MAX_MEMBER_ROLE_PREFIX = 28;

const roleNamePrefix = pattern(
  new RegExp(`^[A-Za-z][A-Za-z0-9+=,.@_-]{0,${MAX_MEMBER_ROLE_PREFIX - 1}}$`),
  `an IAM role name prefix of at most ${MAX_MEMBER_ROLE_PREFIX} characters (letters, digits, + = , . @ _ -)`,
);

const vpcEndpointId = pattern(/^vpce-[0-9a-f]{8,17}$/, 'a VPC endpoint id (vpce-0123456789abcdef0)');

/** `*` matches any run of characters, '/' included; see `matchesGlob`. */
const nameGlob = z.string(expecting('a secret name glob such as "prod/*"')).min(1, expecting('a non-empty secret name glob'));

const stageName = pattern(/^[A-Za-z0-9-]{1,64}$/, 'a stage name (letters, digits and hyphens)');

const configRuleIdentifier = z.enum(MANAGED_RULES, expecting(`one of ${MANAGED_RULES.join(', ')}`));

const configRuleName = z
  .string(expecting('a Config rule name'))
  .min(1, expecting('a Config rule name'))
  .max(128, expecting('a Config rule name of at most 128 characters'));

// --- The document -----------------------------------------------------------------------------

const rotationSchema = section(
  {
    schedule: scheduleExpression.default('rate(30 days)'),
    rotateImmediately: bool().default(false),
    maxAgeDays: intBetween(1, MAX_ROTATION_DAYS).default(90),
    gracePeriodDays: intBetween(0, 365).default(7),
    functions: section(
      {
        byTag: tagKey(' or null').nullable().default('rotation-function'),
        byNamePrefix: mapping(
          z.string().min(1, expecting('a non-empty secret name prefix')),
          lambdaArn(),
          'secret name prefixes to rotation Lambda ARNs',
        ).default(() => ({})),
        default: lambdaArn(' or null').nullable().default(null),
      },
      'byTag, byNamePrefix, default',
    ).prefault({}),
  },
  'rotation settings',
);

/**
 * The policy without `stages`: the shape of the base document and, every field optional, of a
 * stage's override (all fields have defaults, so any subset of them validates).
 */
export const BasePolicySchema = section(
  {
    mode: z.enum(ModeSchema.options, expecting('"dry-run" or "enforce"')).default('dry-run'),
    allowedAdmins: list(principalArn, 'IAM principal ARNs').default(() => []),
    exemptionTag: tagKey().default('remediation:exempt'),
    protectedTag: tagKey().default('remediation:protected'),
    protectedTagKeys: list(tagKey(), 'tag keys').default(() => []),
    rotation: rotationSchema.prefault({}),
    unusedDays: intBetween(1, 3650).default(90),
    kms: section({ allowedKeys: list(kmsKeyArn, 'KMS key or alias ARNs').default(() => []) }, 'KMS settings').prefault({}),
    accounts: section(
      {
        organizationId: organizationId.nullable().default(null),
        allowed: list(accountId, '12-digit account ids').default(() => []),
      },
      'account settings',
    ).prefault({}),
    vpcEndpoints: list(
      section(
        { secrets: nonEmptyList(nameGlob, 'secret name globs'), endpoints: nonEmptyList(vpcEndpointId, 'VPC endpoint ids') },
        'secrets and endpoints',
      ),
      '{ secrets, endpoints } entries',
    ).default(() => []),
    requireResourcePolicy: list(nameGlob, 'secret name globs').default(() => []),
    requireReplication: list(nameGlob, 'secret name globs').default(() => []),
    limits: section(
      {
        writesPerSecretPerHour: intBetween(1, 100).default(3),
        writesPerInvocation: intBetween(1, 1000).default(10),
      },
      'write limits',
    ).prefault({}),
    alerts: section(
      {
        minimumSeverity: z.enum(SeveritySchema.options, expecting('one of critical, high, medium, low, info')).default('info'),
        digestWindowMinutes: intBetween(0, 60).default(5),
        /** Alerts of one rule sent one by one in a digest window before the rest wait for the digest. */
        digestAfter: intBetween(1, 1000).default(5),
        channels: section(
          {
            /** Plain text to the topic's email (and every other) subscriber. */
            email: bool().default(true),
            /** The topic's HTTPS subscribers (AWS Chatbot) get its custom-notification JSON. */
            chatbot: bool().default(false),
            /** Slack Block Kit through an incoming webhook whose URL is this secret's value. */
            slackWebhookSecretArn: secretArn(' or null').nullable().default(null),
          },
          'email, chatbot, slackWebhookSecretArn',
        ).prefault({}),
        accessDeniedBurst: section(
          { count: intBetween(2, 10_000).default(10), windowMinutes: intBetween(1, 60).default(5) },
          'count, windowMinutes',
        ).prefault({}),
      },
      'alert settings',
    ).prefault({}),
    configRules: mapping(configRuleName, configRuleIdentifier, 'Config rule names to managed rule identifiers').default(() => ({})),
    sweep: section(
      {
        /** How often the scheduled sweep reads the whole account. */
        schedule: sweepSchedule.default('rate(1 day)'),
        /** ListSecrets calls per second the sweep allows itself (the regional quota is 100, shared with everything else in the account). */
        listCallsPerSecond: intBetween(1, 100).default(50),
      },
      'schedule, listCallsPerSecond',
    ).prefault({}),
    organisation: section(
      {
        /** Off by default: the service guards the one account and region it is deployed in. */
        enabled: bool().default(false),
        /** The AWS Organization whose accounts the hub guards; required when enabled. */
        organizationId: organizationId.nullable().default(null),
        /**
         * The organization's root id: the StackSet reaches every account, or accounts listed one by
         * one, only through it (service-managed StackSets target units). Needed for packaging then.
         */
        rootId: organizationRootId.nullable().default(null),
        /**
         * Which member accounts are guarded. Both lists empty: every account of the organization.
         * Otherwise the accounts listed and every account under the listed OUs (or root); `exclude`
         * always wins.
         */
        members: section(
          {
            organizationalUnits: list(organizationalUnitId, 'organizational unit ids').default(() => []),
            accounts: list(accountId, '12-digit account ids').default(() => []),
            exclude: list(accountId, '12-digit account ids').default(() => []),
          },
          'organizationalUnits, accounts, exclude',
        ).prefault({}),
        /** Regions guarded in every member account (and in the hub's own account). Empty: the hub's region only. */
        regions: list(regionName, 'region names').default(() => []),
        /** First part of the member roles' names: `<prefix>-<stage>-<role code>-<region code>`. */
        roleNamePrefix: roleNamePrefix.default('secrets-remediator-member'),
        /** Account-region shards of the organisation sweep run at once (quotas are per account and region). */
        sweepConcurrency: intBetween(1, 1000).default(50),
      },
      'enabled, organizationId, rootId, members, regions, roleNamePrefix, sweepConcurrency',
    )
      .superRefine((value, context) => {
        if (value.enabled && value.organizationId === null) {
          context.addIssue({
            code: 'custom',
            path: ['organizationId'],
            message: 'missing: expected an organization id ("o-" and 10-32 lowercase letters or digits) when organisation.enabled is true',
          });
        }
      })
      .prefault({}),
    securityHub: section(
      {
        /** Write every finding to Security Hub as ASFF, and take its SecretsManager.1-4 control findings as triggers. */
        enabled: bool().default(false),
      },
      'enabled',
    ).prefault({}),
    operations: section(
      {
        /** Days CloudWatch Logs keeps each function's log group (a value CloudWatch Logs accepts). */
        logRetentionDays: z
          .union(LOG_RETENTION_DAYS.map((days) => z.literal(days)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], {
            error: (issue) =>
              expectedMessage(`one of the retention periods CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')})`, issue.input),
          })
          .default(365),
        /** Also send the operational alarms to the alert topic (they always go to the operations topic). */
        alarmsToAlertTopic: bool().default(false),
        /**
         * Hours without a completed sweep before the heartbeat alarm fires: a little more than the
         * sweep's interval. At most a week, the longest an alarm may look back over hourly periods.
         */
        sweepHeartbeatHours: intBetween(1, 168).default(26),
      },
      'logRetentionDays, alarmsToAlertTopic, sweepHeartbeatHours',
    ).prefault({}),
  },
  'policy fields',
);

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** A stage's override as written: any subset of the base fields, at any depth; no `stages`. */
export type PolicyOverride = DeepPartial<z.output<typeof BasePolicySchema>>;

/**
 * Validates an override without filling in defaults, so `stages.prod` in the parsed policy is
 * what the file says, not the base's fields with defaults. Objects become all-optional (and stay
 * strict); leaves keep their checks and messages.
 */
const withoutDefaults = (schema: z.ZodType): z.ZodType => {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) return withoutDefaults(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(
      Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => [key, withoutDefaults(field).optional()]),
    );
    // Keep the section's own messages ("expected a mapping of ..."); the cast only widens the issue type.
    return z.object(shape, { error: schema.def.error } as Parameters<typeof z.object>[1]).strict();
  }
  return schema;
};

export const PolicyOverrideSchema = withoutDefaults(BasePolicySchema) as z.ZodType<PolicyOverride>;

export const PolicySchema = BasePolicySchema.extend({
  /** Stage name → override, deep-merged over the base when that stage is deployed. */
  stages: mapping(stageName, PolicyOverrideSchema, 'stage names to policy overrides').default(() => ({})),
});

export type Policy = z.output<typeof PolicySchema>;

/** Field names of the section at `path` (a parsed path, indices and record keys included), for "did you mean". */
export const fieldsAt = (path: readonly PropertyKey[], schema: z.ZodType = PolicySchema): readonly string[] => {
  let current: unknown = schema;
  for (let i = 0; i <= path.length; i++) {
    // Peel the wrappers: defaults, optional, nullable, the account id's preprocess pipe.
    for (;;) {
      if (
        current instanceof z.ZodDefault ||
        current instanceof z.ZodPrefault ||
        current instanceof z.ZodOptional ||
        current instanceof z.ZodNullable
      )
        current = current.unwrap();
      else if (current instanceof z.ZodPipe) current = current.in;
      else break;
    }
    if (i === path.length) return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
    const key = path[i];
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, unknown>)[String(key)];
    else if (current instanceof z.ZodRecord) current = current.valueType;
    else if (current instanceof z.ZodArray) current = current.element;
    else return [];
  }
  return [];
};

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

/** The policy of an empty file: dry run, nobody allowed, nothing required. Frozen: copy before changing. */
export const DEFAULT_POLICY: Policy = deepFreeze(PolicySchema.parse({}));
