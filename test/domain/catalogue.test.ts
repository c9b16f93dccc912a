/**
 * Meta-tests over the rule catalogue: each rule is wired end to end — a pattern routes its
 * trigger to classify, its actions exist (or are marked not deployed), and it has a sample that
 * fires it and one that must not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionTypeSchema, findingSchema } from '../../shared/contracts/finding.js';
import { RULE_IDS } from '../../shared/contracts/rule-ids.js';
import { ruleTable, RULES_DOC, tableIn } from '../../scripts/docs-rules.js';
import { actionDefinitions } from '../../shared/actions/registry.js';
import { MANAGED_RULES } from '../../shared/contracts/config-event.js';
import { ruleById, rules } from '../../shared/domain/catalogue.js';
import { matchesPattern } from '../../shared/rules/match-pattern.js';
import { routes, routesFor } from '../../shared/rules/routes.js';
import { samplePolicy } from '../helpers/policy.js';
import { repoRoot, sampleEventFiles } from '../helpers/events.js';

// The routes as deployed for the sample world's policy: its vpcEndpoints shape the read-calls pattern.
const classifyRoutes = routesFor(samplePolicy).filter((r) => r.bus === 'default' && r.target === 'classify');

/**
 * What a read must carry before its rule can fire: the deployed read-calls pattern lets through
 * only such reads (a plain successful read of a secret no endpoint rule names reaches nothing).
 */
const canFire: Readonly<Record<string, Record<string, unknown>>> = {
  'deleted-secret-in-use': {
    errorCode: 'InvalidRequestException',
    errorMessage: 'You cannot perform this operation because the secret is marked for deletion.',
  },
  'access-outside-vpce': { requestParameters: { secretId: 'prod/payments/db', secretIdList: ['prod/payments/db'] } },
};

/** The smallest event of each trigger, as EventBridge would deliver it. */
const cloudTrailEvent = (detailType: string, eventName: string, errorCode?: string, extra: Record<string, unknown> = {}) => ({
  source: 'aws.secretsmanager',
  'detail-type': detailType,
  detail: { eventSource: 'secretsmanager.amazonaws.com', eventName, ...(errorCode ? { errorCode } : {}), ...extra },
});
const configEvent = (configRuleName: string) => ({
  source: 'aws.config',
  'detail-type': 'Config Rules Compliance Change',
  detail: {
    messageType: 'ComplianceChangeNotification',
    resourceType: 'AWS::SecretsManager::Secret',
    configRuleName,
    newEvaluationResult: { complianceType: 'NON_COMPLIANT' },
  },
});

/** Security Hub's control finding for `control`, FAILED, as its "Findings - Imported" event carries it. */
const securityHubEvent = (control: string) => ({
  source: 'aws.securityhub',
  'detail-type': 'Security Hub Findings - Imported',
  detail: {
    findings: [
      {
        ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
        Compliance: { SecurityControlId: control, Status: 'FAILED' },
        RecordState: 'ACTIVE',
        Workflow: { Status: 'NEW' },
        Resources: [{ Type: 'AwsSecretsManagerSecret', Id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/x-AbCdEf' }],
      },
    ],
  },
});

const samplesOf = (ruleId: string, kind: 'fires' | 'silent') => sampleEventFiles().filter((f) => f.startsWith(`${ruleId}/${kind}.`));

describe('Table: rules', () => {
  it('covers every rule of the catalogue (events, Config and the sweep) and every sweep check', () => {
    expect(rules.map((r) => r.id).sort()).toEqual(
      [
        'abac-tag-changed',
        'access-denied-burst',
        'access-outside-vpce',
        'default-kms-key',
        'deleted-secret-in-use',
        'policy-public',
        'policy-removed',
        'replication-removed',
        'resource-policy-missing',
        'rotation-disabled',
        'rotation-failed',
        'rotation-missing',
        'rotation-overdue',
        'rotation-succeeded',
        'secret-deleted',
        'secret-force-deleted',
        'scheduled-for-deletion',
        'stale-pending',
        'unused',
        'value-changed-by-hand',
      ].sort(),
    );
  });

  it('has unique ids', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it.each([
    ['rotation-failed', 'high', 'SecretsManager.2'],
    ['rotation-disabled', 'medium', 'SecretsManager.1'],
    ['rotation-missing', 'medium', 'SecretsManager.1'],
    ['rotation-overdue', 'high', 'SecretsManager.4'],
    ['secret-deleted', 'critical', undefined],
    ['secret-force-deleted', 'critical', undefined],
    ['policy-public', 'critical', undefined],
    ['unused', 'low', 'SecretsManager.3'],
    ['rotation-succeeded', 'info', 'SecretsManager.2'],
    ['access-denied-burst', 'medium', undefined],
  ])('gives %s severity %s and control %s, as the catalogue promises', (id, severity, control) => {
    const rule = rules.find((r) => r.id === id);

    expect(rule?.severity).toBe(severity);
    expect(rule?.control).toBe(control);
  });

  it.each(rules.map((r) => [r.id, r] as const))('routes every trigger of %s to classify through a real pattern', (_id, rule) => {
    for (const trigger of rule.triggers) {
      // The sweep is no event: its checks are held to the table in test/sweep.
      if (trigger.source === 'sweep') continue;
      const events =
        trigger.source === 'cloudtrail'
          ? trigger.eventNames.map((name) => cloudTrailEvent(trigger.detailType, name, undefined, canFire[rule.id]))
          : trigger.source === 'denied-call'
            ? // Any call: a read, a write, and one that names no secret, with both spellings of the code.
              ['GetSecretValue', 'DeleteSecret', 'ListSecrets'].flatMap((name) =>
                [trigger.errorCodePrefix, `${trigger.errorCodePrefix}Exception`].map((code) =>
                  cloudTrailEvent(trigger.detailType, name, code),
                ),
              )
            : trigger.source === 'securityhub'
              ? trigger.controls.map(securityHubEvent)
              : trigger.managedRules.flatMap((managed) => [configEvent(managed), configEvent(`securityhub-${managed}-a1b2c3`)]);
      for (const event of events) {
        expect(
          classifyRoutes.some((route) => matchesPattern(route.pattern, event)),
          JSON.stringify(event),
        ).toBe(true);
      }
    }
  });

  it('routes no Config rule other than the five managed ones', () => {
    expect(classifyRoutes.some((route) => matchesPattern(route.pattern, configEvent('my-own-secrets-check')))).toBe(false);
    expect(MANAGED_RULES.every((managed) => classifyRoutes.some((route) => matchesPattern(route.pattern, configEvent(managed))))).toBe(
      true,
    );
  });

  const eventTriggered = rules.filter((r) => r.triggers.some((t) => t.source !== 'sweep'));
  it.each(eventTriggered.map((r) => [r.id] as const))('has a sample event that fires %s and one that must not', (id) => {
    expect(samplesOf(id, 'fires').length).toBeGreaterThanOrEqual(1);
    expect(samplesOf(id, 'silent').length).toBeGreaterThanOrEqual(1);
  });

  it('has no sample folder that is not a rule', () => {
    const folders = new Set(sampleEventFiles().map((f) => f.split('/')[0]));

    expect([...folders].filter((folder) => !rules.some((r) => r.id === folder))).toEqual([]);
  });

  it('plans only actions that exist, and every action has a definition and a route to its function', () => {
    for (const rule of rules) for (const action of rule.actions) expect(ActionTypeSchema.options).toContain(action);

    expect(Object.keys(actionDefinitions).sort()).toEqual([...ActionTypeSchema.options].sort());
    for (const type of ActionTypeSchema.options) expect(routes.some((r) => r.bus === 'project' && r.target === type)).toBe(true);
  });

  it('states each condition in words', () => {
    for (const rule of rules) expect(rule.condition.length, rule.id).toBeGreaterThan(5);
  });
});

describe('docs/rules.md: rule catalogue', () => {
  const catalogue = readFileSync(join(repoRoot, 'docs', 'rules.md'), 'utf8');

  it('lists every rule with its severity in the summary table', () => {
    for (const rule of rules) expect(catalogue, rule.id).toMatch(new RegExp(`^\\| \`${rule.id}\` \\|.*\\| ${rule.severity} \\|`, 'm'));
  });

  it('gives every rule a section of its own, so docs/rules.md#<rule-id> links to it', () => {
    const headings = [...catalogue.matchAll(/^## (\S+)$/gm)].map((match) => match[1]);

    expect(rules.map((rule) => rule.id).filter((id) => !headings.includes(id))).toEqual([]);
  });
});

describe('Catalogue: one entry per rule id', () => {
  it('holds exactly the ids a finding may name, once each, in their order', () => {
    expect(rules.map((rule) => rule.id)).toEqual([...RULE_IDS]);
  });

  it('finds every rule by its id', () => {
    for (const id of RULE_IDS) expect(ruleById(id).id).toBe(id);
  });

  it('refuses a finding that names a rule the catalogue does not have', () => {
    const result = findingSchema().shape.rule.safeParse('rotation-forgotten');

    expect(result.success).toBe(false);
  });
});

describe('docs/rules.md: the rule table', () => {
  it('is the table the catalogue generates', () => {
    const table = tableIn(readFileSync(RULES_DOC, 'utf8'));

    expect(table, 'docs/rules.md differs from the rule catalogue: run npm run docs:rules').toBe(ruleTable());
  });
});
