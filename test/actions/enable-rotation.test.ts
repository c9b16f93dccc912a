/** enable-rotation through the real runner on the sandbox account: which function, which schedule, and when not to act. */
import { describe, expect, it, vi } from 'vitest';
import { enableRotationAction } from '../../shared/actions/enable-rotation.js';
import type { ActionResult, Finding, Mode } from '../../shared/contracts/finding.js';
import type { Policy } from '../../shared/policy/schema.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SecretSeed } from '../../shared/sandbox/seed.js';
import { samplePolicy } from '../helpers/policy.js';
import { findingFromRecord } from '../helpers/records.js';
import { sandboxWith } from '../helpers/sandbox.js';
import { actionResult, remediationContext } from '../helpers/remediation.js';
import { remediate } from '../../shared/actions/runner.js';
import { RecordingCompliance } from '../../shared/sandbox/memory-ledger.js';

const PAYMENTS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';
const CI_TOKEN_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/tools/ci-token-Dv1Tok';

const lambda = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const TAGGED = lambda('tagged-rotator');
const PROD = lambda('prod-rotator');
const PROD_PAYMENTS = lambda('prod-payments-rotator');
const DEFAULT = lambda('default-rotator');
const PREVIOUS = lambda('previous-rotator');

const DISABLED_BY_DEVELOPER = 'rotation-disabled/fires.CancelRotateSecret.authored.by-developer.json';

/** rotation-disabled: bob (a developer, not an allowed admin) turned rotation off on prod/payments/db. */
const disabledFinding = (): Finding => findingFromRecord(DISABLED_BY_DEVELOPER, 'rotation-disabled');

/** The ARN the sandbox gives the secret `name` (its seed's `arn`, unless a case sets another). */
const arnOf = (name: string): string => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;

/** bob turned rotation off on the secret `name` instead: the call names it, and CloudTrail answers with its ARN. */
const disabledFindingFor = (name: string): Finding =>
  findingFromRecord(DISABLED_BY_DEVELOPER, 'rotation-disabled', (record) => ({
    ...record,
    requestParameters: { secretId: name },
    responseElements: { arn: arnOf(name), name },
  }));

const secret = (name: string, extra: Partial<SecretSeed> = {}): SecretSeed => ({
  name,
  arn: arnOf(name),
  rotationEnabled: false,
  versions: { 'v-current': ['AWSCURRENT'] },
  ...extra,
});

type FunctionsOverride = Partial<Policy['rotation']['functions']>;

const withFunctions = (
  functions: Partial<Policy['rotation']['functions']>,
  rotation: Partial<Omit<Policy['rotation'], 'functions'>> = {},
): Policy => ({
  ...samplePolicy,
  // From a clean slate, not the sample world's own mappings, so each case says all it relies on.
  rotation: {
    ...samplePolicy.rotation,
    ...rotation,
    functions: { byTag: 'rotation-function', byNamePrefix: {}, default: null, ...functions },
  },
});

const run = (account: SandboxAccount, finding: Finding, mode: Mode, policy?: Policy): Promise<ActionResult> =>
  actionResult(enableRotationAction, account, finding, mode, policy);

const operations = (account: SandboxAccount): string[] => account.secrets.calls.map((c) => c.operation);

describe('Action: enable-rotation', () => {
  it('needs exactly RotateSecret and the right to invoke the rotation function, and makes the rotation Config rule compliant', () => {
    // Prepare
    const { type, permissions, configRule } = enableRotationAction;

    // Act
    const declared = { type, permissions, configRule };

    // Assess
    expect(declared).toEqual({
      type: 'enable-rotation',
      permissions: ['secretsmanager:RotateSecret', 'lambda:InvokeFunction'],
      configRule: 'secretsmanager-rotation-enabled-check',
    });
  });

  it('in enforce mode turns rotation back on with the mapped function and the policy schedule, verifies it and asks Config to re-evaluate', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN }));
    const enable = vi.spyOn(account.secrets, 'enableRotation');
    const policy = withFunctions({ byNamePrefix: { 'prod/': PROD } });

    // Act
    const result = await run(account, disabledFinding(), 'enforce', policy);
    const calls = operations(account);

    // Assess
    expect(result).toMatchObject({ type: 'enable-rotation', mode: 'enforce', outcome: 'applied' });
    expect(result.reason).toBe(
      `turn on rotation with ${PROD} every rate(30 days) (function from rotation.functions.byNamePrefix["prod/"]; ` +
        'schedule from rotation.schedule: rate(30 days); rotate immediately: no (rotation.rotateImmediately)); ' +
        'asked AWS Config to re-evaluate secretsmanager-rotation-enabled-check',
    );
    expect(enable).toHaveBeenCalledWith({
      secretId: PAYMENTS_ARN,
      rotationLambdaArn: PROD,
      scheduleExpression: 'rate(30 days)',
      rotateImmediately: false,
    });
    expect(await account.secrets.describeSecret(PAYMENTS_ARN)).toMatchObject({
      rotationEnabled: true,
      rotationLambdaArn: PROD,
      rotationSchedule: 'rate(30 days)',
    });
    expect(calls).toEqual(['describeSecret', 'enableRotation', 'describeSecret']);
    expect(account.compliance.reevaluated).toEqual([['secretsmanager-rotation-enabled-check']]);
  });

  it('in dry-run mode reports what it would turn on and writes nothing', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN }));
    const policy = withFunctions({ byNamePrefix: { 'prod/': PROD } });

    // Act
    const result = await run(account, disabledFinding(), 'dry-run', policy);

    // Assess
    expect(result).toMatchObject({ mode: 'dry-run', outcome: 'planned' });
    expect(result.reason).toMatch(new RegExp(`^dry run: would turn on rotation with ${PROD} every rate\\(30 days\\) \\(`));
    expect(operations(account)).toEqual(['describeSecret']);
    expect(await account.secrets.describeSecret(PAYMENTS_ARN)).toMatchObject({ rotationEnabled: false });
    expect(account.compliance.reevaluated).toEqual([]);
  });

  it('fixes a rotation-missing finding from Config with the default function and re-evaluates the rule the finding names', async () => {
    // Prepare
    const account = sandboxWith(secret('dev/tools/ci-token', { arn: CI_TOKEN_ARN }));
    const finding = findingFromRecord('rotation-missing/fires.NON_COMPLIANT.authored.rotation-enabled-check.json', 'rotation-missing');

    // Act
    const result = await run(account, finding, 'enforce', withFunctions({ default: DEFAULT }));

    // Assess
    expect(result).toMatchObject({ outcome: 'applied', reason: expect.stringContaining('function from rotation.functions.default') });
    expect(await account.secrets.describeSecret(CI_TOKEN_ARN)).toMatchObject({ rotationEnabled: true, rotationLambdaArn: DEFAULT });
    expect(account.compliance.reevaluated).toEqual([['secretsmanager-rotation-enabled-check']]);
  });

  describe('chooses the rotation function: tag, then the longest name prefix, then the default, then the previous function', () => {
    // Every function the table chooses is mapped somewhere: the role may invoke only mapped functions.
    const everything = {
      byNamePrefix: { 'prod/': PROD, 'prod/payments/': PROD_PAYMENTS, 'tools/': TAGGED, 'legacy/': PREVIOUS },
      default: DEFAULT,
    };
    it.each([
      {
        case: 'the tag wins over every mapping and the previous function',
        seed: { tags: { 'rotation-function': TAGGED }, rotationLambdaArn: PREVIOUS },
        functions: everything,
        chosen: TAGGED,
        source: "function from the secret's tag rotation-function",
      },
      {
        case: 'the longest matching prefix wins over a shorter one, the default and the previous function',
        seed: { rotationLambdaArn: PREVIOUS },
        functions: everything,
        chosen: PROD_PAYMENTS,
        source: 'function from rotation.functions.byNamePrefix["prod/payments/"]',
      },
      {
        case: 'a prefix the name does not start with is no match',
        seed: {},
        functions: { byNamePrefix: { 'prod/payments/db-': PROD_PAYMENTS, 'dev/': PROD }, default: DEFAULT },
        chosen: DEFAULT,
        source: 'function from rotation.functions.default',
      },
      {
        case: 'the default wins over the previous function',
        seed: { rotationLambdaArn: PREVIOUS },
        functions: { default: DEFAULT },
        chosen: DEFAULT,
        source: 'function from rotation.functions.default',
      },
      {
        case: 'the previous function is reused when nothing maps this secret',
        seed: { rotationLambdaArn: PREVIOUS },
        functions: { byNamePrefix: { 'legacy/': PREVIOUS } },
        chosen: PREVIOUS,
        source: 'function reused: the one the secret rotated with before (no tag or policy mapping applies)',
      },
      {
        case: 'a tag is not read when the policy names no tag (byTag: null)',
        seed: { tags: { 'rotation-function': TAGGED } },
        functions: { byTag: null, default: DEFAULT },
        chosen: DEFAULT,
        source: 'function from rotation.functions.default',
      },
    ] as { case: string; seed: Record<string, unknown>; functions: FunctionsOverride; chosen: string; source: string }[])(
      '$case',
      async ({ seed, functions, chosen, source }) => {
        // Prepare
        const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN, ...seed }));

        // Act
        const result = await run(account, disabledFinding(), 'enforce', withFunctions(functions));

        // Assess
        expect(result.outcome).toBe('applied');
        expect(result.reason).toContain(`turn on rotation with ${chosen} every rate(30 days) (${source};`);
        expect(await account.secrets.describeSecret(PAYMENTS_ARN)).toMatchObject({ rotationEnabled: true, rotationLambdaArn: chosen });
      },
    );
  });

  it.each([
    ['a tag', { tags: { 'rotation-function': TAGGED } }, "function from the secret's tag rotation-function"],
    [
      'the previous setting',
      { rotationLambdaArn: PREVIOUS },
      'function reused: the one the secret rotated with before (no tag or policy mapping applies)',
    ],
  ])('refuses a function chosen by %s that the policy does not map: the role may not invoke it', async (_label, seed, source) => {
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN, ...seed }));

    const result = await run(account, disabledFinding(), 'enforce', withFunctions({}));

    expect(result).toMatchObject({
      outcome: 'blocked',
      reason: expect.stringMatching(
        new RegExp(
          `^${source.replace(/[()]/g, '\\$&')} is arn:aws:lambda:.*, which the policy does not map, so this service may not invoke it: add it to rotation\\.functions\\.byNamePrefix or rotation\\.functions\\.default`,
        ),
      ),
    });
    expect(account.secrets.calls.map((c) => c.operation)).not.toContain('enableRotation');
  });

  it('refuses a tag whose value is not a Lambda function ARN, even when the policy maps a function, and writes nothing', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN, tags: { 'rotation-function': 'prod-rotator' } }));

    // Act
    const result = await run(account, disabledFinding(), 'enforce', withFunctions({ byNamePrefix: { 'prod/': PROD }, default: DEFAULT }));

    // Assess
    expect(result).toMatchObject({
      outcome: 'blocked',
      reason:
        'the tag rotation-function on prod/payments/db is "prod-rotator", which is not a Lambda function ARN ' +
        "(arn:aws:lambda:<region>:<account>:function:<name>): set it to the rotation function's ARN, or remove it to use the policy's mapping",
    });
    expect(operations(account)).toEqual(['describeSecret']);
  });

  it('refuses when no function can be chosen, and says exactly what to configure', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/db'));

    // Act
    const result = await run(account, disabledFindingFor('prod/db'), 'enforce');

    // Assess
    expect(result).toMatchObject({
      outcome: 'blocked',
      reason:
        'no rotation function is mapped for prod/db: tag the secret rotation-function=<Lambda ARN>, ' +
        'or add rotation.functions.byNamePrefix["prod/"] or rotation.functions.default to the policy',
    });
    expect(operations(account)).toEqual(['describeSecret']);
    expect(await account.secrets.describeSecret('prod/db')).toMatchObject({ rotationEnabled: false });
  });

  it('refuses without suggesting a tag when the policy names none, and suggests the whole name when it has no path', async () => {
    // Prepare
    const account = sandboxWith(secret('legacy-db-password'));

    // Act
    const result = await run(account, disabledFindingFor('legacy-db-password'), 'enforce', withFunctions({ byTag: null }));

    // Assess
    expect(result).toMatchObject({
      outcome: 'blocked',
      reason:
        'no rotation function is mapped for legacy-db-password: add rotation.functions.byNamePrefix["legacy-db-password"] or rotation.functions.default to the policy',
    });
  });

  it('turns on managed rotation, without a function, for a secret another service manages', async () => {
    // Prepare
    const account = sandboxWith(secret('rds!db-1234', { owningService: 'rds', tags: { 'rotation-function': 'not-an-arn' } }));
    const enable = vi.spyOn(account.secrets, 'enableRotation');

    // Act
    const result = await run(account, disabledFindingFor('rds!db-1234'), 'enforce', withFunctions({ default: DEFAULT }));

    // Assess
    expect(result).toMatchObject({
      outcome: 'applied',
      reason: expect.stringMatching(/^turn on managed rotation \(the secret is managed by rds\) every rate\(30 days\) \(/),
    });
    expect(enable).toHaveBeenCalledWith({
      secretId: expect.stringContaining(':secret:rds!db-1234-'),
      scheduleExpression: 'rate(30 days)',
      rotateImmediately: false,
    });
    expect(await account.secrets.describeSecret('rds!db-1234')).toMatchObject({ rotationEnabled: true });
  });

  it("uses the policy's schedule and rotates at once only when the policy says so", async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN }));
    const enable = vi.spyOn(account.secrets, 'enableRotation');
    const policy = withFunctions({ default: DEFAULT }, { schedule: 'cron(0 4 ? * SUN *)', rotateImmediately: true });

    // Act
    const result = await run(account, disabledFinding(), 'enforce', policy);

    // Assess
    expect(result.reason).toContain(`turn on rotation with ${DEFAULT} on the schedule cron(0 4 ? * SUN *) and rotate it now (`);
    expect(result.reason).toContain('rotate immediately: yes (rotation.rotateImmediately)');
    expect(enable).toHaveBeenCalledWith({
      secretId: PAYMENTS_ARN,
      rotationLambdaArn: DEFAULT,
      scheduleExpression: 'cron(0 4 ? * SUN *)',
      rotateImmediately: true,
    });
  });

  it('leaves a secret whose rotation is already on again', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN, rotationEnabled: true, rotationLambdaArn: PREVIOUS }));

    // Act
    const result = await run(account, disabledFinding(), 'enforce', withFunctions({ default: DEFAULT }));

    // Assess
    expect(result).toMatchObject({ outcome: 'skipped', reason: 'rotation is on again' });
    expect(operations(account)).toEqual(['describeSecret']);
  });

  it('leaves a secret scheduled for deletion', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN, deletedDate: '2026-11-24T11:00:00Z' }));

    // Act
    const result = await run(account, disabledFinding(), 'enforce', withFunctions({ default: DEFAULT }));

    // Assess
    expect(result).toMatchObject({
      outcome: 'skipped',
      reason: 'the secret is scheduled for deletion (since 2026-11-24T11:00:00.000Z): rotation cannot be turned on',
    });
    expect(operations(account)).toEqual(['describeSecret']);
  });

  it('reports failed when AWS accepts RotateSecret but DescribeSecret still shows rotation off', async () => {
    // Prepare
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN }));
    vi.spyOn(account.secrets, 'enableRotation').mockResolvedValue(undefined);

    // Act
    const result = await run(account, disabledFinding(), 'enforce', withFunctions({ default: DEFAULT }));

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'applied, but not verified: RotateSecret succeeded, but DescribeSecret still shows rotation off',
    });
    expect(account.compliance.reevaluated).toEqual([]);
  });
});

describe('Action: enable-rotation and AWS Config', () => {
  it('says so when the account runs no Config rule by that name, rather than claim a re-evaluation', async () => {
    // Prepare: Config here runs only a Security Hub copy, under another name.
    const account = sandboxWith(secret('prod/payments/db', { arn: PAYMENTS_ARN, rotationLambdaArn: PROD }));
    const compliance = new RecordingCompliance(new Set(['securityhub-secretsmanager-rotation-enabled-check-a1b2c3']));
    const policy = withFunctions({ byNamePrefix: { 'prod/': PROD } });

    // Act
    const outcome = await remediate(enableRotationAction, disabledFinding(), {
      ...remediationContext(account, 'enforce', policy),
      compliance,
    });

    // Assess
    expect(outcome).toMatchObject({
      kind: 'result',
      result: {
        outcome: 'applied',
        reason: expect.stringContaining(
          '; AWS Config runs no rule named secretsmanager-rotation-enabled-check here, so nothing to re-evaluate',
        ),
      },
    });
    expect(compliance.reevaluated).toEqual([[]]);
  });
});
