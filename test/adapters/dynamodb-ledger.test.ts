/**
 * LedgerPort over DynamoDB: the exact conditional writes that make a claim and the write limit
 * atomic, what a failed condition answers, and how other errors are mapped. The counters' shared
 * behaviour with the sandbox is the contract's (test/contract/ledger-counters.contract.test.ts).
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbLedger } from '../../shared/adapters/dynamodb-ledger.js';
import { PermissionDeniedError, ThrottlingError } from '../../shared/errors.js';
import '../helpers/aws-matchers.js';
import { settle } from '../helpers/settle.js';

const TABLE = 'ledger';
const NOW = new Date('2026-11-25T12:00:00Z');
const UNTIL = new Date('2026-11-25T13:00:00Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);
const UNTIL_SECONDS = String(UNTIL.getTime() / 1000);
const KEY = 'rotation-failed/abc#clear-stale-pending';

const dynamoDb = mockClient(DynamoDBClient);
const ledger = dynamoDbLedger(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), TABLE, () => NOW);

const conditionFailed = (item?: Record<string, { S: string }>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(item ? { Item: item } : {}),
  });

beforeEach(() => {
  dynamoDb.reset();
});

afterAll(() => {
  dynamoDb.restore();
});

describe('Class: dynamoDbLedger, claim', () => {
  it('puts the claim item only where none is, or where one expired but lingers until TTL deletes it', async () => {
    // Prepare
    dynamoDb.on(PutItemCommand).resolves({});

    // Act
    const claim = await ledger.claim(KEY, UNTIL);

    // Assess
    expect(claim).toStrictEqual({ claimed: true });
    expect(dynamoDb).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
      TableName: TABLE,
      Item: { pk: { S: `claim#${KEY}` }, expiresAt: { N: UNTIL_SECONDS } },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': { N: NOW_SECONDS } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('answers not claimed, with the outcome the first handler recorded, when the condition fails', async () => {
    // Prepare
    dynamoDb.on(PutItemCommand).rejects(conditionFailed({ pk: { S: `claim#${KEY}` }, outcome: { S: '{"status":"applied"}' } }));

    // Act
    const claim = await ledger.claim(KEY, UNTIL);

    // Assess
    expect(claim).toStrictEqual({ claimed: false, outcome: '{"status":"applied"}' });
  });

  it('answers not claimed, without an outcome, while the first handler is still at work', async () => {
    // Prepare
    dynamoDb.on(PutItemCommand).rejects(conditionFailed({ pk: { S: `claim#${KEY}` } }));

    // Act
    const claim = await ledger.claim(KEY, UNTIL);

    // Assess
    expect(claim).toStrictEqual({ claimed: false });
  });

  it('maps any other error, so a throttled claim is retried rather than taken as a duplicate', async () => {
    // Prepare
    dynamoDb
      .on(PutItemCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));

    // Act
    const outcome = await settle(ledger.claim(KEY, UNTIL));

    // Assess
    expect(outcome.error).toBeInstanceOf(ThrottlingError);
    expect(outcome.error).toMatchObject({ message: expect.stringContaining('PutItem: ThrottlingException') as unknown });
  });
});

describe('Class: dynamoDbLedger, complete and release', () => {
  it('records the outcome on the claim and keeps it until the time given', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).resolves({});

    // Act
    await ledger.complete(KEY, '{"status":"applied"}', UNTIL);

    // Assess
    expect(dynamoDb).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: `claim#${KEY}` } },
      UpdateExpression: 'SET outcome = :outcome, expiresAt = :keepUntil',
      ExpressionAttributeValues: { ':outcome': { S: '{"status":"applied"}' }, ':keepUntil': { N: UNTIL_SECONDS } },
    });
  });

  it('deletes the claim item to release it', async () => {
    // Prepare
    dynamoDb.on(DeleteItemCommand).resolves({});

    // Act
    await ledger.release(KEY);

    // Assess
    expect(dynamoDb).toHaveReceivedCommandExactlyOnceWith(DeleteItemCommand, { TableName: TABLE, Key: { pk: { S: `claim#${KEY}` } } });
  });

  it('maps a refused release to PermissionDeniedError', async () => {
    // Prepare
    dynamoDb
      .on(DeleteItemCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));

    // Act
    const outcome = await settle(ledger.release(KEY));

    // Assess
    expect(outcome.error).toBeInstanceOf(PermissionDeniedError);
  });
});

describe('Class: dynamoDbLedger, the write limit', () => {
  const SCOPE = 'secret#arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/db-a1B2c3';

  it('adds one write under the limit, in the item of the hour it expires with', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).resolves({});

    // Act
    const taken = await ledger.takeWrite(SCOPE, 3, UNTIL);

    // Assess
    expect(taken).toBe(true);
    expect(dynamoDb).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: `writes#${SCOPE}#${UNTIL_SECONDS}` } },
      UpdateExpression: 'ADD writes :one SET expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(writes) OR writes < :limit',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: '3' }, ':expiresAt': { N: UNTIL_SECONDS } },
    });
  });

  it('answers false, nothing counted, when the limit is reached', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).rejects(conditionFailed());

    // Act
    const taken = await ledger.takeWrite(SCOPE, 3, UNTIL);

    // Assess
    expect(taken).toBe(false);
  });

  it('gives a write back only while the count is above zero', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).resolves({});

    // Act
    await ledger.returnWrite(SCOPE, UNTIL);

    // Assess
    expect(dynamoDb).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: `writes#${SCOPE}#${UNTIL_SECONDS}` } },
      UpdateExpression: 'ADD writes :minusOne',
      ConditionExpression: 'writes > :zero',
      ExpressionAttributeValues: { ':minusOne': { N: '-1' }, ':zero': { N: '0' } },
    });
  });

  it('takes a count already at zero as given back, not as an error', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).rejects(conditionFailed());

    // Act
    const outcome = await settle(ledger.returnWrite(SCOPE, UNTIL));

    // Assess
    expect(outcome).toStrictEqual({ value: undefined });
  });
});

describe('Class: dynamoDbLedger, counters', () => {
  it('adds one to the counter of the window it expires with, and answers the new value', async () => {
    // Prepare
    dynamoDb.on(UpdateItemCommand).resolves({ Attributes: { count: { N: '7' } } });

    // Act
    const value = await ledger.count('storm#w', UNTIL);

    // Assess
    expect(value).toBe(7);
    expect(dynamoDb).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { pk: { S: `count#storm#w#${UNTIL_SECONDS}` } },
      UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':expiresAt': { N: UNTIL_SECONDS } },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it("reads the counter's item strongly consistent, by the same key count writes", async () => {
    // Prepare
    dynamoDb.on(GetItemCommand).resolves({});

    // Act
    await ledger.counted('incident#f-1', UNTIL);

    // Assess
    expect(dynamoDb.commandCalls(GetItemCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: TABLE,
        Key: { pk: { S: `count#incident#f-1#${UNTIL.getTime() / 1000}` } },
        ProjectionExpression: '#count',
        ExpressionAttributeNames: { '#count': 'count' },
        ConsistentRead: true,
      },
    ]);
  });
});
