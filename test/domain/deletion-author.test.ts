/**
 * Who scheduled a secret's deletion, by CloudTrail's event history: the latest successful
 * DeleteSecret of that secret at or before DescribeSecret's DeletedDate, its caller judged by the
 * same actor rules as every event. Through the real LookupEvents adapter (the SDK mocked) for paging.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudTrailHistoryAdapter } from '../../shared/adapters/cloudtrail-history.js';
import { deletionAuthorOf, lookUpDeletion, MAX_DELETION_PAGES } from '../../shared/domain/deletion-author.js';
import { loadSampleEvent } from '../helpers/events.js';
import { samplePolicy } from '../helpers/policy.js';

const SCRATCH = {
  arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/scratch/test-key-Sc9tCh',
  name: 'dev/scratch/test-key',
  deletedDate: new Date('2026-11-24T10:15:00.412Z'),
};
const ADMIN = 'arn:aws:iam::123456789012:role/SecretsAdmin';
const ALICE = 'arn:aws:iam::123456789012:user/alice';

type TrailRecord = Record<string, unknown> & {
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown> | null;
};

/** jane.doe (SecretsAdmin, an allowed admin) deleting dev/scratch/test-key at 10:15:00Z, as CloudTrail records it. */
const adminDeletion = (edit: Partial<TrailRecord> = {}): TrailRecord => ({
  ...loadSampleEvent<{ detail: TrailRecord }>('secret-deleted/silent.DeleteSecret.authored.by-admin.json').detail,
  ...edit,
});

/** alice (an IAM user, no admin) deleting a secret. */
const aliceDeletion = (secretId: string, edit: Partial<TrailRecord> = {}): TrailRecord => {
  const record = loadSampleEvent<{ detail: TrailRecord }>('secret-deleted/fires.DeleteSecret.authored.by-developer.json').detail;
  return { ...record, requestParameters: { ...record.requestParameters, secretId }, responseElements: null, ...edit };
};

describe('Who deleted a secret (CloudTrail event history)', () => {
  it('takes the latest successful DeleteSecret of the secret at or before its deletion date, and judges its caller by allowedAdmins', () => {
    // Prepare: alice deleted it an hour earlier (since restored); the admin deleted it at 10:15:00Z;
    // a refused DeleteSecret by alice in the same second, one after the deletion date, and another secret's.
    const records = [
      aliceDeletion(SCRATCH.arn, { eventTime: '2026-11-24T09:14:00Z' }),
      adminDeletion(),
      aliceDeletion(SCRATCH.name, { eventTime: '2026-11-24T10:15:00Z', errorCode: 'AccessDenied' }),
      aliceDeletion(SCRATCH.name, { eventTime: '2026-11-24T10:15:01Z' }),
      aliceDeletion('prod/crm/api-token', { eventTime: '2026-11-24T10:15:00Z' }),
    ];

    // Act
    const author = deletionAuthorOf(records, SCRATCH, samplePolicy);

    // Assess
    expect(author).toMatchObject({
      eventTime: '2026-11-24T10:15:00Z',
      actor: { principal: ADMIN, kind: 'assumed-role', isAllowedAdmin: true },
    });
  });

  it.each([
    ['its name', SCRATCH.name],
    ['its full ARN', SCRATCH.arn],
    ['a partial ARN (no random suffix)', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/scratch/test-key'],
  ])('recognises the deletion whether the caller named the secret by %s', (_how, secretId) => {
    // Act
    const author = deletionAuthorOf([aliceDeletion(secretId, { eventTime: '2026-11-24T10:15:00Z' })], SCRATCH, samplePolicy);

    // Assess
    expect(author?.actor).toMatchObject({ principal: ALICE, isAllowedAdmin: false });
  });

  it('does not take a secret of the same name in another account for this one', () => {
    const elsewhere = aliceDeletion('arn:aws:secretsmanager:us-east-1:999999999999:secret:dev/scratch/test-key', {
      eventTime: '2026-11-24T10:15:00Z',
    });

    expect(deletionAuthorOf([elsewhere], SCRATCH, samplePolicy)).toBeUndefined();
  });

  it('matches no allowed-admin glob against a caller whose identity type CloudTrail does not say, even "*"', () => {
    // Prepare
    const record = adminDeletion({ userIdentity: { type: 'SomethingNew', arn: 'arn:aws:iam::123456789012:role/SecretsAdmin' } });

    // Act
    const author = deletionAuthorOf([record], SCRATCH, { allowedAdmins: ['*'] });

    // Assess
    expect(author?.actor).toMatchObject({ kind: 'unknown', isAllowedAdmin: false });
  });
});

describe('Looking up the deletion through the LookupEvents adapter', () => {
  const cloudTrail = mockClient(CloudTrailClient);
  beforeEach(() => cloudTrail.reset());
  const history = () => cloudTrailHistoryAdapter(new CloudTrailClient({ region: 'us-east-1' }));

  it("asks for the DeleteSecret calls of the five minutes up to the deletion date's second, page after page, and finds the admin's on the second", async () => {
    // Prepare
    cloudTrail
      .on(LookupEventsCommand)
      .resolvesOnce({
        Events: [
          { EventId: 'x', CloudTrailEvent: JSON.stringify(aliceDeletion('prod/crm/api-token', { eventTime: '2026-11-24T10:15:00Z' })) },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Events: [
          { EventId: 'e83fbd2a-9358-524d-a216-4f8db0e20939', CloudTrailEvent: JSON.stringify(adminDeletion()) },
          { EventId: 'broken', CloudTrailEvent: '{not json' },
        ],
      });

    // Act
    const lookup = await lookUpDeletion(history(), SCRATCH, samplePolicy);

    // Assess
    expect(lookup).toMatchObject({
      kind: 'found',
      author: { eventId: 'e83fbd2a-9358-524d-a216-4f8db0e20939', actor: { principal: ADMIN, isAllowedAdmin: true } },
    });
    const window = { StartTime: new Date('2026-11-24T10:10:00.412Z'), EndTime: new Date('2026-11-24T10:15:00.999Z'), MaxResults: 50 };
    expect(cloudTrail.commandCalls(LookupEventsCommand).map((call) => call.args[0].input)).toEqual([
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteSecret' }], ...window },
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteSecret' }], ...window, NextToken: 'page-2' },
    ]);
  });

  it(`stops after ${MAX_DELETION_PAGES} pages, and says it could not tell`, async () => {
    // Prepare: every page another secret's deletion, and always a next page.
    cloudTrail.on(LookupEventsCommand).resolves({
      Events: [{ CloudTrailEvent: JSON.stringify(aliceDeletion('prod/crm/api-token', { eventTime: '2026-11-24T10:15:00Z' })) }],
      NextToken: 'more',
    });

    // Act
    const lookup = await lookUpDeletion(history(), SCRATCH, samplePolicy);

    // Assess
    expect(cloudTrail.commandCalls(LookupEventsCommand)).toHaveLength(MAX_DELETION_PAGES);
    expect(lookup).toEqual({
      kind: 'unknown',
      reason: expect.stringMatching(/^more DeleteSecret calls between .* than the 250 read, none of them this secret's$/) as unknown,
    });
  });

  it('answers "unknown", naming the error, when LookupEvents is refused', async () => {
    // Prepare
    cloudTrail
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('not authorized to perform: cloudtrail:LookupEvents'), { name: 'AccessDeniedException' }));

    // Act
    const lookup = await lookUpDeletion(history(), SCRATCH, samplePolicy);

    // Assess
    expect(lookup).toEqual({
      kind: 'unknown',
      reason: "CloudTrail's event history could not be read (LookupEvents: AccessDeniedException)",
    });
  });
});
