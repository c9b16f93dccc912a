/**
 * DigestPort over DynamoDB: the table `DigestTable`, key `pk` + `sk`, items expiring through
 * the TTL attribute `expiresAt` (epoch seconds). Two kinds of item:
 *
 * - a held alert: `pk = held#<window key>`, `sk = <finding id>`: a Query on the window's
 *   partition reads them all back, and holding a finding twice overwrites one item;
 * - a window's registration: `pk = open`, `sk = <window end>#<window key>`: the flusher finds
 *   the closed windows with one Query (`sk` below the current time), oldest first, without a
 *   scan and without a lookback limit, however long it was down.
 *
 * Reads are strongly consistent: a digest must not miss an alert held a moment before.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import * as z from '../contracts/zod.js';
import { SeveritySchema, OutcomeSchema } from '../contracts/finding.js';
import type { DigestPort, DigestWindow, HeldAlert } from '../ports/digest.js';
import { describeIssues } from '../contracts/zod-issues.js';
import { epochSeconds } from '../time.js';
import { callAws } from './aws-errors.js';

const OPEN = 'open';

/** Registrations remembered per container before starting over (one per rule and window: few). */
const MAX_REMEMBERED = 1000;

const WindowSchema = z.object({
  key: z.string(),
  rule: z.string(),
  account: z.string(),
  region: z.string(),
  start: z.string(),
  end: z.string(),
});

const HeldAlertSchema = z.object({
  findingId: z.string(),
  secret: z.string(),
  time: z.string(),
  title: z.string(),
  severity: SeveritySchema,
  reason: z.string(),
  outcome: z.optional(OutcomeSchema),
  // Absent from alerts held before the digest said what a storm's findings share.
  caller: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  rotationFunction: z.optional(z.string()),
});

/** The stored JSON of an item, checked: a malformed item fails loudly rather than vanish from a digest. */
const parseStored = <S extends z.core.$ZodType>(schema: S, text: string | undefined, what: string): z.infer<S> => {
  const parsed = z.safeParse(schema, text === undefined ? undefined : (JSON.parse(text) as unknown));
  if (!parsed.success) throw new Error(`digest table: malformed ${what}: ${describeIssues(parsed.error).join('; ')}`);
  return parsed.data;
};

const openSk = (window: DigestWindow): string => `${window.end}#${window.key}`;
const heldPk = (window: DigestWindow): string => `held#${window.key}`;

/** `region`: the table's, for the command that lists a window (the SDK's chain when absent). */
export const dynamoDbDigest = (client: DynamoDBClient, tableName: string, region?: string): DigestPort => {
  // Windows this container registered already: a storm of a thousand alerts in one window
  // writes the registration once per container, not once per alert. Only an optimisation: a
  // window is registered before any alert is held in it, by whoever holds first.
  const registered = new Set<string>();

  const queryAll = async (input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, limit = Number.POSITIVE_INFINITY) => {
    const items: NonNullable<QueryCommandOutput['Items']> = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await callAws('dynamodb', 'Query', () =>
        client.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) })),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  };

  return {
    hold: async (window, alert, keepUntil) => {
      const expiresAt = { N: String(epochSeconds(keepUntil)) };
      if (!registered.has(window.key)) {
        await callAws('dynamodb', 'PutItem', () =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: { pk: { S: OPEN }, sk: { S: openSk(window) }, window: { S: JSON.stringify(window) }, expiresAt },
            }),
          ),
        );
        if (registered.size >= MAX_REMEMBERED) registered.clear();
        registered.add(window.key);
      }
      await callAws('dynamodb', 'PutItem', () =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: { pk: { S: heldPk(window) }, sk: { S: alert.findingId }, alert: { S: JSON.stringify(alert) }, expiresAt },
          }),
        ),
      );
    },
    closedWindows: async (endedBy, limit) => {
      // `<end>#<key>` sorts by end; every key of a window ending at `endedBy` sorts below `<endedBy>$` ('$' follows '#').
      const items = await queryAll(
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :open AND sk < :bound',
          ExpressionAttributeValues: { ':open': { S: OPEN }, ':bound': { S: `${endedBy.toISOString()}$` } },
          ConsistentRead: true,
        },
        limit,
      );
      return items.map((item) => parseStored(WindowSchema, item.window?.S, 'window registration'));
    },
    held: async (window) => {
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: heldPk(window) } },
        ConsistentRead: true,
      });
      return items.map((item) => parseStored(HeldAlertSchema, item.alert?.S, 'held alert') as HeldAlert);
    },
    forget: async (window) => {
      await callAws('dynamodb', 'DeleteItem', () =>
        client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: OPEN }, sk: { S: openSk(window) } } })),
      );
      registered.delete(window.key);
    },
    // The same Query as `held`, through the AWS CLI (which pages on its own): each held alert's JSON.
    listCommand: (window) => [
      'aws',
      'dynamodb',
      'query',
      ...(region ? ['--region', region] : []),
      '--table-name',
      tableName,
      '--key-condition-expression',
      'pk = :pk',
      '--expression-attribute-values',
      JSON.stringify({ ':pk': { S: heldPk(window) } }),
      '--query',
      'Items[].alert.S',
      '--output',
      'json',
    ],
  };
};
