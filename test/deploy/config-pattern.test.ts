/**
 * The Config compliance-change pattern follows the policy: Config rules named neither like the
 * managed rule nor like Security Hub's copies are routed once the policy names them — in the
 * replay and in what serverless.yml deploys (built by the same code through the CLI).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import { classify } from '../../shared/domain/classify.js';
import { parsePolicy } from '../../shared/policy/parse-policy.js';
import { configCompliancePattern } from '../../shared/rules/config-pattern.js';
import { matchesPattern } from '../../shared/rules/match-pattern.js';
import { routesFor } from '../../shared/rules/routes.js';
import { loadSampleEvent, repoRoot } from '../helpers/events.js';

const POLICY = `
configRules:
  org-secret-rotation: secretsmanager-rotation-enabled-check
stages:
  prod:
    configRules:
      prod-unused-secrets: secretsmanager-secret-unused
`;

const renamed = (configRuleName: string) => {
  const event = loadSampleEvent<{
    detail: Record<string, unknown> & {
      newEvaluationResult: { evaluationResultIdentifier: { evaluationResultQualifier: Record<string, unknown> } };
    };
  }>('rotation-missing/fires.NON_COMPLIANT.authored.rotation-enabled-check.json');
  event.detail.configRuleName = configRuleName;
  event.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.configRuleName = configRuleName;
  return event;
};

describe('Config compliance-change pattern', () => {
  it('routes and classifies a Config rule the policy names, and only then', () => {
    const policy = parsePolicy(POLICY, { source: 'test', stage: 'prod' });
    const configRoute = routesFor(policy).find((r) => r.name === 'config-compliance-changes');
    const event = renamed('org-secret-rotation');

    expect(matchesPattern(configCompliancePattern({ configRules: {} }), event)).toBe(false);
    expect(configRoute && matchesPattern(configRoute.pattern, event)).toBe(true);
    expect(classify(parseClassifiableEvent(event), { policy })).toMatchObject({
      kind: 'findings',
      findings: [{ rule: 'rotation-missing' }],
    });
    expect(configRoute && matchesPattern(configRoute.pattern, renamed('someone-elses-rule'))).toBe(false);
  });

  it('builds the same pattern for serverless.yml, with the stage overrides applied', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'config-pattern-')), 'policy.yml');
    writeFileSync(file, POLICY);

    const { stdout } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['shared/cli/deployment-facts.ts', 'config-pattern', '--stage', 'prod', file],
      { cwd: repoRoot },
    );

    const pattern = JSON.parse(stdout) as { detail: { configRuleName: unknown[] } };
    expect(pattern).toEqual(configCompliancePattern(parsePolicy(POLICY, { source: file, stage: 'prod' })));
    expect(pattern.detail.configRuleName).toEqual(expect.arrayContaining(['org-secret-rotation', 'prod-unused-secrets']));
  }, 30_000);
});

describe('Rotation functions for the enable-rotation role', () => {
  it('are the functions the stage policy maps, by prefix and default, each once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rotation-functions-')), 'policy.yml');
    const a = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-postgres';
    const b = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-mysql';
    writeFileSync(
      file,
      `rotation:\n  functions:\n    byNamePrefix:\n      "prod/pg/": ${a}\n      "dev/pg/": ${a}\nstages:\n  prod:\n    rotation:\n      functions:\n        default: ${b}\n`,
    );

    const { stdout } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['shared/cli/deployment-facts.ts', 'rotation-functions', '--stage', 'prod', file],
      { cwd: repoRoot },
    );

    expect(JSON.parse(stdout)).toEqual([b, a]);
  }, 30_000);
});
