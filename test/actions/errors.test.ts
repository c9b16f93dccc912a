/**
 * Every error the Secrets Manager adapter raises — throttling (ThrottlingError), access denied,
 * not found, invalid request — injected on every port call of every action in turn, through the
 * real runner on the sandbox account. Where the failing call falls decides the outcome: before or
 * at the write, the error settles as an honest outcome (or escapes, when transient, with the claim
 * released so that the retry acts) and the secret is as it was; after the write, in the read-back,
 * the fix stands and is reported applied, not verified. Either way nothing is left half-done: at
 * most one write per invocation, and every settled outcome is remembered for the redelivery.
 *
 * The table is made from the calls each action really makes when undisturbed, recorded once
 * below, so a call the runner adds later is covered without editing this file.
 */
import { describe, expect, it } from 'vitest';
import type { ActionResult } from '../../shared/contracts/finding.js';
import { remediate, type RemediationOutcome } from '../../shared/actions/runner.js';
import {
  InvalidSecretStateError,
  PermissionDeniedError,
  type RemediationError,
  SecretNotFoundError,
  ThrottlingError,
} from '../../shared/errors.js';
import type { SandboxAccount } from '../../shared/sandbox/sandbox-account.js';
import type { SandboxCall } from '../../shared/sandbox/sandbox-secrets.js';
import { type ActionScenario, actionScenarios, contextFor, type SecretSnapshot, secretSnapshot } from '../helpers/action-scenarios.js';

type Operation = SandboxCall['operation'];

const WRITES: ReadonlySet<Operation> = new Set<Operation>([
  'removeStagingLabel',
  'enableRotation',
  'restoreSecret',
  'putResourcePolicy',
  'deleteResourcePolicy',
]);

/**
 * The AWS API behind each port call, to word the injected errors as the adapter does (`Operation: Exception: message`).
 * ListSecrets is here for completeness only: actions never list, so no row below injects on it.
 */
const AWS_API: Readonly<Record<Operation, string>> = {
  describeSecret: 'DescribeSecret',
  listSecrets: 'ListSecrets',
  listVersions: 'ListSecretVersionIds',
  removeStagingLabel: 'UpdateSecretVersionStage',
  enableRotation: 'RotateSecret',
  restoreSecret: 'RestoreSecret',
  getResourcePolicy: 'GetResourcePolicy',
  putResourcePolicy: 'PutResourcePolicy',
  deleteResourcePolicy: 'DeleteResourcePolicy',
};

/** What each scenario calls when nothing goes wrong: read, write once, read the same again. */
const UNDISTURBED_CALLS: Readonly<Record<string, readonly Operation[]>> = {
  'clear-stale-pending': ['describeSecret', 'listVersions', 'removeStagingLabel', 'describeSecret', 'listVersions'],
  'enable-rotation': ['describeSecret', 'enableRotation', 'describeSecret'],
  'restore-secret': ['describeSecret', 'restoreSecret', 'describeSecret'],
  'remove-public-statements': ['describeSecret', 'getResourcePolicy', 'putResourcePolicy', 'describeSecret', 'getResourcePolicy'],
  'remove-public-statements (deleting the policy)': [
    'describeSecret',
    'getResourcePolicy',
    'deleteResourcePolicy',
    'describeSecret',
    'getResourcePolicy',
  ],
};

interface InjectedError {
  /** The SDK exception the adapter maps to it. */
  readonly label: string;
  readonly make: (operation: Operation) => RemediationError;
  /** The outcome when it hits a call before or at the write; undefined: it escapes (transient). */
  readonly settles?: { readonly outcome: 'failed' | 'skipped'; readonly reason: (error: RemediationError) => string };
  /** The outcome when it hits the write itself, where it differs (AWS refused the change: it did not happen). */
  readonly settlesAtWrite?: { readonly outcome: 'failed' | 'skipped'; readonly reason: (error: RemediationError) => string };
}

const INJECTED: readonly InjectedError[] = [
  { label: 'Throttling', make: (op) => new ThrottlingError(`${AWS_API[op]}: ThrottlingException: Rate exceeded`) },
  {
    label: 'AccessDenied',
    make: (op) =>
      new PermissionDeniedError(`${AWS_API[op]}: AccessDeniedException: not authorized to perform secretsmanager:${AWS_API[op]}`),
    settles: { outcome: 'failed', reason: (error) => `access denied: ${error.message}` },
  },
  {
    label: 'ResourceNotFound',
    make: (op) => new SecretNotFoundError(`${AWS_API[op]}: ResourceNotFoundException: Secrets Manager can't find the specified secret.`),
    settles: { outcome: 'skipped', reason: () => 'the secret no longer exists' },
  },
  {
    label: 'InvalidRequest',
    make: (op) =>
      new InvalidSecretStateError(
        `${AWS_API[op]}: InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.`,
      ),
    settles: { outcome: 'skipped', reason: (error) => `not in a state to change: ${error.message}` },
    settlesAtWrite: { outcome: 'failed', reason: (error) => `AWS refused the change: ${error.message}` },
  },
];

const settlementOf = (phase: Phase, injected: InjectedError) => (phase === 'the write' && injected.settlesAtWrite) || injected.settles;

/** One `remediate`: its outcome or the error it rejected with, and the port calls it made. */
interface Attempt {
  readonly outcome?: RemediationOutcome;
  readonly error?: unknown;
  readonly calls: readonly Operation[];
}

const attempt = async (
  scenario: ActionScenario,
  account: SandboxAccount,
  finding: ReturnType<ActionScenario['finding']>,
): Promise<Attempt> => {
  const start = account.secrets.calls.length;
  const callsSinceStart = (): Operation[] => account.secrets.calls.slice(start).map((c) => c.operation);
  try {
    const outcome = await remediate(scenario.action, finding, contextFor(account, scenario.policy));
    return { outcome, calls: callsSinceStart() };
  } catch (error) {
    return { error, calls: callsSinceStart() };
  }
};

const resultOf = (done: Attempt): ActionResult => {
  if (done.outcome?.kind !== 'result') throw new Error(`expected a result, got ${done.outcome ? 'a duplicate' : String(done.error)}`);
  return done.outcome.result;
};

/** What every delivery reads before it claims: the secret, to check the finding against. */
const CHECK: readonly Operation[] = ['describeSecret'];

const writesIn = (calls: readonly Operation[]): Operation[] => calls.filter((op) => WRITES.has(op));

interface Baseline {
  readonly scenario: ActionScenario;
  readonly run: Attempt;
  readonly before: SecretSnapshot;
  readonly after: SecretSnapshot;
}

// Recorded at collection: the table below is made from these calls.
const baselines: readonly Baseline[] = await Promise.all(
  actionScenarios.map(async (scenario): Promise<Baseline> => {
    const account = scenario.account();
    const before = await secretSnapshot(account, scenario.arn);
    const run = await attempt(scenario, account, scenario.finding());
    return { scenario, run, before, after: await secretSnapshot(account, scenario.arn) };
  }),
);

type Phase = 'before the write' | 'the write' | 'the read-back';

interface Case {
  readonly name: string;
  readonly baseline: Baseline;
  readonly operation: Operation;
  /** 0 for the first call of `operation`, 1 for the second, ... */
  readonly occurrence: number;
  /** Where the failing call is in the undisturbed sequence. */
  readonly index: number;
  readonly phase: Phase;
  readonly injected: InjectedError;
}

const expectationOf = (phase: Phase, injected: InjectedError): string => {
  if (phase === 'the read-back') return 'applied, not verified';
  return settlementOf(phase, injected)?.outcome ?? 'rejects, and the retry applies';
};

const cases: Case[] = baselines.flatMap((baseline) => {
  const { calls } = baseline.run;
  const writeIndex = calls.findIndex((op) => WRITES.has(op));
  return calls.flatMap((operation, index) => {
    const occurrence = calls.slice(0, index).filter((op) => op === operation).length;
    const phase: Phase = index < writeIndex ? 'before the write' : index === writeIndex ? 'the write' : 'the read-back';
    const where = phase === 'before the write' ? '' : phase === 'the write' ? ' (the write)' : ' (read-back)';
    return INJECTED.map((injected) => ({
      name: `${baseline.scenario.label}: ${injected.label} on ${operation} #${occurrence + 1}${where} → ${expectationOf(phase, injected)}`,
      baseline,
      operation,
      occurrence,
      index,
      phase,
      injected,
    }));
  });
});

describe('SDK errors injected on every call of every action give the expected outcome and leave nothing half-done', () => {
  // Tuples and %s, not objects and $name: vitest truncates what $name interpolates.
  it.each(baselines.map((baseline): [string, Baseline] => [baseline.scenario.label, baseline]))(
    '%s, undisturbed, is applied in enforce mode with one write',
    (label, baseline) => {
      // Prepare
      const { run, before, after } = baseline;

      // Act
      const result = resultOf(run);

      // Assess
      expect(result).toMatchObject({ type: baseline.scenario.action.type, mode: 'enforce', outcome: 'applied' });
      expect(result.reason).not.toContain('not verified');
      expect(run.calls).toEqual(UNDISTURBED_CALLS[label]);
      expect(writesIn(run.calls)).toHaveLength(1);
      expect(after).not.toEqual(before);
    },
  );

  it('covers every call of every action with every error', () => {
    // Prepare
    const callCount = baselines.reduce((sum, baseline) => sum + baseline.run.calls.length, 0);

    // Act
    const rows = cases.length;

    // Assess
    expect(callCount).toBe(Object.values(UNDISTURBED_CALLS).reduce((sum, calls) => sum + calls.length, 0));
    expect(rows).toBe(callCount * INJECTED.length);
  });

  it.each(cases.map((row): [string, Case] => [row.name, row]))(
    '%s',
    async (_name, { baseline, operation, occurrence, index, phase, injected }) => {
      // Prepare
      const { scenario } = baseline;
      const account = scenario.account();
      const finding = scenario.finding();
      const error = injected.make(operation);
      account.secrets.failNext(operation, error, { skip: occurrence });

      // Act
      const first = await attempt(scenario, account, finding);
      const afterFirst = await secretSnapshot(account, scenario.arn);
      const second = await attempt(scenario, account, finding);
      const afterSecond = await secretSnapshot(account, scenario.arn);
      const third = await attempt(scenario, account, finding);

      // Assess
      // The run stops at the failing call, and writes at most once.
      expect(first.calls).toEqual(baseline.run.calls.slice(0, index + 1));
      expect(writesIn(first.calls)).toHaveLength(phase === 'before the write' ? 0 : 1);

      if (phase === 'the read-back') {
        // The fix stands: reported applied, not verified, and remembered so a retry cannot call it skipped.
        expect(first.error).toBeUndefined();
        expect(first.outcome).toMatchObject({
          kind: 'result',
          result: {
            type: scenario.action.type,
            mode: 'enforce',
            outcome: 'applied',
            reason: expect.stringContaining(`(not verified: ${error.name})`),
          },
        });
        expect(afterFirst).toEqual(baseline.after);
        expect(second).toEqual({ outcome: { kind: 'duplicate', result: resultOf(first) }, calls: CHECK });
        expect(third).toEqual(second);
        expect(afterSecond).toEqual(afterFirst);
      } else if (settlementOf(phase, injected) && index === 0) {
        // Refused at the check before the claim: settled honestly, nothing changed, nothing claimed, so a redelivery acts.
        expect(first.error).toBeUndefined();
        expect(first.outcome).toMatchObject({ kind: 'result', result: { outcome: settlementOf(phase, injected)?.outcome } });
        expect(afterFirst).toEqual(baseline.before);
        expect(resultOf(second)).toEqual(resultOf(baseline.run));
      } else if (settlementOf(phase, injected)) {
        // Settled honestly, nothing changed, and the outcome is remembered.
        const settles = settlementOf(phase, injected);
        expect(first.error).toBeUndefined();
        expect(first.outcome).toMatchObject({
          kind: 'result',
          result: { type: scenario.action.type, mode: 'enforce', outcome: settles?.outcome, reason: settles?.reason(error) },
        });
        expect(afterFirst).toEqual(baseline.before);
        expect(second).toEqual({ outcome: { kind: 'duplicate', result: resultOf(first) }, calls: CHECK });
        expect(third).toEqual(second);
        expect(afterSecond).toEqual(afterFirst);
      } else {
        // Escapes for Lambda to retry, nothing changed, and the claim is released: the retry acts as if undisturbed.
        expect(first.error).toBe(error);
        expect(first.outcome).toBeUndefined();
        expect(afterFirst).toEqual(baseline.before);
        expect(second.error).toBeUndefined();
        expect(resultOf(second)).toEqual(resultOf(baseline.run));
        expect(second.calls).toEqual(baseline.run.calls);
        expect(afterSecond).toEqual(baseline.after);
        expect(third).toEqual({ outcome: { kind: 'duplicate', result: resultOf(second) }, calls: CHECK });
      }
    },
  );
});
