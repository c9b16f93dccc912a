/**
 * What an alert says happened and what to do next, per rule: the opening line (the event, or the
 * sweep), the rule's own narrative, the incident count, the evidence and the dates as labelled
 * lines; and the next steps in order — the repair, said according to what the service did with
 * it, then what to check — with commands a person can paste, whatever the event put in them.
 */
import { describe, expect, it } from 'vitest';
import { dateLines, evidenceLines, happenedLines, nextSteps } from '../../shared/alerts/advice.js';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { rules } from '../../shared/domain/catalogue.js';
import { accessDeniedBurst, findingForRule, SWEEP_TIME } from './findings.js';

const restore = (outcome: ActionResult['outcome'], reason = 'restored'): ActionResult => ({
  type: 'restore-secret',
  outcome,
  mode: outcome === 'planned' ? 'dry-run' : 'enforce',
  reason,
});

const RESTORE_COMMAND =
  'aws secretsmanager restore-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp';

describe('Function: happenedLines', () => {
  it('opens with the event, its time and the reason, then the evidence, for a rule without a narrative', () => {
    // Act
    const lines = happenedLines(findingForRule('secret-deleted'));

    // Assess
    expect(lines).toStrictEqual([
      'DeleteSecret at 2026-11-24T10:15:00Z: deleted by arn:aws:iam::123456789012:user/alice (iam-user), who is not an allowed admin.',
      { label: 'Recovery window', value: '7 days' },
    ]);
  });

  it("opens with the sweep's own finding when there was no caller, then the rule's narrative", () => {
    // Act
    const [opening, narrative, ...rest] = happenedLines(findingForRule('stale-pending'));

    // Assess
    expect(opening).toBe(
      `The scheduled sweep found this at ${SWEEP_TIME}: version 7c1e… has held AWSPENDING without AWSCURRENT for 3 days, longer than the 24-hour rotation window.`,
    );
    expect(narrative).toMatch(/^A version has held AWSPENDING without AWSCURRENT for longer than the rotation window/);
    expect(rest).toStrictEqual([]);
  });

  it('tells a failed rotation by its step, with the function and the error message as code', () => {
    // Prepare
    const sample = findingForRule('rotation-failed');
    const finding: Finding = {
      ...sample,
      evidence: {
        failingStep: 'setSecret',
        rotationLambdaArn: 'arn:aws:lambda:eu-west-1:123456789012:function:rotate-orders',
        errorMessage: 'connection refused',
      },
    };

    // Act
    const lines = happenedLines(finding);

    // Assess
    expect(lines).toStrictEqual([
      `${sample.event.name} at ${sample.event.time}: the rotation function could not set the new credentials in the database or service.`,
      { label: 'Failing step', value: 'setSecret' },
      { label: 'Rotation function', value: 'arn:aws:lambda:eu-west-1:123456789012:function:rotate-orders', code: true },
      { label: 'Error message', value: 'connection refused', code: true },
    ]);
  });

  it('says so when the error message named no step', () => {
    // Act
    const lines = happenedLines(findingForRule('rotation-failed'));

    // Assess
    expect(lines).toContainEqual({ label: 'Failing step', value: 'not named in the error message' });
    expect(lines[0]).toMatch(/: the rotation failed and the error message named no step\.$/);
  });

  it.each([
    [1, 'And 1 more read by the same or other callers in the same 60-minute window'],
    [4, 'And 4 more reads by the same or other callers in the same 60-minute window'],
  ])('counts %i more into the incident of a rule that groups them', (incidentCount, expected) => {
    // Prepare
    const sample = findingForRule('deleted-secret-in-use');
    const finding: Finding = { ...sample, evidence: { ...sample.evidence, incidentCount } };

    // Act
    const lines = happenedLines(finding);

    // Assess
    expect(lines).toContain(`${expected}: counted into this one alert, not alerted one by one.`);
  });

  it('names the caller in the incident line of a rule that groups per caller', () => {
    // Prepare
    const sample = findingForRule('access-outside-vpce');
    const finding: Finding = { ...sample, evidence: { ...sample.evidence, incidentCount: 2 } };

    // Act
    const lines = happenedLines(finding);

    // Assess
    expect(lines).toContain(
      `And 2 more reads by ${sample.actor.principal} in the same 60-minute window: counted into this one alert, not alerted one by one.`,
    );
  });

  it('adds no incident line for a rule that does not group its findings, whatever the count says', () => {
    // Prepare
    const sample = findingForRule('secret-deleted');
    const finding: Finding = { ...sample, evidence: { ...sample.evidence, incidentCount: 3 } };

    // Act / Assess
    expect(happenedLines(finding)).toStrictEqual(happenedLines(sample));
  });

  it('tells a burst of refused calls: how many, the calls, the secrets as code and the error code', () => {
    // Act
    const lines = happenedLines(accessDeniedBurst());

    // Assess
    expect(lines).toStrictEqual([
      '11 calls refused within 10 minutes for arn:aws:iam::123456789012:role/ci-deployer.',
      { label: 'Refused calls', value: 'GetSecretValue' },
      { label: 'On secrets', value: 'prod/payments/db, prod/orders/db', code: true },
      { label: 'Error code', value: 'AccessDenied' },
    ]);
  });

  it('gives every rule of the catalogue at least one line', () => {
    for (const rule of rules) expect(happenedLines(findingForRule(rule.id)).length, rule.id).toBeGreaterThan(0);
  });
});

describe('Function: evidenceLines', () => {
  it('writes each offending statement with its reasons, and its principals when it names any', () => {
    // Prepare
    const sample = findingForRule('policy-public');
    const finding: Finding = {
      ...sample,
      evidence: {
        offendingStatements: [
          { id: 'AllowEveryone', reasons: ['grants access to everyone (*)', 'no condition'], principals: ['*'] },
          { id: '#1', reasons: ['grants access to another organisation'], principals: [] },
        ],
      },
    };

    // Act / Assess
    expect(evidenceLines(finding)).toStrictEqual([
      { label: 'Statement AllowEveryone', value: 'grants access to everyone (*); no condition (principals: *)' },
      { label: 'Statement #1', value: 'grants access to another organisation' },
    ]);
  });

  it('names the managed rule only where it differs from the Config rule', () => {
    // Prepare
    const sample = findingForRule('rotation-missing');
    const same: Finding = { ...sample, evidence: { configRuleName: 'rotation-check', managedRule: 'rotation-check' } };
    const other: Finding = {
      ...sample,
      evidence: { configRuleName: 'org-rotation', managedRule: 'SECRETSMANAGER_ROTATION_ENABLED_CHECK' },
    };

    // Act / Assess
    expect(evidenceLines(same)).toStrictEqual([{ label: 'Config rule', value: 'rotation-check' }]);
    expect(evidenceLines(other)).toStrictEqual([{ label: 'Config rule', value: 'org-rotation (SECRETSMANAGER_ROTATION_ENABLED_CHECK)' }]);
  });

  it('says which VPC endpoint was used, or none, beside the required ones; the KMS key as code', () => {
    // Prepare
    const sample = findingForRule('access-outside-vpce');
    const finding: Finding = {
      ...sample,
      evidence: { requiredEndpoints: ['vpce-1', 'vpce-2'], vpcEndpointId: 'vpce-9', kmsKeyId: 'alias/aws/secretsmanager' },
    };

    // Act / Assess
    expect(evidenceLines(finding)).toStrictEqual([
      { label: 'KMS key', value: 'alias/aws/secretsmanager', code: true },
      { label: 'Required VPC endpoints', value: 'vpce-1, vpce-2; used: vpce-9' },
    ]);
  });

  it('leaves the error code to the burst narrative when the finding counts refused calls', () => {
    // Prepare
    const burst = accessDeniedBurst();
    const single: Finding = { ...burst, evidence: { errorCode: 'AccessDenied' } };

    // Act / Assess
    expect(evidenceLines(burst)).toStrictEqual([]);
    expect(evidenceLines(single)).toStrictEqual([{ label: 'Error code', value: 'AccessDenied' }]);
  });

  it('writes nothing for a finding without evidence', () => {
    expect(evidenceLines({ ...findingForRule('secret-deleted'), evidence: {} })).toStrictEqual([]);
  });
});

describe('Function: dateLines', () => {
  it('lists the dates a check compared in a fixed order, the pending version as code', () => {
    // Act
    const lines = dateLines(findingForRule('stale-pending'));

    // Assess
    expect(lines).toStrictEqual([
      { label: 'Last rotated', value: '2026-10-23T02:47:31Z' },
      { label: 'AWSPENDING version', value: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', code: true },
      { label: 'AWSPENDING since', value: '2026-11-22T02:47:31Z' },
      { label: 'Threshold', value: '1 day' },
    ]);
  });

  it('says days for any threshold but one, zero included', () => {
    // Prepare
    const sample = findingForRule('unused');

    // Act / Assess
    expect(dateLines({ ...sample, evidence: { thresholdDays: 0 } })).toStrictEqual([{ label: 'Threshold', value: '0 days' }]);
    expect(dateLines({ ...sample, evidence: { thresholdDays: 90 } })).toStrictEqual([{ label: 'Threshold', value: '90 days' }]);
  });

  it('lists nothing for a finding that compared no dates', () => {
    expect(dateLines(findingForRule('policy-public'))).toStrictEqual([]);
  });
});

describe('Function: nextSteps', () => {
  it('gives the repair first with its command, then what to check, when the action has not reported', () => {
    // Act
    const steps = nextSteps(findingForRule('secret-deleted'));

    // Assess
    expect(steps).toStrictEqual([
      { text: 'Restore it before the recovery window ends', command: RESTORE_COMMAND },
      { text: 'Find out who still uses it before letting the deletion go through.' },
    ]);
  });

  it.each([
    ['applied', { text: 'Nothing to repair: the service restored the secret. Check that it holds, and why it happened.' }],
    [
      'planned',
      {
        text: 'Dry run: the service would have restored the secret, and changed nothing. Restore it before the recovery window ends',
        command: RESTORE_COMMAND,
      },
    ],
    [
      'skipped',
      {
        text: 'The service left it (restored). Check before acting; if still needed: restore it before the recovery window ends',
        command: RESTORE_COMMAND,
      },
    ],
    [
      'blocked',
      { text: 'The service could not (blocked): do it by hand. Restore it before the recovery window ends', command: RESTORE_COMMAND },
    ],
    [
      'failed',
      { text: 'The service could not (failed): do it by hand. Restore it before the recovery window ends', command: RESTORE_COMMAND },
    ],
  ] as const)('says the repair according to the outcome: %s', (outcome, expected) => {
    // Act
    const [repair, ...rest] = nextSteps(findingForRule('secret-deleted'), restore(outcome));

    // Assess
    expect(repair).toStrictEqual(expected);
    expect(rest).toStrictEqual([{ text: 'Find out who still uses it before letting the deletion go through.' }]);
  });

  it('gives a rule without a repair only what to check, whatever the result', () => {
    // Prepare
    const finding = findingForRule('secret-force-deleted');

    // Act
    const steps = nextSteps(finding, restore('applied'));

    // Assess
    expect(steps.map((s) => s.text)).toStrictEqual([
      'It cannot be restored. Find what used it, create a new secret and rotate the credentials it held at their source.',
      'Find its readers in CloudTrail',
    ]);
    expect(steps[1]?.command).toBe(
      `aws cloudtrail lookup-events --region ${finding.secret.region} --lookup-attributes AttributeKey=ResourceName,AttributeValue=${finding.secret.arn ?? finding.secret.id}`,
    );
  });

  it('offers to clear the stale AWSPENDING of a failed rotation only when the action planned or failed to, with its version', () => {
    // Prepare
    const finding = findingForRule('rotation-failed');
    const clear = (outcome: ActionResult['outcome'], versionId?: string): ActionResult => ({
      type: 'clear-stale-pending',
      outcome,
      mode: 'enforce',
      reason: 'r',
      ...(versionId ? { versionId } : {}),
    });
    const clearing = (steps: readonly { text: string; command?: string }[]) => steps.filter((s) => s.text.startsWith('Clear the stale'));

    // Act / Assess
    expect(clearing(nextSteps(finding, clear('planned', 'v-1')))).toStrictEqual([
      {
        text: 'Clear the stale AWSPENDING yourself (or let the service do it in enforce mode)',
        command: `aws secretsmanager update-secret-version-stage --secret-id ${finding.secret.id} --version-stage AWSPENDING --remove-from-version-id v-1`,
      },
    ]);
    expect(clearing(nextSteps(finding, clear('failed', 'v-1')))).toHaveLength(1);
    expect(clearing(nextSteps(finding, clear('applied', 'v-1')))).toStrictEqual([]);
    expect(clearing(nextSteps(finding, clear('planned')))).toStrictEqual([]);
    expect(clearing(nextSteps(finding))).toStrictEqual([]);
    expect(nextSteps(finding).at(-1)?.text).toBe('Once fixed, rotate again');
  });

  it("takes a stale pending version from the sweep's evidence when no result names one", () => {
    // Prepare
    const finding = findingForRule('stale-pending');

    // Act
    const [repair] = nextSteps(finding);

    // Assess
    expect(repair?.command).toMatch(/--remove-from-version-id 7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f$/);
  });

  it('names the offending statements to remove, or says to see above when the finding lists none', () => {
    // Prepare
    const finding = findingForRule('policy-public');

    // Act
    const [named] = nextSteps(finding);
    const [unnamed] = nextSteps({ ...finding, evidence: {} });

    // Assess
    expect(named?.text).toBe('Remove the offending statements (AllowEveryone) and put the policy back with --block-public-policy');
    expect(unnamed?.text).toBe('Remove the offending statements (see above) and put the policy back with --block-public-policy');
  });

  it('tests the refused caller against the secret by ARN, and against no resource when the secret has no ARN', () => {
    // Prepare
    const burst = accessDeniedBurst();
    const byName: Finding = { ...burst, secret: { ...burst.secret, id: 'prod/payments/db', arn: undefined } };

    // Act
    const [withArn] = nextSteps(burst);
    const [withoutArn] = nextSteps(byName);

    // Assess
    expect(withArn?.command).toBe(
      `aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/ci-deployer --action-names secretsmanager:GetSecretValue --resource-arns ${burst.secret.arn}`,
    );
    expect(withoutArn?.command).toBe(
      'aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/ci-deployer --action-names secretsmanager:GetSecretValue',
    );
  });

  it('quotes a secret id the shell would split or run, so a pasted command does only what it says', () => {
    // Prepare
    const sample = findingForRule('secret-deleted');
    const finding: Finding = { ...sample, secret: { ...sample.secret, id: "prod/x; rm -rf ~ #'", arn: undefined } };

    // Act
    const [repair] = nextSteps(finding);

    // Assess
    expect(repair?.command).toBe(`aws secretsmanager restore-secret --secret-id 'prod/x; rm -rf ~ #'\\'''`);
  });

  it('gives every rule of the catalogue at least one step', () => {
    for (const rule of rules) expect(nextSteps(findingForRule(rule.id)).length, rule.id).toBeGreaterThan(0);
  });
});
