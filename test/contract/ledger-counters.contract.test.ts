/**
 * The LedgerPort's counters, one contract for the sandbox's MemoryLedger and the DynamoDB adapter
 * (its client mocked with DynamoDB's behaviour for ADD and GetItem): `count` adds one and answers
 * the new value, `counted` reads the value without adding, per scope and expiry.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { dynamoDbLedger } from '../../shared/adapters/dynamodb-ledger.js';
import type { LedgerPort } from '../../shared/ports/ledger.js';
import { MemoryLedger } from '../../shared/sandbox/memory-ledger.js';

const TABLE = 'ledger';
const UNTIL = new Date('2026-11-25T13:00:00Z');
const dynamoDb = mockClient(DynamoDBClient);
afterAll(() => dynamoDb.restore());

/** DynamoDB's side of the counters: UpdateItem ADD creates at 0 and adds; GetItem answers the item or none. */
const dynamoDbCounters = (): LedgerPort => {
  dynamoDb.reset();
  const items = new Map<string, number>();
  dynamoDb.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    const pk = input.Key?.pk?.S ?? '';
    items.set(pk, (items.get(pk) ?? 0) + 1);
    return { Attributes: { count: { N: String(items.get(pk)) } } };
  });
  dynamoDb.on(GetItemCommand).callsFake((input: GetItemCommandInput) => {
    const count = items.get(input.Key?.pk?.S ?? '');
    return count === undefined ? {} : { Item: { count: { N: String(count) } } };
  });
  return dynamoDbLedger(new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), TABLE);
};

describe.each([
  ['MemoryLedger', () => new MemoryLedger(() => new Date('2026-11-25T12:00:00Z'))],
  ['dynamoDbLedger', dynamoDbCounters],
])('Contract: LedgerPort counters (%s)', (_name, make: () => LedgerPort) => {
  it('reads a counter without adding to it, 0 before anything was counted, each scope and expiry apart', async () => {
    // Prepare
    const ledger = make();
    const before = await ledger.counted('incident#f-1', UNTIL);
    await ledger.count('incident#f-1', UNTIL);
    await ledger.count('incident#f-1', UNTIL);

    // Act
    const read = [await ledger.counted('incident#f-1', UNTIL), await ledger.counted('incident#f-1', UNTIL)];

    // Assess
    expect(before).toBe(0);
    expect(read).toEqual([2, 2]);
    expect(await ledger.counted('incident#f-2', UNTIL)).toBe(0);
    expect(await ledger.counted('incident#f-1', new Date(UNTIL.getTime() + 3_600_000))).toBe(0);
    expect(await ledger.count('incident#f-1', UNTIL)).toBe(3);
  });
});
