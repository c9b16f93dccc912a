/**
 * The digest table over DynamoDB: what the adapter writes and how it reads, beyond the DigestPort
 * contract both it and the sandbox's MemoryDigest keep (test/contract/digest.contract.test.ts).
 */
import { DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbDigest } from '../../shared/adapters/dynamodb-digest.js';
import '../helpers/aws-matchers.js';
import { at, fakeTable as fakeTableOn, heldAlert, KEEP, TABLE } from '../helpers/digest-table.js';

const dynamoDb = mockClient(DynamoDBClient);
const fakeTable = () => fakeTableOn(dynamoDb);

afterAll(() => {
  dynamoDb.restore();
});

describe('Class: dynamoDbDigest', () => {
  beforeEach(() => {
    dynamoDb.reset();
  });

  it('writes the registration once per container and each alert with its expiry (epoch seconds), and reads strongly consistent', async () => {
    // Prepare
    fakeTable();
    const digest = dynamoDbDigest(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), TABLE);
    const window = at('2026-11-25T12:01:00Z');

    // Act
    for (const id of ['a', 'b', 'c']) await digest.hold(window, heldAlert(id), KEEP);
    await digest.held(window);
    await digest.closedWindows(new Date('2026-11-25T12:10:00Z'), 10);

    // Assess
    const puts = dynamoDb.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item);
    expect(puts).toHaveLength(4);
    expect(puts[0]).toMatchObject({
      pk: { S: 'open' },
      sk: { S: `${window.end}#${window.key}` },
      expiresAt: { N: String(KEEP.getTime() / 1000) },
    });
    expect(puts[1]).toMatchObject({ pk: { S: `held#${window.key}` }, sk: { S: 'a' }, expiresAt: { N: String(KEEP.getTime() / 1000) } });
    expect(dynamoDb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk',
    });
    expect(dynamoDb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :open AND sk < :bound',
    });
  });

  it("gives the AWS CLI command that lists what a window holds: the same Query on its partition, in the table's region", async () => {
    // Prepare
    fakeTable();
    const digest = dynamoDbDigest(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), TABLE, 'eu-west-1');
    const window = at('2026-11-25T12:01:00Z');
    await digest.hold(window, heldAlert('a'), KEEP);

    // Act
    const command = digest.listCommand(window);

    // Assess
    expect(command).toEqual([
      'aws',
      'dynamodb',
      'query',
      '--region',
      'eu-west-1',
      '--table-name',
      TABLE,
      '--key-condition-expression',
      'pk = :pk',
      '--expression-attribute-values',
      JSON.stringify({ ':pk': { S: `held#${window.key}` } }),
      '--query',
      'Items[].alert.S',
      '--output',
      'json',
    ]);
    const puts = dynamoDb.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item);
    // The partition it names is where the alert was held, and the attribute it prints is the alert's JSON.
    expect(puts[1]).toMatchObject({ pk: { S: `held#${window.key}` }, alert: { S: JSON.stringify(heldAlert('a')) } });
  });

  it('refuses a stored alert it cannot read, naming what is malformed, rather than drop it from a digest', async () => {
    // Prepare
    dynamoDb
      .on(QueryCommand)
      .resolves({ Items: [{ pk: { S: 'held#w' }, sk: { S: 'a' }, alert: { S: JSON.stringify({ findingId: 'a' }) } }] });
    const digest = dynamoDbDigest(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), TABLE);

    // Act
    const read = digest.held(at('2026-11-25T12:01:00Z'));

    // Assess
    await expect(read).rejects.toThrow(
      /digest table: malformed held alert: secret: missing \(expected string\); time: missing \(expected string\); title: .*; severity: .*; reason: missing/,
    );
  });
});
