/**
 * What the alert functions store and send, both ways the service reaches them:
 * - the alert topic with Chatbot on: one Publish, a message per protocol (`MessageStructure: json`);
 * - the DigestPort: one contract run on the sandbox's MemoryDigest and on the DynamoDB adapter
 *   (over a mocked client backed by a small in-memory table that understands exactly the key
 *   conditions the adapter sends), so the fake the replay uses cannot drift from DynamoDB's.
 */
import type { RuleId } from '../../shared/contracts/rule-ids.js';
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  type AttributeValue,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbDigest } from '../../shared/adapters/dynamodb-digest.js';
import { snsAdapter } from '../../shared/adapters/sns.js';
import { windowFor } from '../../shared/alerts/storm.js';
import type { DigestPort, DigestWindow, HeldAlert } from '../../shared/ports/digest.js';
import type { AlertMessage } from '../../shared/ports/notifier.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import '../helpers/aws-matchers.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:secrets-remediator-test-alerts';
const TABLE = 'secrets-remediator-test-digest';

const sns = mockClient(SNSClient);
const dynamoDb = mockClient(DynamoDBClient);

afterAll(() => {
  sns.restore();
  dynamoDb.restore();
});

const alert: AlertMessage = {
  subject: '[HIGH] rotation-failed: prod/payments/db (123456789012/us-east-1)',
  body: 'Rotation failed for prod/payments/db.\n',
  attributes: { severity: 'high', rule: 'rotation-failed', account: '123456789012', region: 'us-east-1', secret: 'prod/payments/db' },
};

describe('Contract: NotifierPort (snsAdapter), message structure', () => {
  const notifier = snsAdapter(new SNSClient({ region: 'us-east-1', maxAttempts: 1 }), TOPIC);

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('publishes the plain text to every protocol, with the attributes filter policies match on', async () => {
    // Act
    await notifier.publish(alert);

    // Assess
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: alert.subject,
      Message: alert.body,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        rule: { DataType: 'String', StringValue: 'rotation-failed' },
        account: { DataType: 'String', StringValue: '123456789012' },
        region: { DataType: 'String', StringValue: 'us-east-1' },
        secret: { DataType: 'String', StringValue: 'prod/payments/db' },
      },
    });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageStructure).toBeUndefined();
  });

  it("sends Chatbot's document to HTTPS subscribers and the plain text to email and every other protocol, in one Publish", async () => {
    // Prepare
    const chatbot = {
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: 'Rotation failed', description: 'prod/payments/db' },
    };

    // Act
    await notifier.publish({ ...alert, chatbot });

    // Assess
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: alert.subject,
      MessageStructure: 'json',
      MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
    });
    const perProtocol = JSON.parse(input?.Message ?? '{}') as Record<string, string>;
    expect(Object.keys(perProtocol).sort()).toEqual(['default', 'email', 'https']);
    expect(perProtocol.default).toBe(alert.body);
    expect(perProtocol.email).toBe(alert.body);
    expect(JSON.parse(perProtocol.https ?? '')).toEqual(chatbot);
  });

  it('leaves out an attribute with an empty value, which SNS would refuse', async () => {
    // Act
    await notifier.publish({ ...alert, attributes: { ...alert.attributes, secret: '' } });

    // Assess
    expect(Object.keys(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes ?? {}).sort()).toEqual([
      'account',
      'region',
      'rule',
      'severity',
    ]);
  });
});

// --- DigestPort ----------------------------------------------------------------------------

type Item = Record<string, AttributeValue>;

/**
 * DynamoDB's side of the digest table, for the mocked client: PutItem, DeleteItem and the two
 * Queries the adapter makes (`pk = :pk`; `pk = :open AND sk < :bound`), sort keys in byte
 * order, pages of `pageSize` items. Anything else fails the test.
 */
const fakeTable = (pageSize = 1000) => {
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
const at = (iso: string, rule: RuleId = 'rotation-failed') => windowFor({ rule, secret }, new Date(iso), 5);

const heldAlert = (findingId: string): HeldAlert => ({
  findingId,
  secret: `prod/${findingId}`,
  time: '2026-11-25T12:01:00Z',
  title: 'Rotation failed',
  severity: 'high',
  reason: 'RotationFailed at the setSecret step',
  outcome: 'planned',
});

const KEEP = new Date('2026-12-02T12:05:00Z');

const implementations: readonly [string, () => DigestPort][] = [
  ['MemoryDigest', () => new MemoryDigest()],
  [
    'dynamoDbDigest',
    () => {
      dynamoDb.reset();
      fakeTable(2); // small pages, so every read pages
      return dynamoDbDigest(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), TABLE);
    },
  ],
];

describe.each(implementations)('Contract: DigestPort on %s', (_name, make) => {
  it('reads back every alert held in a window, ordered by finding id, one copy of each', async () => {
    // Prepare
    const digest = make();
    const window = at('2026-11-25T12:01:00Z');

    // Act
    for (const id of ['c/rotation-failed', 'a/rotation-failed', 'b/rotation-failed', 'a/rotation-failed', 'd/rotation-failed'])
      await digest.hold(window, heldAlert(id), KEEP);
    const held = await digest.held(window);

    // Assess
    expect(held).toEqual(['a', 'b', 'c', 'd'].map((id) => heldAlert(`${id}/rotation-failed`)));
  });

  it('lists the windows that ended by a time, oldest first, up to a limit, and not the open ones', async () => {
    // Prepare
    const digest = make();
    const windows: DigestWindow[] = [
      at('2026-11-25T12:11:00Z'),
      at('2026-11-25T12:01:00Z', 'secret-deleted'),
      at('2026-11-25T12:01:00Z'),
      at('2026-11-25T12:06:00Z'),
    ];
    for (const [n, window] of windows.entries()) await digest.hold(window, heldAlert(`f-${n}`), KEEP);

    // Act
    const byTen = await digest.closedWindows(new Date('2026-11-25T12:10:00.000Z'), 10);
    const firstTwo = await digest.closedWindows(new Date('2026-11-25T12:10:00.000Z'), 2);
    const before = await digest.closedWindows(new Date('2026-11-25T12:04:59.999Z'), 10);

    // Assess
    expect(byTen.map((w) => w.key)).toEqual([
      '123456789012/us-east-1/rotation-failed/2026-11-25T12:00:00.000Z',
      '123456789012/us-east-1/secret-deleted/2026-11-25T12:00:00.000Z',
      '123456789012/us-east-1/rotation-failed/2026-11-25T12:05:00.000Z',
    ]);
    expect(byTen[0]).toEqual(windows[2]);
    expect(firstTwo.map((w) => w.key)).toEqual(byTen.slice(0, 2).map((w) => w.key));
    expect(before).toEqual([]);
  });

  it('reads back what a digest compares (caller, user agent, rotation function), and an alert held without them', async () => {
    // Prepare
    const digest = make();
    const window = at('2026-11-25T12:01:00Z');
    const compared: HeldAlert = {
      ...heldAlert('a/rotation-failed'),
      caller: 'secretsmanager.amazonaws.com',
      userAgent: 'secretsmanager.amazonaws.com',
      rotationFunction: 'arn:aws:lambda:us-east-1:123456789012:function:payments-db-rotation',
    };

    // Act
    await digest.hold(window, compared, KEEP);
    await digest.hold(window, heldAlert('b/rotation-failed'), KEEP);

    // Assess
    expect(await digest.held(window)).toEqual([compared, heldAlert('b/rotation-failed')]);
  });

  it('lists a window no more once forgotten', async () => {
    // Prepare
    const digest = make();
    const window = at('2026-11-25T12:01:00Z');
    await digest.hold(window, heldAlert('a/rotation-failed'), KEEP);

    // Act
    await digest.forget(window);

    // Assess
    expect(await digest.closedWindows(new Date('2026-11-25T13:00:00Z'), 10)).toEqual([]);
  });
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
