/**
 * The alert on-call reads by email (the plain-text rendering, plain-text.ts): what happened,
 * which step, who, what was done, what to do next.
 */
import { describe, expect, it } from 'vitest';
import { parseClassifiableEvent } from '../../shared/contracts/cloudtrail-event.js';
import type { ActionResult, Finding } from '../../shared/contracts/finding.js';
import { renderFinding } from '../../shared/alerts/render.js';
import { classify } from '../../shared/domain/classify.js';
import { classifyContext } from '../helpers/policy.js';
import { loadPublishedFixture, loadSampleEvent } from '../helpers/events.js';

/** The alert on-call reads by email: the SNS rendering of a finding and its action's result. */
const renderAlert = (finding: Finding, result?: ActionResult) => renderFinding(finding, result).sns;

const findingFrom = (raw: unknown): Finding => {
  const result = classify(parseClassifiableEvent(raw), classifyContext);
  if (result.kind !== 'findings' || !result.findings[0]) throw new Error('expected a finding');
  return result.findings[0];
};

const payments = () => findingFrom(loadSampleEvent('rotation-failed/fires.RotationFailed.authored.set-secret.json'));

const result = (overrides: Partial<ActionResult>): ActionResult => ({
  type: 'clear-stale-pending',
  outcome: 'applied',
  mode: 'enforce',
  reason: 'cleared AWSPENDING: version v3 holds AWSPENDING left by the failed rotation',
  versionId: 'v3',
  before: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] },
  after: { v1: ['AWSCURRENT'] },
  ...overrides,
});

describe('Function: renderAlert', () => {
  it('says what happened, the failing step and its advice, who, what was done, and what next', () => {
    const alert = renderAlert(payments(), result({}));

    expect(alert.subject).toBe('[HIGH] rotation-failed: prod/payments/db (123456789012/us-east-1)');
    expect(alert.body).toContain(
      'RotationFailed at 2026-11-22T02:47:31Z: the rotation function could not set the new credentials in the database or service.',
    );
    expect(alert.body).toContain('Failing step: setSecret');
    expect(alert.body).toContain('Rotation function: arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation');
    expect(alert.body).toContain('Check that the function can reach the database');
    expect(alert.body).toContain('secretsmanager.amazonaws.com (aws-service)');
    expect(alert.body).toContain('clear-stale-pending: applied — done');
    expect(alert.body).toContain('version stages before: v1 [AWSCURRENT]; v3 [AWSPENDING]');
    expect(alert.body).toContain('version stages after: v1 [AWSCURRENT]');
    expect(alert.body).toContain(
      'Once fixed, rotate again: aws secretsmanager rotate-secret --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op',
    );
    expect(alert.body).toContain(
      'https://us-east-1.console.aws.amazon.com/secretsmanager/secret?name=prod%2Fpayments%2Fdb&region=us-east-1',
    );
    expect(alert.body).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/9e3f1074-5c6d-4eaf-9021-4c3d5e6f7083',
    );
    expect(alert.attributes).toEqual({
      severity: 'high',
      rule: 'rotation-failed',
      account: '123456789012',
      region: 'us-east-1',
      secret: 'prod/payments/db',
    });
  });

  it('says "would have" in dry run, and gives the command to clear it by hand', () => {
    const alert = renderAlert(payments(), result({ outcome: 'planned', mode: 'dry-run', reason: 'dry run: would clear AWSPENDING' }));

    expect(alert.body).toContain('clear-stale-pending: planned — would have done this (dry run: nothing was changed)');
    expect(alert.body).toContain('version stages after (planned): v1 [AWSCURRENT]');
    expect(alert.body).toContain(
      'aws secretsmanager update-secret-version-stage --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op --version-stage AWSPENDING --remove-from-version-id v3',
    );
  });

  it('says FAILED with the reason, and gives the manual command', () => {
    const alert = renderAlert(
      payments(),
      result({ outcome: 'failed', reason: 'access denied: UpdateSecretVersionStage', after: { v1: ['AWSCURRENT'], v3: ['AWSPENDING'] } }),
    );

    expect(alert.body).toContain('clear-stale-pending: failed — FAILED');
    expect(alert.body).toContain('access denied: UpdateSecretVersionStage');
    expect(alert.body).not.toContain('version stages after');
    expect(alert.body).toContain('--remove-from-version-id v3');
  });

  it('for a finding with no action says the service did nothing', () => {
    const alert = renderAlert(findingFrom(loadPublishedFixture('RotationSucceeded.eventbridge.aws-blog.json')));

    expect(alert.subject).toBe('[INFO] rotation-succeeded: Appuser-pyodbc (accountid/us-west-2)');
    expect(alert.body).toContain('nothing: this finding plans no action');
    expect(alert.body).toContain("account 'accountid' is not a 12-digit AWS account id");
  });

  it('renders the published, redacted RotationFailed as on-call would read it', () => {
    const alert = renderAlert(
      findingFrom(loadPublishedFixture('RotationFailed.eventbridge.umccr.json')),
      result({ versionId: '9d4e', before: { a: ['AWSCURRENT'], '9d4e': ['AWSPENDING'] }, after: { a: ['AWSCURRENT'] } }),
    );

    expect(alert.subject).toBe('[HIGH] rotation-failed: IcaS...icA (843407916570/ap-southeast-2)');
    expect(alert.body).toContain("secret ARN is redacted ('...'): its name could not be derived");
    expect(alert.body).not.toContain('secretsmanager/secret?name=');
    expect(alert).toMatchSnapshot();
  });

  it('never carries a secret value that an event field holds', () => {
    // Prepare: a value where a careless renderer might pick it up.
    const raw = loadSampleEvent<{ detail: Record<string, unknown> }>('rotation-failed/fires.RotationFailed.authored.set-secret.json');
    const secretValue = 'S3cr3t-Value-9f8e7d6c5b4a';
    raw.detail.requestParameters = { secretString: secretValue, secretId: 'prod/payments/db' };
    raw.detail.responseElements = { secretString: secretValue };
    raw.detail.additionalEventData = { ...(raw.detail.additionalEventData as object), SecretString: secretValue };

    // Act
    const alert = renderAlert(findingFrom(raw), result({}));

    // Assess
    expect(JSON.stringify(alert)).not.toContain(secretValue);
  });
});
