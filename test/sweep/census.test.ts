/**
 * The organisation census: each account-region's secret count, a bounded number of calls at a
 * time, within a deadline; what it cannot get is unknown, and it never fails the coordinator.
 */
import { describe, expect, it } from 'vitest';
import { SandboxSecretCounts } from '../../shared/sandbox/sandbox-secret-counts.js';
import {
  CENSUS_MAX_MS,
  CENSUS_WINDOW_MS,
  censusBudgetMs,
  censusSizes,
  censusWindow,
  secretCountsThroughMembers,
  takeCensus,
} from '../../shared/sweep/census.js';
import type { ShardTarget } from '../../shared/sweep/coordinator.js';
import { HUB, organisationPolicy } from '../helpers/organisation.js';
import { FIXED_NOW } from '../helpers/sandbox.js';

const targets = (n: number): ShardTarget[] =>
  Array.from({ length: n }, (_, i) => ({ account: String(300000000000 + i), region: 'eu-west-1' }));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('takeCensus', () => {
  it('counts every account-region, in the targets’ order, with at most `concurrency` calls in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const countOf = async (t: ShardTarget) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await sleep(2);
      inFlight -= 1;
      return Number(t.account.slice(-2));
    };

    // Act
    const census = await takeCensus(targets(20), countOf, { concurrency: 3, budgetMs: 5_000 });

    // Assess
    expect(most).toBe(3);
    expect(census.unknown).toBe(0);
    expect(census.counted.map((c) => c.secrets)).toStrictEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('leaves unknown the counts that failed, were not published, or are not a count', async () => {
    // Prepare
    const answers: Record<string, () => Promise<number | undefined>> = {
      '300000000000': () => Promise.reject(new Error('AccessDenied')),
      '300000000001': () => Promise.resolve(undefined),
      '300000000002': () => Promise.resolve(-1),
      '300000000003': () => Promise.resolve(Number.NaN),
      '300000000004': () => Promise.resolve(42),
    };

    // Act
    const census = await takeCensus(targets(5), (t) => (answers[t.account] as () => Promise<number | undefined>)(), {
      concurrency: 2,
      budgetMs: 5_000,
    });

    // Assess
    expect(census).toStrictEqual({ counted: [{ account: '300000000004', region: 'eu-west-1', secrets: 42 }], unknown: 4 });
  });

  it('stops at its deadline: late answers are unknown and the calls not started are not made', async () => {
    // Prepare: the first answers at once, the second never within the budget.
    const asked: string[] = [];
    const countOf = async (t: ShardTarget) => {
      asked.push(t.account);
      if (t.account === '300000000000') return 7;
      await sleep(1_000);
      return 9;
    };
    const started = performance.now();

    // Act
    const census = await takeCensus(targets(10), countOf, { concurrency: 2, budgetMs: 50 });

    // Assess
    expect(performance.now() - started).toBeLessThan(500);
    expect(census).toStrictEqual({ counted: [{ account: '300000000000', region: 'eu-west-1', secrets: 7 }], unknown: 9 });
    expect(asked).toHaveLength(3);
  });
});

describe('censusBudgetMs', () => {
  it('takes half the time left, at most CENSUS_MAX_MS, never less than nothing', () => {
    expect(censusBudgetMs(60_000)).toBe(30_000);
    expect(censusBudgetMs(900_000)).toBe(CENSUS_MAX_MS);
    expect(censusBudgetMs(-5)).toBe(0);
  });
});

describe('censusWindow and censusSizes', () => {
  it('look CENSUS_WINDOW_MS back from now, and give the counted account-regions as sizes', () => {
    expect(censusWindow(FIXED_NOW)).toStrictEqual({ start: new Date(FIXED_NOW.getTime() - CENSUS_WINDOW_MS), end: FIXED_NOW });
    const counted = [{ account: '300000000000', region: 'eu-west-1', secrets: 3 }];
    expect(censusSizes('run-1', { counted, unknown: 2 })).toStrictEqual({ runId: 'run-1', shards: counted });
  });
});

describe('secretCountsThroughMembers', () => {
  it('asks through the member read role elsewhere and with the function’s own credentials in the hub’s own account-region', async () => {
    // Prepare
    const port = new SandboxSecretCounts({ countIn: () => 5 });
    const counts = secretCountsThroughMembers(organisationPolicy().organisation, 'dev', port);
    const window = censusWindow(FIXED_NOW);

    // Act
    await counts({ hub: HUB, place: { account: '300000000001', region: 'eu-west-1' }, session: 'run-1', window });
    await counts({ hub: HUB, place: HUB, session: 'run-1', window });

    // Assess
    expect(port.calls.map((c) => c.target.roleArn)).toStrictEqual([
      expect.stringMatching(/^arn:aws:iam::300000000001:role\/.*-dev-read-euw1$/),
      undefined,
    ]);
    expect(port.calls.every((c) => c.target.session === 'run-1' && c.window === window)).toBe(true);
  });
});
