/**
 * LedgerPort over DynamoDB: one table, key `pk`, items expire through the table's TTL
 * attribute `expiresAt` (epoch seconds). Conditional writes make both operations atomic:
 * two deliveries of one event cannot both claim it, two invocations cannot both take the
 * last write of the hour.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { itemKey } from '../ledger/keys.js';
import type { LedgerPort } from '../ports/ledger.js';
import { epochSeconds } from '../time.js';
import { callAws } from './aws-errors.js';

export const dynamoDbLedger = (client: DynamoDBClient, tableName: string, now: () => Date = () => new Date()): LedgerPort => {
  /** Runs a conditional write; false when its condition failed (the claim or the limit is taken). */
  const conditional = async (operation: string, send: () => Promise<unknown>): Promise<boolean> => {
    try {
      await callAws('dynamodb', operation, send);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  return {
    claim: async (key, expiresAt) => {
      try {
        await callAws('dynamodb', 'PutItem', () =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { pk: { S: itemKey.claim(key) }, expiresAt: { N: String(epochSeconds(expiresAt)) } },
              // An expired item may linger until TTL deletes it: it no longer holds the claim.
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
              ExpressionAttributeValues: { ':now': { N: String(epochSeconds(now())) } },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const outcome = error.Item?.outcome?.S;
        return { claimed: false, ...(outcome ? { outcome } : {}) };
      }
    },
    complete: async (key, outcome, keepUntil) => {
      await callAws('dynamodb', 'UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: itemKey.claim(key) } },
            UpdateExpression: 'SET outcome = :outcome, expiresAt = :keepUntil',
            ExpressionAttributeValues: { ':outcome': { S: outcome }, ':keepUntil': { N: String(epochSeconds(keepUntil)) } },
          }),
        ),
      );
    },
    release: async (key) => {
      await callAws('dynamodb', 'DeleteItem', () =>
        client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: itemKey.claim(key) } } })),
      );
    },
    takeWrite: (scope, limit, expiresAt) =>
      conditional('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: itemKey.writes(scope, String(epochSeconds(expiresAt))) } },
            UpdateExpression: 'ADD writes :one SET expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(writes) OR writes < :limit',
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':limit': { N: String(limit) },
              ':expiresAt': { N: String(epochSeconds(expiresAt)) },
            },
          }),
        ),
      ),
    returnWrite: async (scope, expiresAt) => {
      await conditional('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { pk: { S: itemKey.writes(scope, String(epochSeconds(expiresAt))) } },
            UpdateExpression: 'ADD writes :minusOne',
            ConditionExpression: 'writes > :zero',
            ExpressionAttributeValues: { ':minusOne': { N: '-1' }, ':zero': { N: '0' } },
          }),
        ),
      );
    },
    count: async (scope, expiresAt) => {
      const answer = await callAws('dynamodb', 'UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            // The expiry is part of the key: a window that lingers past its TTL is never counted on.
            Key: { pk: { S: itemKey.count(scope, String(epochSeconds(expiresAt))) } },
            UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': { N: '1' }, ':expiresAt': { N: String(epochSeconds(expiresAt)) } },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return Number(answer.Attributes?.count?.N ?? '1');
    },
    counted: async (scope, expiresAt) => {
      const answer = await callAws('dynamodb', 'GetItem', () =>
        client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { pk: { S: itemKey.count(scope, String(epochSeconds(expiresAt))) } },
            ProjectionExpression: '#count',
            ExpressionAttributeNames: { '#count': 'count' },
            // The counts classify added a moment ago, not a replica's older view.
            ConsistentRead: true,
          }),
        ),
      );
      return Number(answer.Item?.count?.N ?? '0');
    },
  };
};
