/**
 * The scan's report for people: what was read, a table per check naming the secrets (capped), the
 * counts, and a loud warning when nothing was read at all.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/contracts/finding.js';
import {
  checkTables,
  emptyScanWarning,
  findingSample,
  renderScanReport,
  REPORT_ROWS_PER_CHECK,
  type ScanContext,
} from '../../shared/sweep/scan-report.js';
import { addInspection, emptyCounts, type SweepCounts } from '../../shared/sweep/summary.js';
import { sweepFinding } from '../helpers/sweep-findings.js';

const finding = (rule: string, name: string): Finding => sweepFinding({ rule, name, account: '210987654321', region: 'eu-west-1' });

const countsOf = (list: readonly Finding[]): SweepCounts =>
  list.reduce((c, f) => addInspection(c, { findings: [f], exempt: false, perSecretCalls: 0 }), emptyCounts());

const live: ScanContext = {
  mode: 'live',
  account: '210987654321',
  region: 'eu-west-1',
  policyFile: 'policy.yml',
  stage: 'prod',
  startedAt: '2026-11-25T12:00:00.000Z',
  profile: 'audit',
};

describe('scan report: a table per check', () => {
  it('names each secret with its account/region, severity and reason, most severe check first', () => {
    // Prepare
    const list = [finding('unused', 'dev/old-key'), finding('stale-pending', 'prod/db')];
    const sample = findingSample();
    sample.add(list);

    // Act
    const [first, second] = checkTables(countsOf(list), sample);

    // Assess
    expect(first).toMatch(/^stale-pending: .* — 1 finding \(high\)/);
    expect(first).toMatch(/prod\/db\s+│\s+210987654321\/eu-west-1\s+│\s+high\s+│\s+prod\/db tripped stale-pending/);
    expect(second).toMatch(/^unused: /);
    expect(second).toContain('dev/old-key');
  });

  it(`shows at most ${REPORT_ROWS_PER_CHECK} secrets per check and points to --output for the rest`, () => {
    // Prepare: 100,000 findings stream past; the sample keeps the first few.
    const sample = findingSample();
    const total = 100_000;
    const base = finding('unused', 'app/key');
    for (let start = 0; start < total; start += 100) {
      sample.add(Array.from({ length: 100 }, (_, i) => ({ ...base, secret: { ...base.secret, name: `app/key-${start + i}` } })));
    }
    const counts = { ...emptyCounts(), secrets: total, findings: total, byRule: { unused: total } };

    // Act
    const [table = ''] = checkTables(counts, sample);

    // Assess
    expect(sample.of('unused')).toHaveLength(REPORT_ROWS_PER_CHECK);
    expect(table.split('\n').filter((line) => line.includes('app/key-'))).toHaveLength(REPORT_ROWS_PER_CHECK);
    expect(table).toContain(`… and ${total - REPORT_ROWS_PER_CHECK} more: use --output findings.json`);
  });
});

describe('scan report: the header', () => {
  it('says which account and region were read, how, against which policy and stage, and when', () => {
    // Act
    const text = renderScanReport({
      context: live,
      counts: countsOf([finding('unused', 'a')]),
      sample: findingSample(),
      complete: true,
      listCalls: 1,
      seconds: 0.2,
      allowEmpty: false,
    });

    // Assess
    const [title, reading, policy, started] = text.split('\n');
    expect(title).toBe('secrets-remediator scan of account 210987654321, region eu-west-1');
    expect(reading).toBe('  reading: live AWS, profile audit');
    expect(policy).toBe('  policy:  policy.yml (stage prod)');
    expect(started).toBe('  started: 2026-11-25T12:00:00.000Z');
  });

  it('says when it read the sandbox, and from which seed', () => {
    const text = renderScanReport({
      context: {
        mode: 'sandbox',
        account: '123456789012',
        region: 'us-east-1',
        policyFile: 'events/policy.yml',
        stage: 'dev',
        startedAt: '2026-11-25T12:00:00.000Z',
        seedFile: 'seed.json',
      },
      counts: countsOf([finding('unused', 'a')]),
      sample: findingSample(),
      complete: true,
      listCalls: 1,
      seconds: 0.2,
      allowEmpty: false,
    });

    expect(text).toContain('  reading: sandbox (in-memory account seeded from seed.json)');
  });
});

describe('scan report: a scan that read no secret', () => {
  it('warns loudly, naming the region and what to check, and says it exits 2', () => {
    // Act
    const warning = emptyScanWarning(emptyCounts(), { ...live, account: undefined, endpoint: 'http://localhost:4566' }, false);

    // Assess
    expect(warning).toMatch(/^WARNING: NO SECRETS FOUND in account unknown, region eu-west-1/);
    expect(warning).toContain('pass --region or set AWS_REGION');
    expect(warning).toContain('aws sts get-caller-identity --profile audit');
    expect(warning).toContain('AWS_ENDPOINT_URL=http://localhost:4566 is set');
    expect(warning).toContain('Exit 2. Pass --allow-empty');
  });

  it('says --allow-empty accepted it, and stays silent when secrets were read', () => {
    expect(emptyScanWarning(emptyCounts(), live, true)).toContain('--allow-empty: not treated as a failure');
    expect(emptyScanWarning(countsOf([finding('unused', 'a')]), live, false)).toBeUndefined();
  });
});
