/**
 * The classify handler, a real middy chain over the sandbox account: one Secret Finding per
 * finding; bad input is answered `rejected` with what is missing and publishes nothing; a
 * throttled bus fails the invocation so Lambda retries it. Events from another account never
 * act on this one: classify answers `ignored`, with the reason, and publishes nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { makeHandler as makeClassify } from '../../shared/handlers/classify.js';
import { TransientAwsError } from '../../shared/errors.js';
import { placeNamedBy } from '../../shared/replay/chain.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { loadSampleEvent } from '../helpers/events.js';
import { classifyContext, samplePolicy } from '../helpers/policy.js';
import { defaultSandbox, fixedClock, sandboxWith } from '../helpers/sandbox.js';

/** classify's context in the account and region the event names, as the deployment that received it would run. */
const inAccountOf = (event: unknown) => localContext('classify', placeNamedBy(event).account, placeNamedBy(event).region);
/** The account and region the published RotationFailed sample was captured in. */
const UMCCR_ACCOUNT = '843407916570';
const UMCCR_REGION = 'ap-southeast-2';
/** A single-account deployment (organisation mode off), of the sample policy otherwise. */
const singleAccount = { policy: { ...samplePolicy, organisation: { ...samplePolicy.organisation, enabled: false } } };

describe('Handler: classify', () => {
  it('publishes one Secret Finding per finding and answers with their ids', async () => {
    const account = defaultSandbox();

    const event = loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json');
    const outcome = await makeClassify(account, classifyContext)(event, inAccountOf(event));

    expect(outcome).toEqual({ status: 'published', findings: ['d82e0a2d-f36e-11fd-37cb-cba423a71196/rotation-failed'] });
    expect(account.bus.published).toHaveLength(1);
    expect(account.bus.published[0]).toMatchObject({
      source: 'secrets-remediator',
      'detail-type': 'Secret Finding',
      resources: ['arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA'],
      detail: { rule: 'rotation-failed', actions: ['clear-stale-pending'], needsRemediation: true },
    });
  });

  it.each([
    ['text that is not JSON', 'not json at all', /^event: not JSON/],
    ['an event without the envelope', { detail: {} }, /^version: missing/],
    [
      'a bare CloudTrail record',
      loadSampleEvent('default-kms-key/fires.CreateSecret.published-awsdocs.cloudtrail-record.json'),
      /bare CloudTrail record/,
    ],
  ])('rejects %s, naming what is missing, and publishes nothing', async (_label, raw, problem) => {
    const account = defaultSandbox();

    const outcome = await makeClassify(account, classifyContext)(raw, inAccountOf(raw));

    expect(outcome).toMatchObject({ status: 'rejected', problems: expect.arrayContaining([expect.stringMatching(problem)]) });
    expect(account.bus.published).toEqual([]);
  });

  it('answers ignored for an event no rule is about', async () => {
    const account = defaultSandbox();
    const event = loadSampleEvent<{ detail: Record<string, unknown> }>(
      'rotation-succeeded/fires.RotationSucceeded.published-aws-blog.json',
    );
    event.detail.eventName = 'RotationStarted';

    const outcome = await makeClassify(account, classifyContext)(event, inAccountOf(event));

    expect(outcome).toEqual({ status: 'ignored', reason: 'no rule for AWS Service Event via CloudTrail RotationStarted' });
    expect(account.bus.published).toEqual([]);
  });

  it('fails the invocation when the bus is throttled, so the finding is retried rather than lost', async () => {
    const account = defaultSandbox();
    const bus = { publish: vi.fn().mockRejectedValue(new TransientAwsError('PutEvents: ThrottlingException')) };

    await expect(
      makeClassify({ bus, secrets: account.secrets, ledger: account.ledger, clock: account.clock }, classifyContext)(
        loadSampleEvent('rotation-failed/fires.RotationFailed.published-umccr.json'),
        localContext('classify', UMCCR_ACCOUNT, UMCCR_REGION),
      ),
    ).rejects.toThrow(TransientAwsError);
    expect(account.bus.published).toEqual([]);
  });
});

describe('classify: events from other accounts', () => {
  it('never plans restore-secret here for a DeleteSecret in 999999999999 of a secret named like one here', async () => {
    // Prepare: the same name exists here; the deletion happened elsewhere and names the secret by name only.
    const account = sandboxWith({
      name: 'prod/crm/api-token',
      arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/crm/api-token-Cr7mAp',
      versions: { v1: ['AWSCURRENT'] },
    });
    const event = loadSampleEvent<{ account: string; detail: Record<string, unknown> }>(
      'secret-deleted/fires.DeleteSecret.authored.by-developer.json',
    );
    event.account = '999999999999';
    event.detail.recipientAccountId = '999999999999';
    event.detail.requestParameters = { secretId: 'prod/crm/api-token', recoveryWindowInDays: 7 };

    // Act
    const outcome = await makeClassify(
      { bus: account.bus, secrets: account.secrets, ledger: account.ledger, clock: fixedClock },
      singleAccount,
    )(event, localContext('classify'));

    // Assess
    expect(outcome).toMatchObject({
      status: 'ignored',
      reason: expect.stringContaining('account 999999999999, not in this account 123456789012') as unknown,
    });
    expect(account.bus.published).toEqual([]);
    expect(account.secrets.calls).toEqual([]);
  });
});
