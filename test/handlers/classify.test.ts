/** Events from another account never act on this one: classify answers `ignored`, with the reason, and publishes nothing. */
import { describe, expect, it } from 'vitest';
import { makeHandler } from '../../shared/handlers/classify.js';
import { localContext } from '../../shared/replay/lambda-context.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';

/** A single-account deployment (organisation mode off), of the sample policy otherwise. */
const singleAccount = { policy: { ...samplePolicy, organisation: { ...samplePolicy.organisation, enabled: false } } };
import { fixedClock, sandboxWith } from '../helpers/sandbox.js';

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
    const outcome = await makeHandler(
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
