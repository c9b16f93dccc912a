/**
 * Parsing the policy file: the shipped policy.yml, defaults, and the messages a user gets for a
 * wrong file (its YAML included), each naming the field and what is wrong. How a stage's override
 * merges is the policy document's own: test/policy/policy-document.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../shared/errors.js';
import { PolicyError } from '../../shared/policy/errors.js';
import { POLICY_FILE } from '../../shared/policy/load-policy.js';
import { parsePolicy } from '../../shared/policy/parse-policy.js';
import { DEFAULT_POLICY, type Policy } from '../../shared/policy/schema.js';
import { repoRoot } from '../helpers/events.js';
import { documentedFields, keyPaths } from '../helpers/policy.js';

const shippedPolicyFile = join(repoRoot, POLICY_FILE);

const problemsOf = (text: string, stage = 'prod'): readonly string[] => {
  try {
    parsePolicy(text, { stage, source: 'policy.yml' });
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error('expected the policy to be invalid');
};

describe('Function: parsePolicy', () => {
  describe('the shipped policy.yml', () => {
    it.each(['dev', 'prod'])('validates for stage %s, in dry-run mode with the defaults', (stage) => {
      // Prepare
      const text = readFileSync(shippedPolicyFile, 'utf8');

      // Act
      const policy = parsePolicy(text, { stage, source: POLICY_FILE });

      // Assess
      expect(policy.mode).toBe('dry-run');
      expect({ ...policy, stages: {} }).toEqual(DEFAULT_POLICY);
    });

    it('states every field, so it is the annotated example too', () => {
      // Prepare
      const document = parse(readFileSync(shippedPolicyFile, 'utf8')) as unknown;

      // Act
      const present = new Set(keyPaths(document));

      // Assess
      expect(documentedFields.length).toBeGreaterThan(20);
      expect(documentedFields.filter((field) => !present.has(field))).toEqual([]);
      expect(present.has('stages.dev.mode')).toBe(true);
    });
  });

  describe('defaults', () => {
    it.each([
      ['an empty file', ''],
      ['only comments', '# nothing set yet\n\n'],
      ['an empty document', '---\n'],
      ['an empty mapping', '{}\n'],
    ])('takes every default from %s', (_label, text) => {
      // Act
      const policy = parsePolicy(text, { stage: 'dev', source: 'policy.yml' });

      // Assess
      expect(policy).toEqual(DEFAULT_POLICY);
    });

    it('defaults to the safe values', () => {
      // Assess
      expect(DEFAULT_POLICY).toEqual({
        mode: 'dry-run',
        allowedAdmins: [],
        exemptionTag: 'remediation:exempt',
        protectedTag: 'remediation:protected',
        protectedTagKeys: [],
        rotation: {
          schedule: 'rate(30 days)',
          rotateImmediately: false,
          maxAgeDays: 90,
          gracePeriodDays: 7,
          functions: { byTag: 'rotation-function', byNamePrefix: {}, default: null },
        },
        unusedDays: 90,
        kms: { allowedKeys: [] },
        accounts: { organizationId: null, allowed: [] },
        vpcEndpoints: [],
        requireResourcePolicy: [],
        requireReplication: [],
        limits: { writesPerSecretPerHour: 3, writesPerInvocation: 10 },
        alerts: {
          minimumSeverity: 'info',
          digestWindowMinutes: 5,
          digestAfter: 5,
          channels: { email: true, chatbot: false, slackWebhookSecretArn: null },
          accessDeniedBurst: { count: 10, windowMinutes: 5 },
        },
        configRules: {},
        sweep: { schedule: 'rate(1 day)', listCallsPerSecond: 50 },
        organisation: {
          enabled: false,
          organizationId: null,
          rootId: null,
          members: { organizationalUnits: [], accounts: [], exclude: [] },
          regions: [],
          roleNamePrefix: 'secrets-remediator-member',
          sweepConcurrency: 50,
        },
        securityHub: { enabled: false },
        operations: { logRetentionDays: 365, alarmsToAlertTopic: false, sweepHeartbeatHours: 26 },
        stages: {},
      } satisfies Policy);
    });

    it('fills in the rest of a section that sets one field', () => {
      // Act
      const policy = parsePolicy('rotation:\n  maxAgeDays: 30\n', { stage: 'dev', source: 'policy.yml' });

      // Assess
      expect(policy.rotation).toEqual({ ...DEFAULT_POLICY.rotation, maxAgeDays: 30 });
    });

    it('is frozen, so no caller changes the defaults of another', () => {
      // Assess
      expect(Object.isFrozen(DEFAULT_POLICY.rotation.functions)).toBe(true);
      expect(Object.isFrozen(DEFAULT_POLICY.allowedAdmins)).toBe(true);
    });
  });

  describe('valid values', () => {
    it('reads every field as written', () => {
      // Prepare
      const text = `
mode: enforce
allowedAdmins:
  - arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*
  - arn:aws:iam::*:role/break-glass
exemptionTag: team:exempt
protectedTag: team:protected
protectedTagKeys: [team, data-classification]
rotation:
  schedule: cron(0 16 1,15 * ? *)
  rotateImmediately: true
  maxAgeDays: 30
  gracePeriodDays: 0
  functions:
    byTag: null
    byNamePrefix:
      prod/rds/: arn:aws:lambda:us-east-1:123456789012:function:rotate-rds
    default: arn:aws:lambda:eu-west-1:123456789012:function:rotate-generic:live
unusedDays: 3650
kms:
  allowedKeys:
    - arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    - arn:aws:kms:us-east-1:123456789012:alias/secrets
accounts:
  organizationId: o-a1b2c3d4e5
  allowed: ['210987654321', 109876543210]
vpcEndpoints:
  - secrets: ['prod/*']
    endpoints: [vpce-0123456789abcdef0]
requireResourcePolicy: ['prod/shared/*']
requireReplication: ['prod/payments/*']
limits: { writesPerSecretPerHour: 100, writesPerInvocation: 1000 }
alerts:
  minimumSeverity: medium
  digestWindowMinutes: 0
  accessDeniedBurst: { count: 2, windowMinutes: 60 }
configRules:
  sm-rotation-check-abc123: secretsmanager-rotation-enabled-check
`;

      // Act
      const policy = parsePolicy(text, { stage: 'dev', source: 'policy.yml' });

      // Assess
      expect(policy).toMatchObject({
        mode: 'enforce',
        allowedAdmins: [
          'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_Admin_*',
          'arn:aws:iam::*:role/break-glass',
        ],
        rotation: {
          schedule: 'cron(0 16 1,15 * ? *)',
          gracePeriodDays: 0,
          functions: { byTag: null, byNamePrefix: { 'prod/rds/': 'arn:aws:lambda:us-east-1:123456789012:function:rotate-rds' } },
        },
        // An unquoted 12-digit id is a number to YAML; it is taken as its digits.
        accounts: { organizationId: 'o-a1b2c3d4e5', allowed: ['210987654321', '109876543210'] },
        alerts: { minimumSeverity: 'medium', digestWindowMinutes: 0, accessDeniedBurst: { count: 2, windowMinutes: 60 } },
        configRules: { 'sm-rotation-check-abc123': 'secretsmanager-rotation-enabled-check' },
      });
    });
  });

  describe('invalid files', () => {
    it.each([
      ['a misspelt top-level key', 'mdoe: enforce\n', ['mdoe: unknown field (did you mean "mode"?)']],
      ['a misspelt nested key', 'rotation:\n  maxAgDays: 30\n', ['rotation.maxAgDays: unknown field (did you mean "maxAgeDays"?)']],
      [
        'an unknown key nothing is close to',
        'limits:\n  burst: 3\n',
        ['limits.burst: unknown field; expected one of writesPerSecretPerHour, writesPerInvocation'],
      ],
      ['a wrong mode', 'mode: enforcing\n', ['mode: expected "dry-run" or "enforce", received "enforcing"']],
      [
        'a negative maxAgeDays',
        'rotation:\n  maxAgeDays: -5\n',
        ['rotation.maxAgeDays: expected an integer between 1 and 1000, received -5'],
      ],
      [
        'a maxAgeDays in words',
        'rotation:\n  maxAgeDays: ninety\n',
        ['rotation.maxAgeDays: expected an integer between 1 and 1000, received "ninety"'],
      ],
      ['a fractional unusedDays', 'unusedDays: 1.5\n', ['unusedDays: expected an integer between 1 and 3650, received 1.5']],
      [
        'a rotation Lambda ARN without "function:" in byNamePrefix',
        'rotation:\n  functions:\n    byNamePrefix:\n      prod/db/: arn:aws:lambda:us-east-1:123456789012:rotate-db\n',
        [
          'rotation.functions.byNamePrefix["prod/db/"]: expected a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), received "arn:aws:lambda:us-east-1:123456789012:rotate-db"',
        ],
      ],
      [
        'a bad organization id',
        'accounts:\n  organizationId: o-ABC\n',
        ['accounts.organizationId: expected an organization id ("o-" and 10-32 lowercase letters or digits) or null, received "o-ABC"'],
      ],
      [
        'an 11-digit account id',
        "accounts:\n  allowed: ['12345678901']\n",
        ['accounts.allowed[0]: expected a 12-digit account id, received "12345678901"'],
      ],
      [
        'an unquoted account id with a leading zero',
        'accounts:\n  allowed: [012345678901]\n',
        [
          'accounts.allowed[0]: expected a 12-digit account id, received 12345678901 (quote account ids: YAML reads unquoted digits as a number and drops leading zeros)',
        ],
      ],
      [
        'an admin that is not an ARN',
        'allowedAdmins:\n  - arn:aws:iam::123456789012:role/admin\n  - admin\n',
        [
          'allowedAdmins[1]: expected an IAM principal ARN such as "arn:aws:iam::123456789012:role/Admin" (* allowed as a wildcard), received "admin"',
        ],
      ],
      [
        'a schedule that is not a ScheduleExpression',
        'rotation:\n  schedule: every 30 days\n',
        ['rotation.schedule: expected "rate(N days)" with N from 1 to 1000, or "cron(<6 fields>)", received "every 30 days"'],
      ],
      [
        'a rate beyond 1000 days',
        'rotation:\n  schedule: rate(1001 days)\n',
        ['rotation.schedule: expected "rate(N days)" with N from 1 to 1000, or "cron(<6 fields>)", received "rate(1001 days)"'],
      ],
      [
        'an unknown Config rule identifier',
        'configRules:\n  my-rule: secretsmanager-rotation-check\n',
        [
          'configRules.my-rule: expected one of secretsmanager-rotation-enabled-check, secretsmanager-scheduled-rotation-success-check, secretsmanager-secret-periodic-rotation, secretsmanager-secret-unused, secretsmanager-using-cmk, received "secretsmanager-rotation-check"',
        ],
      ],
      [
        'a typo under stages.prod',
        'stages:\n  prod:\n    rotation:\n      maxAgDays: 30\n',
        ['stages.prod.rotation.maxAgDays: unknown field (did you mean "maxAgeDays"?)'],
      ],
      [
        'stages inside a stage',
        'stages:\n  prod:\n    stages: {}\n',
        ['stages.prod.stages: unknown field: a stage override cannot contain "stages"'],
      ],
      [
        'a stage name with an underscore',
        'stages:\n  prod_eu: {}\n',
        ['stages.prod_eu: expected a stage name (letters, digits and hyphens), received "prod_eu"'],
      ],
      [
        'a reserved aws: tag key',
        'protectedTagKeys: ["aws:cloudformation:stack-name"]\n',
        [
          'protectedTagKeys[0]: expected a tag key (1-128 letters, digits, spaces, _ . : / = + - @; not "aws:..."), received "aws:cloudformation:stack-name"',
        ],
      ],
      [
        'yes for a boolean',
        'rotation:\n  rotateImmediately: yes\n',
        ['rotation.rotateImmediately: expected true or false, received "yes"'],
      ],
      [
        'an empty list value',
        'allowedAdmins:\n',
        ['allowedAdmins: expected a list of IAM principal ARNs, received null (write [] for none)'],
      ],
      ['a document that is a list', '- mode: enforce\n', ['(top): expected a mapping of policy fields, received a list']],
      [
        'a YAML syntax error',
        'mode: dry-run\nrotation:\n  maxAgeDays: 30\n   schedule: rate(10 days)\n',
        ['line 3, column 15: Nested mappings are not allowed in compact mappings (in "maxAgeDays: 30")'],
      ],
      ['a key given twice', 'mode: dry-run\nmode: enforce\n', ['line 2, column 1: Map keys must be unique (in "mode: enforce")']],
      [
        'several problems at once',
        'mode: on\nunusedDays: 0\nkms:\n  allowedKeys: [alias/secrets]\nlimits: 5\nvpcEndpoints:\n  - secrets: []\n',
        [
          'mode: expected "dry-run" or "enforce", received "on"',
          'unusedDays: expected an integer between 1 and 3650, received 0',
          'kms.allowedKeys[0]: expected a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>), received "alias/secrets"',
          'vpcEndpoints[0].secrets: expected at least one secret name glob, received an empty list',
          'vpcEndpoints[0].endpoints: missing: expected a list of VPC endpoint ids',
          'limits: expected a mapping of write limits, received 5',
        ],
      ],
    ])('reports %s', (_label, text, expected) => {
      // Act
      const problems = problemsOf(text);

      // Assess
      expect(problems).toEqual(expected);
    });

    it('throws a ConfigError whose message names the source, the stage and every problem', () => {
      // Prepare
      const text = 'mode: enforcing\nrotation:\n  maxAgeDays: ninety\n';

      // Act
      const act = () => parsePolicy(text, { stage: 'prod', source: 'deploy/policy.yml' });

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(
        'deploy/policy.yml (stage prod): invalid policy: mode: expected "dry-run" or "enforce", received "enforcing"; ' +
          'rotation.maxAgeDays: expected an integer between 1 and 1000, received "ninety"',
      );
    });

    it('quotes at most 60 characters of a value', () => {
      // Prepare
      const text = `exemptionTag: "aws:${'x'.repeat(500)}"\n`;

      // Act
      const [problem] = problemsOf(text);

      // Assess
      expect(problem).toMatch(/^exemptionTag: expected a tag key .*, received "aws:x+…$/);
      expect(problem?.split('received ')[1]).toHaveLength(60);
    });
  });
});
