/**
 * The read-calls pattern lets through only the reads that can fire, and every one of those: by
 * name, full ARN or partial ARN, through no endpoint or one the policy does not allow; within
 * EventBridge's length limit, coarser (never lossy) when the policy is too long for it; the same
 * for serverless.yml as for the replay.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { measureReads, readsPolicy, readStream } from '../../bench/reads.js';
import { rules } from '../../shared/domain/catalogue.js';
import { parsePolicy } from '../../shared/policy/parse-policy.js';
import type { Policy } from '../../shared/policy/schema.js';
import apiCalls from '../../shared/rules/secretsmanager-api-calls.pattern.json' with { type: 'json' };
import { compilePattern, matchesPattern } from '../../shared/rules/match-pattern.js';
import {
  patternLength,
  READ_CALLS_PATTERN_MAX_CHARS,
  readCallsPattern,
  readCallsPatternOf,
} from '../../shared/rules/read-calls-pattern.js';
import { routesFor } from '../../shared/rules/routes.js';
import { repoRoot } from '../helpers/events.js';

const PAYMENTS = 'vpce-0a1b2c3d4e5f67890';
const OTHER = 'vpce-0d1e2f3a4b5c67890';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:';

const read = (detail: Record<string, unknown>) => ({
  source: 'aws.secretsmanager',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventSource: 'secretsmanager.amazonaws.com', eventName: 'GetSecretValue', ...detail },
});
const getSecretValue = (secretId: string, vpcEndpointId?: string) =>
  read({ requestParameters: { secretId }, ...(vpcEndpointId ? { vpcEndpointId } : {}) });

const policyWith = (vpcEndpoints: Policy['vpcEndpoints']): Pick<Policy, 'vpcEndpoints'> => ({ vpcEndpoints });

describe('Read-calls pattern', () => {
  const pattern = readCallsPattern(readsPolicy());

  it.each([
    ['a name', 'prod/payments/db'],
    ['a full ARN', `${ARN}prod/payments/db-AbCdEf`],
    ['a partial ARN', `${ARN}prod/payments/db`],
    ['a name matching a glob with a star inside', 'prod/eu/card-vault'],
    ['the full ARN of that name', `${ARN}prod/eu/card-vault-AbCdEf`],
    ['the partial ARN of that name', `${ARN}prod/eu/card-vault`],
  ])('lets through a read of %s the policy names, through no endpoint or another one, and not through its own', (_form, secretId) => {
    expect(matchesPattern(pattern, getSecretValue(secretId))).toBe(true);
    expect(matchesPattern(pattern, getSecretValue(secretId, OTHER))).toBe(true);
    expect(matchesPattern(pattern, getSecretValue(secretId, PAYMENTS))).toBe(false);
  });

  it('lets through a secret read through an endpoint another entry allows, since its own entry decides', () => {
    expect(matchesPattern(pattern, getSecretValue('prod/payments/db', 'vpce-0b1c2d3e4f5a67890'))).toBe(true);
    expect(matchesPattern(pattern, getSecretValue('prod/ledger/main', 'vpce-0b1c2d3e4f5a67890'))).toBe(false);
  });

  it.each(['prod/orders/db', 'prod/payments-legacy/db', `${ARN}prod/ledgers/archive-AbCdEf`, `${ARN}prod/eu/vault`])(
    'holds back a plain read of %s',
    (secretId) => {
      expect(matchesPattern(pattern, getSecretValue(secretId))).toBe(false);
    },
  );

  it('lets through a batch read when one secret of its list needs an endpoint, and not one by filters', () => {
    const batch = (requestParameters: Record<string, unknown>) => read({ eventName: 'BatchGetSecretValue', requestParameters });
    expect(matchesPattern(pattern, batch({ secretIdList: ['prod/orders/db', `${ARN}prod/ledger/main-AbCdEf`] }))).toBe(true);
    expect(matchesPattern(pattern, batch({ secretIdList: ['prod/orders/db', 'prod/catalog/api-key'] }))).toBe(false);
    expect(matchesPattern(pattern, batch({ filters: [{ key: 'name', values: ['prod/payments/'] }] }))).toBe(false);
  });

  it('lets through every refused call and a read of a secret marked for deletion, whatever the policy', () => {
    const bare = readCallsPattern(policyWith([]));
    for (const p of [bare, pattern]) {
      expect(
        matchesPattern(p, read({ eventName: 'PutSecretValue', errorCode: 'AccessDeniedException', requestParameters: { secretId: 'x' } })),
      ).toBe(true);
      expect(matchesPattern(p, read({ errorCode: 'AccessDenied', requestParameters: { secretId: 'prod/orders/db' } }))).toBe(true);
      expect(matchesPattern(p, read({ errorCode: 'InvalidRequestException', requestParameters: { secretId: 'prod/orders/db' } }))).toBe(
        true,
      );
      expect(matchesPattern(p, read({ errorCode: 'ThrottlingException', requestParameters: { secretId: 'prod/orders/db' } }))).toBe(false);
    }
    expect(matchesPattern(bare, getSecretValue('prod/payments/db'))).toBe(false);
  });

  it('never lets through a successful write, which the API-call rule delivers already', () => {
    const write = read({ eventName: 'PutSecretValue', requestParameters: { secretId: 'prod/payments/db' } });
    expect(matchesPattern(apiCalls, write)).toBe(true);
    expect(matchesPattern(pattern, write)).toBe(false);
  });

  it('is written for every rule a read or a refused call can fire, and no other (a new one must be added there)', () => {
    const apiCallNames = new Set(apiCalls.detail.eventName);
    const readRules = rules
      .filter((rule) =>
        rule.triggers.some(
          (t) =>
            t.source === 'denied-call' ||
            (t.source === 'cloudtrail' &&
              (t.failedCalls === true || t.eventNames.some((n) => /^(Get|BatchGet|Describe|List)/.test(n) && !apiCallNames.has(n)))),
        ),
      )
      .map((rule) => rule.id);
    expect(readRules.sort()).toEqual(['access-denied-burst', 'access-outside-vpce', 'deleted-secret-in-use']);
  });

  it("stays within EventBridge's length limit, and grows coarser, never lossy, for a long policy", () => {
    const many = policyWith(
      Array.from({ length: 8 }, (_, i) => ({ secrets: [`team-${i}/*`], endpoints: [`vpce-0a1b2c3d4e5f6${String(7000 + i)}`] })),
    );
    const huge = policyWith(
      Array.from({ length: 60 }, (_, i) => ({ secrets: [`a-very-long-team-name-${i}/*/credentials`], endpoints: [PAYMENTS] })),
    );
    const results = [readCallsPatternOf(readsPolicy()), readCallsPatternOf(many), readCallsPatternOf(huge)];

    expect(results.map((r) => r.precision)).toEqual(['tight', 'named-secrets', 'every-read']);
    for (const { pattern: p } of results) expect(patternLength(p)).toBeLessThanOrEqual(READ_CALLS_PATTERN_MAX_CHARS);
    expect(matchesPattern(results[1]?.pattern ?? {}, getSecretValue(`${ARN}team-7/billing/db-AbCdEf`, PAYMENTS))).toBe(true);
    expect(matchesPattern(results[2]?.pattern ?? {}, getSecretValue('anything'))).toBe(true);
  });

  it("collapses ** and escapes a backslash, as EventBridge's wildcard needs", () => {
    const p = readCallsPattern(policyWith([{ secrets: ['prod/**/x\\y'], endpoints: [PAYMENTS] }]));
    expect(JSON.stringify(p)).not.toContain('**');
    expect(matchesPattern(p, getSecretValue('prod/a/b/x\\y'))).toBe(true);
  });

  it('is the pattern the replay routes by', () => {
    expect(routesFor({ ...readsPolicy() }).find((r) => r.name === 'secretsmanager-read-calls')?.pattern).toEqual(pattern);
  });

  it('is the pattern serverless.yml deploys for the stage', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'read-calls-pattern-')), 'policy.yml');
    const yaml = `vpcEndpoints:\n  - secrets: ['dev/*']\n    endpoints: [${OTHER}]\nstages:\n  prod:\n    vpcEndpoints:\n      - secrets: ['prod/payments/*']\n        endpoints: [${PAYMENTS}]\n`;
    writeFileSync(file, yaml);

    const { stdout } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['shared/cli/deployment-facts.ts', 'read-calls-pattern', '--stage', 'prod', file],
      { cwd: repoRoot },
    );

    expect(JSON.parse(stdout)).toEqual(readCallsPattern(parsePolicy(yaml, { source: file, stage: 'prod' })));
    expect(stdout).toContain('prod/payments/');
  }, 30_000);
});

describe("Read-calls pattern on a stream of reads (the bench's mix, 5,000 reads)", () => {
  it('loses no finding against classifying every read, and lets no plain read through', () => {
    const result = measureReads(5000);
    const matches = compilePattern(readCallsPattern(readsPolicy()));
    const plainLetThrough = [...readStream(5000)].filter(({ kind, event }) => kind === 'plain' && matches(event)).length;

    expect(result.lost).toEqual([]);
    expect(result.findingsTight).toEqual(result.findingsEveryRead);
    expect(Object.keys(result.findingsByRule).sort()).toEqual(['access-denied-burst', 'access-outside-vpce', 'deleted-secret-in-use']);
    expect(result.byKind.plain).toBeGreaterThan(4900);
    expect(plainLetThrough).toBe(0);
    expect(result.invocations).toBeLessThan(result.reads - (result.byKind.plain ?? 0) + 1);
  });
});
