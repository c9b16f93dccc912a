/** Every shape a Secrets Manager event names its secret in (`requestParameters.secretId`, `name`, `responseElements.arn` or `aRN`, `additionalEventData.SecretId`, `resources`), and the notes for what could not be read. */
import { describe, expect, it } from 'vitest';
import { type CloudTrailEvent, parseCloudTrailEvent } from '../../shared/contracts/cloudtrail-event.js';
import { locateSecret } from '../../shared/domain/locate-secret.js';
import { loadPublishedFixture } from '../helpers/events.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-Mn56Op';

/** An API-call event with only the given detail fields naming a secret. */
const apiCall = (detail: Record<string, unknown>, resources: string[] = []): CloudTrailEvent =>
  parseCloudTrailEvent({
    version: '0',
    id: 'e1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: '123456789012',
    time: '2026-11-25T10:00:00Z',
    region: 'us-east-1',
    resources,
    detail: {
      eventTime: '2026-11-25T10:00:00Z',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'UpdateSecret',
      awsRegion: 'us-east-1',
      recipientAccountId: '123456789012',
      requestParameters: null,
      responseElements: null,
      ...detail,
    },
  });

describe('Function: locateSecret', () => {
  it.each([
    ['detail.additionalEventData.SecretId', { additionalEventData: { SecretId: ARN } }],
    ['detail.serviceEventDetails.secretId', { serviceEventDetails: { secretId: ARN } }],
    ['detail.responseElements.arn', { responseElements: { arn: ARN } }],
    ['detail.responseElements.aRN', { responseElements: { aRN: ARN } }],
    ['detail.responseElements.ARN', { responseElements: { ARN: ARN } }],
    ['detail.requestParameters.secretId', { requestParameters: { secretId: ARN } }],
  ])('finds the secret ARN in %s', (path, detail) => {
    const located = locateSecret(apiCall(detail));

    expect(located?.secret).toEqual({
      id: ARN,
      arn: ARN,
      name: 'prod/payments/db',
      account: '123456789012',
      region: 'us-east-1',
      foundAt: path,
    });
    expect(located?.notes).toEqual([]);
  });

  it('finds the secret in the envelope resources, ignoring other ARNs', () => {
    const located = locateSecret(apiCall({}, ['arn:aws:kms:us-east-1:123456789012:key/abc', ARN]));

    expect(located?.secret).toMatchObject({ id: ARN, foundAt: 'resources[]' });
  });

  it('takes a name as the caller typed it, with the event account and region', () => {
    const located = locateSecret(apiCall({ requestParameters: { name: 'MyDatabaseSecret' } }));

    expect(located?.secret).toEqual({
      id: 'MyDatabaseSecret',
      name: 'MyDatabaseSecret',
      account: '123456789012',
      region: 'us-east-1',
      foundAt: 'detail.requestParameters.name',
    });
  });

  it('prefers a full ARN in the response over the name in the request', () => {
    const located = locateSecret(apiCall({ requestParameters: { secretId: 'prod/payments/db' }, responseElements: { arn: ARN } }));

    expect(located?.secret.id).toBe(ARN);
  });

  it('keeps a name that contains a hyphen whole when there is no random suffix', () => {
    const located = locateSecret(apiCall({ requestParameters: { secretId: 'team-a/api-key' } }));

    expect(located?.secret.name).toBe('team-a/api-key');
  });

  it('reads a redacted ARN, and notes that the name could not be derived', () => {
    const event = parseCloudTrailEvent(loadPublishedFixture('RotationFailed.eventbridge.umccr.json'));

    const located = locateSecret(event);

    expect(located?.secret).toEqual({
      id: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
      arn: 'arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaS...icA',
      account: '843407916570',
      region: 'ap-southeast-2',
      foundAt: 'detail.additionalEventData.SecretId',
    });
    expect(located?.notes).toEqual(["secret ARN is redacted ('...'): its name could not be derived"]);
  });

  it('notes an account that is not a 12-digit id (the AWS blog sample)', () => {
    const event = parseCloudTrailEvent(loadPublishedFixture('RotationSucceeded.eventbridge.aws-blog.json'));

    const located = locateSecret(event);

    expect(located?.secret).toMatchObject({ name: 'Appuser-pyodbc', account: 'accountid', region: 'us-west-2' });
    expect(located?.notes).toEqual(["account 'accountid' is not a 12-digit AWS account id"]);
  });

  it('notes an ARN that is not a secret ARN and keeps it as the id', () => {
    const located = locateSecret(apiCall({ requestParameters: { secretId: 'arn:aws:ssm:us-east-1:123456789012:parameter/x' } }));

    expect(located?.secret).toMatchObject({ id: 'arn:aws:ssm:us-east-1:123456789012:parameter/x' });
    expect(located?.secret.arn).toBeUndefined();
    expect(located?.notes).toEqual(["'detail.requestParameters.secretId' holds an ARN that is not a Secrets Manager secret ARN"]);
  });

  it.each([
    ['no field at all', {}],
    ['an empty string', { requestParameters: { secretId: '  ' } }],
    ['a non-string value', { additionalEventData: { SecretId: 42 } }],
  ])('finds nothing when the event has %s', (_label, detail) => {
    expect(locateSecret(apiCall(detail))).toBeUndefined();
  });
});
