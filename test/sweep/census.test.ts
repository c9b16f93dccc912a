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

  it('hands each count it keeps to onCounted once, as it arrives, before the census has ended', async () => {
    // Prepare: the third answers last, well after the others; the second is refused, the fourth not a count.
    const heard: { account: string; secrets: number; censusOver: boolean }[] = [];
    let censusOver = false;
    const countOf = async (t: ShardTarget) => {
      const n = Number(t.account.slice(-1));
      if (n === 1) throw new Error('AccessDenied');
      if (n === 3) await sleep(30);
      return n === 4 ? -1 : n * 10;
    };

    // Act
    const census = await takeCensus(targets(6), countOf, {
      concurrency: 6,
      budgetMs: 5_000,
      onCounted: (c) => heard.push({ account: c.account, secrets: c.secrets, censusOver }),
    });
    censusOver = true;

    // Assess: every kept count once, the late one last, none refused or invalid.
    expect(heard.map((h) => [h.account.slice(-1), h.secrets])).toStrictEqual([
      ['0', 0],
      ['2', 20],
      ['5', 50],
      ['3', 30],
    ]);
    expect(heard.every((h) => !h.censusOver)).toBe(true);
    expect(census.counted.map((c) => c.secrets)).toStrictEqual([0, 20, 30, 50]);
  });

  it('hands onCounted no count that arrives after its deadline', async () => {
    // Prepare: the first answers at once, the others after the budget.
    const heard: string[] = [];
    const countOf = async (t: ShardTarget) => {
      if (t.account !== '300000000000') await sleep(80);
      return 5;
    };

    // Act
    const census = await takeCensus(targets(4), countOf, { concurrency: 4, budgetMs: 20, onCounted: (c) => heard.push(c.account) });
    await sleep(120);

    // Assess: the late answers came in after the census, and were not heard.
    expect(heard).toStrictEqual(['300000000000']);
    expect(census.unknown).toBe(3);
  });

  it('keeps counting when onCounted throws, and keeps the count', async () => {
    // Act
    const census = await takeCensus(targets(3), () => Promise.resolve(4), {
      concurrency: 1,
      budgetMs: 5_000,
      onCounted: () => {
        throw new Error('not taken up');
      },
    });

    // Assess
    expect(census).toMatchObject({ unknown: 0 });
    expect(census.counted).toHaveLength(3);
  });
});

describe('censusBudgetMs', () => {
  it('takes half the time left, at most CENSUS_MAX_MS, never less than nothing', () => {
    expect(censusBudgetMs(60_000)).toBe(30_000);
    expect(censusBudgetMs(900_000)).toBe(CENSUS_MAX_MS);
    expect(censusBudgetMs(-5)).toBe(0);
  });
});

describe('censusWindow', () => {
  it('looks CENSUS_WINDOW_MS back from now', () => {
    expect(censusWindow(FIXED_NOW)).toStrictEqual({ start: new Date(FIXED_NOW.getTime() - CENSUS_WINDOW_MS), end: FIXED_NOW });
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
