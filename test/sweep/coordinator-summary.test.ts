/**
 * The organisation sweep's one summary, from every shard's figures: totals, findings by check,
 * the accounts with the most findings (ten named, the rest counted), the shards not read and why
 * (five named, the rest counted, and those that recorded nothing) — bounded whatever the
 * organisation's size, with a subject SNS accepts. And a shard's figures, from its counts.
 */
import { describe, expect, it } from 'vitest';
import { SNS_LIMITS } from '../../shared/alerts/limits.js';
import * as z from '../../shared/contracts/zod.js';
import {
  accountsByFindings,
  FAILED_SHARDS_SHOWN,
  type OrganisationSummaryInput,
  renderOrganisationSummary,
  type ShardFigures,
  ShardFiguresSchema,
  shardFigures,
  TOP_ACCOUNTS,
} from '../../shared/sweep/coordinator-summary.js';
import { emptyCounts } from '../../shared/sweep/summary.js';

const HUB = { account: '123456789012', region: 'us-east-1' };
const STARTED = '2026-11-25T12:00:00.000Z';
const FINISHED = '2026-11-25T12:04:10.000Z';

/** An account id of 12 digits for `n`. */
const accountId = (n: number): string => String(100000000000 + n);

const figures = (account: string, region: string, change: Partial<ShardFigures> = {}): ShardFigures => ({
  account,
  region,
  secrets: 10,
  exempt: 0,
  findings: 0,
  unjudged: 0,
  byRule: {},
  bySeverity: {},
  listCalls: 1,
  closerLooks: 0,
  invocations: 1,
  finishedAt: FINISHED,
  ...change,
});

/** Figures with `n` findings of `rule` (catalogue severity `severity`). */
const withFindings = (account: string, region: string, n: number, rule = 'unused', severity = 'low'): ShardFigures =>
  figures(account, region, { findings: n, byRule: { [rule]: n }, bySeverity: { [severity]: n } });

const input = (shards: readonly ShardFigures[], change: Partial<OrganisationSummaryInput> = {}): OrganisationSummaryInput => ({
  runId: 'sweep-20261125T1200Z-5a1f3c2e',
  hub: HUB,
  startedAt: STARTED,
  accounts: new Set(shards.map((s) => s.account)).size,
  regions: ['us-east-1', 'eu-west-1'],
  shards,
  expectedShards: shards.length,
  ...change,
});

const lines = (body: string): string[] => body.split('\n');

describe('Function: shardFigures', () => {
  it("takes a finished shard's counts and run figures, naming its failure only when it had one", () => {
    // Prepare
    const counts = {
      ...emptyCounts(),
      secrets: 40,
      exempt: 2,
      findings: 3,
      perSecretCalls: 7,
      unjudged: 1,
      byRule: { unused: 3 },
      bySeverity: { ...emptyCounts().bySeverity, low: 3 },
    };
    const shard = { account: accountId(1), region: 'eu-west-1' };

    // Act
    const ok = shardFigures(shard, counts, { listCalls: 2, invocations: 3, finishedAt: FINISHED });
    const failed = shardFigures(shard, emptyCounts(), { listCalls: 0, invocations: 1, finishedAt: FINISHED, failed: 'AccessDenied' });

    // Assess
    expect(ok).toStrictEqual({
      account: accountId(1),
      region: 'eu-west-1',
      secrets: 40,
      exempt: 2,
      findings: 3,
      unjudged: 1,
      byRule: { unused: 3 },
      bySeverity: counts.bySeverity,
      listCalls: 2,
      closerLooks: 7,
      invocations: 3,
      finishedAt: FINISHED,
    });
    expect(ok.byRule).not.toBe(counts.byRule);
    expect(failed.failed).toBe('AccessDenied');
    expect(z.safeParse(ShardFiguresSchema, JSON.parse(JSON.stringify(ok))).success).toBe(true);
  });
});

describe('Schema: ShardFiguresSchema', () => {
  it.each([
    ['a negative count', { secrets: -1 }],
    ['a fractional count', { findings: 1.5 }],
    ['a finish that is not a time', { finishedAt: 'yesterday' }],
    ['a severity that is not one', { bySeverity: { urgent: 1 } }],
  ])('refuses figures with %s', (_case, change) => {
    expect(z.safeParse(ShardFiguresSchema, { ...figures(accountId(1), 'us-east-1'), ...change }).success).toBe(false);
  });
});

describe('Function: accountsByFindings', () => {
  it('adds each account up over its regions, most findings first, then most secrets, then by id', () => {
    // Prepare
    const shards = [
      withFindings(accountId(3), 'us-east-1', 2),
      withFindings(accountId(3), 'eu-west-1', 3),
      figures(accountId(2), 'us-east-1', { secrets: 50 }),
      figures(accountId(1), 'us-east-1', { secrets: 50 }),
      withFindings(accountId(4), 'us-east-1', 5, 'policy-public', 'critical'),
      figures(accountId(5), 'us-east-1', { secrets: 3 }),
    ];

    // Act
    const ranked = accountsByFindings(shards);

    // Assess
    expect(ranked.map((a) => [a.account, a.findings, a.secrets])).toStrictEqual([
      [accountId(3), 5, 20],
      [accountId(4), 5, 10],
      [accountId(1), 0, 50],
      [accountId(2), 0, 50],
      [accountId(5), 0, 3],
    ]);
    expect([...(ranked[0]?.byRegion ?? [])]).toStrictEqual([
      ['us-east-1', 2],
      ['eu-west-1', 3],
    ]);
    expect(ranked[2]?.byRegion.size).toBe(0);
    expect(ranked[1]?.bySeverity.critical).toBe(5);
  });
});

describe('Function: renderOrganisationSummary', () => {
  it('says the run, the totals, the findings by check and the accounts with findings', () => {
    // Prepare
    const shards = [
      withFindings(accountId(1), 'us-east-1', 2, 'policy-public', 'critical'),
      withFindings(accountId(1), 'eu-west-1', 1),
      figures(accountId(2), 'us-east-1', { exempt: 4, listCalls: 3, closerLooks: 2 }),
      figures(accountId(2), 'eu-west-1'),
    ];

    // Act
    const message = renderOrganisationSummary(input(shards), FINISHED);

    // Assess
    expect(message.subject).toBe('[CRITICAL] sweep: 3 findings, 2 accounts (123456789012/organisation)');
    expect(message.attributes).toStrictEqual({
      severity: 'critical',
      rule: 'sweep-summary',
      account: HUB.account,
      region: HUB.region,
      secret: '*',
    });
    expect(lines(message.body).slice(0, 17)).toStrictEqual([
      'Organisation sweep sweep-20261125T1200Z-5a1f3c2e from 123456789012/us-east-1: 2 accounts x 2 regions = 4 shards',
      '  regions: us-east-1, eu-west-1',
      '',
      'Totals',
      '  secrets: 40 (4 exempt by tag, 36 judged)',
      '  findings: 3 (critical 2, low 1)',
      '  ListSecrets calls: 6 (0.1500 per secret); closer looks: 2',
      `  from ${STARTED} to ${FINISHED} (250 s)`,
      '',
      'Findings by check',
      '  policy-public (critical): 2',
      '  unused (low, SecretsManager.3): 1',
      '',
      'Accounts with the most findings (1 of 1 with findings)',
      `  ${accountId(1)}: 3 (critical 2, low 1) in 20 secrets; us-east-1 2, eu-west-1 1`,
      '',
      'Each finding is sent on its own (or in a digest when many share a rule), naming its account and region.',
    ]);
  });

  it('says none found, at severity info, when every secret passed, and 0 calls a secret for an organisation without any', () => {
    // Act
    const message = renderOrganisationSummary(input([figures(accountId(1), 'us-east-1', { secrets: 0, listCalls: 1 })]), FINISHED);

    // Assess
    expect(message.subject).toBe('[INFO] sweep: 0 findings, 1 accounts (123456789012/organisation)');
    expect(message.body).toContain('Findings by check\n  none\n');
    expect(message.body).toContain('Accounts with the most findings (0 of 0 with findings)\n  none\n');
    expect(message.body).toContain('  ListSecrets calls: 1 (0 per secret); closer looks: 0');
  });

  it(`names the ${TOP_ACCOUNTS} accounts with the most findings and counts the rest, with at most four regions each`, () => {
    // Prepare: account n has n findings in each of its six regions.
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2'];
    const shards = Array.from({ length: 15 }, (_, i) => regions.map((region) => withFindings(accountId(i + 1), region, i + 1))).flat();

    // Act
    const message = renderOrganisationSummary(input(shards, { regions }), FINISHED);

    // Assess
    const ranked = lines(message.body).filter((l) => /^ {2}\d{12}: /.test(l));
    expect(ranked).toHaveLength(TOP_ACCOUNTS);
    expect(ranked[0]).toBe(
      `  ${accountId(15)}: 90 (low 90) in 60 secrets; eu-west-1 15, eu-west-2 15, us-east-1 15, us-east-2 15, +2 regions`,
    );
    expect(message.body).toContain('Accounts with the most findings (10 of 15 with findings)');
    expect(message.body).toContain(`  ... and 5 more accounts with ${6 * (1 + 2 + 3 + 4 + 5)} findings`);
  });

  it(`names ${FAILED_SHARDS_SHOWN} shards that could not be read with why, counts the rest, and the shards that recorded nothing`, () => {
    // Prepare
    const failed = Array.from({ length: 7 }, (_, i) => figures(accountId(i + 1), 'us-east-1', { failed: `role ${i} not assumable` }));

    // Act
    const message = renderOrganisationSummary(input(failed, { expectedShards: 10, accounts: 10 }), FINISHED);

    // Assess
    expect(message.subject).toBe('[INFO] sweep: 0 findings, 10 accounts, 10 unread (123456789012/organisation)');
    const notRead = lines(message.body).slice(lines(message.body).indexOf('Not read (10 shards): these account-regions were not judged'));
    expect(notRead.slice(0, 8)).toStrictEqual([
      'Not read (10 shards): these account-regions were not judged',
      `  ${accountId(1)}/us-east-1: role 0 not assumable`,
      `  ${accountId(2)}/us-east-1: role 1 not assumable`,
      `  ${accountId(3)}/us-east-1: role 2 not assumable`,
      `  ${accountId(4)}/us-east-1: role 3 not assumable`,
      `  ${accountId(5)}/us-east-1: role 4 not assumable`,
      '  ... and 2 more failed',
      "  3 shards recorded no figures (see the sweep function's log for run sweep-20261125T1200Z-5a1f3c2e)",
    ]);
  });

  it('cuts the line of a failure with a long reason', () => {
    // Act
    const message = renderOrganisationSummary(input([figures(accountId(1), 'us-east-1', { failed: 'x'.repeat(5000) })]), FINISHED);

    // Assess
    const line = lines(message.body).find((l) => l.startsWith(`  ${accountId(1)}/us-east-1: `));
    expect(line).toHaveLength(600);
  });

  it('says it could not judge secrets when AWS refused closer looks', () => {
    // Act
    const message = renderOrganisationSummary(input([figures(accountId(1), 'us-east-1', { unjudged: 4 })]), FINISHED);

    // Assess
    expect(message.body).toContain("  could not judge: 4 secrets (AWS refused a closer look; see each shard's log)");
  });

  it('weighs the same for 10,000 accounts as for 20, with a subject SNS accepts', () => {
    // Prepare
    const organisation = (accounts: number) =>
      Array.from({ length: accounts }, (_, i) => withFindings(accountId(i), 'us-east-1', 1 + (i % 7), 'unused'));

    // Act
    const small = renderOrganisationSummary(input(organisation(20)), FINISHED);
    const large = renderOrganisationSummary(input(organisation(10_000)), FINISHED);

    // Assess
    expect(lines(large.body)).toHaveLength(lines(small.body).length);
    expect(large.body.length).toBeLessThan(small.body.length + 200);
    expect(large.subject.length).toBeLessThanOrEqual(SNS_LIMITS.subjectChars);
    expect(large.subject).toMatch(/^[\x20-\x7E]+$/);
  });
});
