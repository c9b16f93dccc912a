/**
 * The digest table for the DynamoDB adapter's tests: a fake of DynamoDB's side behind a mocked
 * client, and the windows and held alerts the tests store in it.
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RuleId } from '../../shared/contracts/rule-ids.js';
import { windowFor } from '../../shared/alerts/storm.js';
import type { HeldAlert } from '../../shared/ports/digest.js';

export const TABLE = 'secrets-remediator-test-digest';

type Item = Record<string, AttributeValue>;

/**
 * DynamoDB's side of the digest table, for the mocked client: PutItem, DeleteItem and the two
 * Queries the adapter makes (`pk = :pk`; `pk = :open AND sk < :bound`), sort keys in byte
 * order, pages of `pageSize` items, served by the mock `dynamoDb`. Anything else fails the test.
 */
export const fakeTable = (dynamoDb: AwsClientStub<DynamoDBClient>, pageSize = 1000) => {
  const partitions = new Map<string, Map<string, Item>>();
  dynamoDb.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
    const item = input.Item ?? {};
    const pk = item.pk?.S ?? '';
    const partition = partitions.get(pk) ?? new Map<string, Item>();
    partition.set(item.sk?.S ?? '', item);
    partitions.set(pk, partition);
    return {};
  });
  dynamoDb.on(DeleteItemCommand).callsFake((input: DeleteItemCommandInput) => {
    partitions.get(input.Key?.pk?.S ?? '')?.delete(input.Key?.sk?.S ?? '');
    return {};
  });
  dynamoDb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    const values = input.ExpressionAttributeValues ?? {};
    let pk: string;
    let below: string | undefined;
    if (input.KeyConditionExpression === 'pk = :pk') pk = values[':pk']?.S ?? '';
    else if (input.KeyConditionExpression === 'pk = :open AND sk < :bound') {
      pk = values[':open']?.S ?? '';
      below = values[':bound']?.S;
    } else throw new Error(`fake table: unexpected KeyConditionExpression ${input.KeyConditionExpression}`);
    const after = input.ExclusiveStartKey?.sk?.S;
    const keys = [...(partitions.get(pk)?.keys() ?? [])]
      .filter(
        (sk) =>
          (below === undefined || Buffer.compare(Buffer.from(sk), Buffer.from(below)) < 0) &&
          (after === undefined || Buffer.compare(Buffer.from(sk), Buffer.from(after)) > 0),
      )
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, pageSize);
    const items = page.map((sk) => partitions.get(pk)?.get(sk) ?? {});
    const last = items.at(-1);
    return { Items: items, ...(keys.length > pageSize && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } as Item } : {}) };
  });
  return partitions;
};

const secret = { id: 'x', account: '123456789012', region: 'us-east-1', foundAt: 'detail.responseElements.arn' };
/** The storm window of `rule` on one secret that holds `iso`. */
export const at = (iso: string, rule: RuleId = 'rotation-failed') => windowFor({ rule, secret }, new Date(iso), 5);

/** An alert held in a window, as the alert function holds it. */
export const heldAlert = (findingId: string): HeldAlert => ({
  findingId,
  secret: `prod/${findingId}`,
  time: '2026-11-25T12:01:00Z',
  title: 'Rotation failed',
  severity: 'high',
  reason: 'RotationFailed at the setSecret step',
  outcome: 'planned',
});

/** When held items expire. */
export const KEEP = new Date('2026-12-02T12:05:00Z');
