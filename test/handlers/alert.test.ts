/**
 * The alert handler, a real middy chain over the sandbox account: one alert per finding however
 * often it is delivered, a retry after SNS failed, a finding that plans an action waits for its
 * result, an event of another detail-type is rejected, and a channel that refuses for good
 * settles the invocation as failed rather than having Lambda retry it.
 */
import { describe, expect, it, vi } from 'vitest';
import { type AlertPorts, alertSettingsOf, makeHandler as makeAlert, securityHubReadRole } from '../../shared/handlers/alert.js';
import { memberRoleArn } from '../../shared/domain/organisation-scope.js';
import { SlackWebhookRejectedError } from '../../shared/adapters/slack-webhook.js';
import { TransientAwsError } from '../../shared/errors.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { RecordingChat } from '../../shared/sandbox/recording-chat.js';
import { alertRig, alertSettings, findingEventInItsAccount, findingEventOf, findingFor, SLACK_SECRET_ARN } from '../helpers/alerts.js';

const VALUE_CHANGED = 'value-changed-by-hand/fires.PutSecretValue.authored.by-iam-user.json';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';
import { defaultSandbox } from '../helpers/sandbox.js';

/** The alert function on a sandbox account, with the sample policy's alert settings and an in-memory digest store. */
const alertFor = (ports: Omit<AlertPorts, 'digest'>) =>
  makeAlert({ ...ports, digest: new MemoryDigest() }, { alerts: samplePolicy.alerts });

describe('Handler: alert', () => {
  it('sends one alert per finding, however often it is delivered', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    await alertFor(account)(finding, localContext('classify'));
    const again = await alertFor(account)(structuredClone(finding), localContext('classify'));

    expect(again).toMatchObject({ status: 'duplicate' });
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('sends it again on retry when SNS failed the first time', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');
    const failing = {
      ...account,
      notifier: { publish: vi.fn().mockRejectedValueOnce(new TransientAwsError('Publish: ThrottledException')) },
    };

    await expect(alertFor(failing)(finding, localContext('classify'))).rejects.toThrow(TransientAwsError);
    const retry = await alertFor(account)(finding, localContext('classify'));

    expect(retry).toMatchObject({ status: 'sent' });
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('sends one alert for a finding with no action', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json');

    const outcome = await alertFor(account)(finding, localContext('classify'));

    expect(outcome).toMatchObject({ status: 'sent', subject: '[INFO] rotation-succeeded: Appuser-pyodbc (accountid/us-west-2)' });
    expect(account.notifier.sent).toHaveLength(1);
  });

  it('waits for the result of a finding that plans an action (no second alert)', async () => {
    const account = defaultSandbox();
    const finding = await findingEventInItsAccount('rotation-failed/fires.RotationFailed.authored.set-secret.json');

    const outcome = await alertFor(account)(finding, localContext('classify'));

    expect(outcome).toEqual({ status: 'ignored', reason: 'the finding awaits its remediation result' });
    expect(account.notifier.sent).toEqual([]);
  });

  it('rejects an event of another detail-type and sends nothing', async () => {
    const account = defaultSandbox();

    const outcome = await alertFor(account)(
      loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'),
      localContext('classify'),
    );

    expect(outcome).toEqual({ status: 'rejected', problems: ["detail-type: expected 'Secret Finding' or 'Remediation Result'"] });
    expect(account.notifier.sent).toEqual([]);
  });
});

describe('Handler: alert, a channel refused for good', () => {
  const withSlack = alertSettings({ channels: { slackWebhookSecretArn: SLACK_SECRET_ARN } });

  it('settles an alert Slack refuses as failed, not retried (retrying cannot fix a removed webhook), and a redelivery does not publish to the topic again', async () => {
    // Prepare: the delivery and a later redelivery of the same event both meet a removed webhook.
    const refused = new SlackWebhookRejectedError(
      404,
      'no_service',
      `Slack webhook (secret ${SLACK_SECRET_ARN}) refused the message: HTTP 404 no_service`,
    );
    const chat = new RecordingChat().failNext(refused, 2);
    const rig = alertRig(withSlack, undefined, chat);
    const event = findingFor(await findingEventOf(VALUE_CHANGED), 0);

    // Act
    const outcomes: unknown[] = [];
    for (const time of ['2026-11-25T12:01:00.000Z', '2026-11-25T12:02:00.000Z']) {
      rig.at(time);
      outcomes.push(await rig.alert(structuredClone(event), localContext('alert')));
    }

    // Assess
    const failed = {
      status: 'failed',
      error: 'SlackWebhookRejectedError',
      reason: expect.stringContaining('HTTP 404 no_service') as unknown,
    };
    expect(outcomes).toEqual([failed, failed]);
    expect(rig.ports.notifier.sent).toHaveLength(1);
    expect(chat.sent).toEqual([]);
  });
});

describe('Function: alertSettingsOf and securityHubReadRole', () => {
  it('takes the alert settings from the policy, organisation mode as a flag', () => {
    // Act
    const settings = alertSettingsOf(samplePolicy);

    // Assess
    expect(settings).toStrictEqual({ alerts: samplePolicy.alerts, securityHub: samplePolicy.securityHub, organisation: true });
  });

  it("imports a member's findings through its read role, and the hub's own with the function's credentials", () => {
    // Prepare
    const readRole = securityHubReadRole(samplePolicy, 'dev');
    const hub = { account: '123456789012', region: 'us-east-1' };

    // Act
    const member = readRole({ account: '444455556666', region: 'eu-west-1' }, hub);
    const own = readRole(hub, hub);

    // Assess
    expect(member).toStrictEqual({
      account: '444455556666',
      region: 'eu-west-1',
      session: 'secrets-remediator-alert-securityhub',
      roleArn: memberRoleArn(samplePolicy.organisation, 'dev', 'read', { account: '444455556666', region: 'eu-west-1' }),
    });
    expect(own).toStrictEqual({ ...hub, session: 'secrets-remediator-alert-securityhub' });
  });
});
