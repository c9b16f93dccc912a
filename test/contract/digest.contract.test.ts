/**
 * The DigestPort: one contract run on the sandbox's MemoryDigest and on the DynamoDB adapter
 * (over a mocked client backed by a small in-memory table that understands exactly the key
 * conditions the adapter sends), so the fake the replay uses cannot drift from DynamoDB's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDbDigest } from '../../shared/adapters/dynamodb-digest.js';
import type { DigestPort, DigestWindow, HeldAlert } from '../../shared/ports/digest.js';
import { MemoryDigest } from '../../shared/sandbox/memory-digest.js';
import { at, fakeTable, heldAlert, KEEP, TABLE } from '../helpers/digest-table.js';

const dynamoDb = mockClient(DynamoDBClient);

afterAll(() => {
  dynamoDb.restore();
});

const implementations: readonly [string, () => DigestPort][] = [
  ['MemoryDigest', () => new MemoryDigest()],
  [
    'dynamoDbDigest',
    () => {
      dynamoDb.reset();
      fakeTable(dynamoDb, 2); // small pages, so every read pages
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
