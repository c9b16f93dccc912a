/**
 * Which rule sends what to which function: each event the service meets reaches exactly the
 * function it is for, by the same patterns serverless.yml deploys (the packaged template is held
 * to this table in test/deploy/template.test.ts); the patterns that follow the policy follow it,
 * and the schedules are the digest's minute and the policy's sweep.
 */
import { describe, expect, it } from 'vitest';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { resultBusEvent } from '../../shared/contracts/finding.js';
import { compilePattern } from '../../shared/rules/match-pattern.js';
import { type Route, routes, routesFor, schedulesFor, securityHubRoute } from '../../shared/rules/routes.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { findingFromRecord, findingOnProjectBus } from '../helpers/records.js';

/** The names of the routes of `table` whose pattern matches `event`. */
const routedBy = (table: readonly Route[], event: unknown): string[] =>
  table.filter((route) => compilePattern(route.pattern)(event)).map((route) => route.name);

const deletion = (): Finding => findingFromRecord('secret-deleted/fires.DeleteSecret.authored.by-developer.json', 'secret-deleted');

/** `event` on the project bus as the service puts it there. */
const onProjectBus = (detailType: string, detail: unknown) => ({ ...findingOnProjectBus(deletion()), 'detail-type': detailType, detail });

describe('Table: routes', () => {
  it('names each route once, sends the default bus to classify only, and gives only the read-calls rule a state', () => {
    // Act
    const names = routes.map((route) => route.name);
    const fromDefault = new Set(routes.filter((route) => route.bus === 'default').map((route) => route.target));
    const withState = routes.filter((route) => route.state !== undefined).map((route) => route.name);

    // Assess
    expect(new Set(names).size).toBe(names.length);
    expect(fromDefault).toStrictEqual(new Set(['classify']));
    expect(withState).toStrictEqual(['secretsmanager-read-calls']);
  });

  it.each([
    ['a rotation that failed', 'rotation-failed/fires.RotationFailed.authored.set-secret.json', ['rotation-service-events']],
    ['a DeleteSecret', 'secret-deleted/fires.DeleteSecret.authored.by-developer.json', ['secretsmanager-api-calls']],
    ['a read', 'deleted-secret-in-use/fires.GetSecretValue.authored.marked-for-deletion.json', ['secretsmanager-read-calls']],
    ['a Config compliance change', 'unused/fires.NON_COMPLIANT.authored.secret-unused.json', ['config-compliance-changes']],
  ])('sends %s on the default bus to classify by one rule', (_label, sample, expected) => {
    // Act
    const matched = routedBy(routes, loadSampleEvent(sample));

    // Assess
    expect(matched).toStrictEqual(expected);
  });

  it.each<[string, Finding['actions'], string]>([
    ['clear-stale-pending', ['clear-stale-pending'], 'clear-stale-pending-findings'],
    ['enable-rotation', ['enable-rotation'], 'enable-rotation-findings'],
    ['restore-secret', ['restore-secret'], 'restore-secret-findings'],
    ['remove-public-statements', ['remove-public-statements'], 'remove-public-statements-findings'],
  ])('sends a finding that plans %s to that action alone', (_label, actions, expected) => {
    // Prepare
    const finding: Finding = { ...deletion(), actions, needsRemediation: true };

    // Act
    const matched = routedBy(routes, findingOnProjectBus(finding));

    // Assess
    expect(matched).toStrictEqual([expected]);
  });

  it('sends a finding that plans nothing straight to alert, and every result to alert', () => {
    // Prepare
    const finding: Finding = { ...deletion(), actions: [], needsRemediation: false };
    const result: ActionResult = { type: 'restore-secret', outcome: 'applied', reason: 'restored', mode: 'enforce' };
    const { detailType, detail } = resultBusEvent({ finding: deletion(), result });

    // Act
    const forFinding = routedBy(routes, findingOnProjectBus(finding));
    const forResult = routedBy(routes, onProjectBus(detailType, detail));

    // Assess
    expect(forFinding).toStrictEqual(['alert-findings-without-actions']);
    expect(forResult).toStrictEqual(['alert-remediation-results']);
  });

  it.each(['Sweep Continuation', 'Sweep Shard'])('sends a %s to sweep', (detailType) => {
    // Act
    const matched = routedBy(routes, onProjectBus(detailType, {}));

    // Assess
    expect(matched).toStrictEqual(['sweep-continuations']);
  });

  it('routes nothing that claims the service as its source on the default bus, nor AWS events on the project bus', () => {
    // Prepare
    const forgedFromAws = { ...findingOnProjectBus(deletion()), source: 'aws.secretsmanager' };

    // Act
    const matched = routedBy(
      routes.filter((route) => route.bus === 'project'),
      forgedFromAws,
    );

    // Assess
    expect(matched).toStrictEqual([]);
  });
});

describe('Function: routesFor', () => {
  const empty = { configRules: {}, vpcEndpoints: [] };

  it('is the table itself for an empty policy with Security Hub off', () => {
    // Act
    const deployed = routesFor(empty);

    // Assess
    expect(deployed).toStrictEqual(routes);
  });

  it("matches a Config rule by the policy's own name for it", () => {
    // Prepare
    const change = loadSampleEvent<{ detail: Record<string, unknown> }>('unused/fires.NON_COMPLIANT.authored.secret-unused.json');
    change.detail.configRuleName = 'sm-unused-abc123';

    // Act
    const without = routedBy(routesFor(empty), change);
    const withAlias = routedBy(routesFor({ ...empty, configRules: { 'sm-unused-abc123': 'secretsmanager-secret-unused' } }), change);

    // Assess
    expect(without).toStrictEqual([]);
    expect(withAlias).toStrictEqual(['config-compliance-changes']);
  });

  it("lets through the reads of the secrets the policy's vpcEndpoints name", () => {
    // Prepare: a read through no endpoint of prod/payments/db, which the sample policy requires an endpoint for.
    const read = loadSampleEvent('access-outside-vpce/fires.GetSecretValue.authored.no-endpoint.json');

    // Act
    const withoutEndpoints = routedBy(routesFor(empty), read);
    const withEndpoints = routedBy(routesFor(samplePolicy), read);

    // Assess
    expect(withoutEndpoints).toStrictEqual([]);
    expect(withEndpoints).toStrictEqual(['secretsmanager-read-calls']);
  });

  it("takes Security Hub's control findings only when the policy turns Security Hub on", () => {
    // Prepare
    const control = loadSampleEvent('rotation-missing/fires.SecurityHub.authored.SecretsManager.1.json');

    // Act
    const off = routedBy(routesFor({ ...empty, securityHub: { enabled: false } }), control);
    const on = routedBy(routesFor({ ...empty, securityHub: { enabled: true } }), control);

    // Assess
    expect(off).toStrictEqual([]);
    expect(on).toStrictEqual([securityHubRoute.name]);
  });
});

describe('Function: schedulesFor', () => {
  it("runs the digest every minute and the sweep on the policy's schedule", () => {
    // Act
    const schedules = schedulesFor({ sweep: { ...samplePolicy.sweep, schedule: 'cron(0 6 * * ? *)' } });

    // Assess
    expect(schedules).toStrictEqual([
      { target: 'alert-digest', expression: 'rate(1 minute)' },
      { target: 'sweep', expression: 'cron(0 6 * * ? *)' },
    ]);
  });
});
