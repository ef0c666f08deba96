import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ErasedItems, ErasureStore } from '../../app/ports.js';
import {
  BOUNCE_CATEGORIES,
  domainOf,
  OUTCOME_CATEGORIES,
  SUPPRESSION_REASONS,
  SUPPRESSION_STATUSES,
  type Tombstone,
} from '../../domain/index.js';
import { fieldsOf } from './address-items.js';
import { batchGetAll } from './dynamo-batch.js';
import { addressKey, bodyKey, outboundKey, PERSONAL_BODY_SK_PREFIX, RETRY_SK_PREFIX, tombstoneKey } from './tables.js';
import { namesAddress } from './message-bodies.js';

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

const TOMBSTONE_PREFIX = 'ERASED#';
const CATEGORIES = [...BOUNCE_CATEGORIES, ...OUTCOME_CATEGORIES] as const;
/** BatchWriteItem takes 25 requests at most. */
const DELETES_PER_REQUEST = 25;
const ATTEMPTS = 6;

function tombstoneFromItem(item: Item): Tombstone {
  const f = fieldsOf('tombstone', item);
  return {
    status: f.oneOf('verdict', SUPPRESSION_STATUSES),
    reason: f.oneOf('reason', SUPPRESSION_REASONS),
    category: f.optionalOneOf('category', CATEGORIES),
    firstSeenAt: f.string('firstSeenAt'),
    lastSeenAt: f.string('lastSeenAt'),
    erasedAt: f.string('erasedAt'),
    erasedBy: f.optionalString('erasedBy'),
    erasureReason: f.optionalString('erasureReason'),
    releasedAt: f.optionalString('releasedAt'),
    releasedBy: f.optionalString('releasedBy'),
    version: f.number('version'),
  };
}

/** `verdict`, not `status`, and no `statusShard`: the status index must never list a tombstone. */
function tombstoneToItem(tombstone: Tombstone): Item {
  const { status, ...rest } = tombstone;
  return { verdict: status, ...rest };
}

/** The message ids an item of the address's partition names (history, soft bounce evidence, retry state). */
function messageIdsOf(item: Item): string[] {
  const evidence = typeof item.evidence === 'object' && item.evidence !== null ? (item.evidence as Item) : {};
  return [item.messageId, evidence.messageId, item.originalMessageId, item.lastMessageId].filter(
    (id): id is string => typeof id === 'string' && id !== '',
  );
}

/** Tombstones in the address table and the deletion of an address's data from both tables (see tables.ts). */
export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly addressTable: string,
    private readonly campaignTable: string,
  ) {}

  async getTombstone(key: string): Promise<Tombstone | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.addressTable, Key: tombstoneKey(key), ConsistentRead: true }));
    return Item ? tombstoneFromItem(Item) : null;
  }

  async getTombstones(keys: readonly string[]): Promise<Map<string, Tombstone>> {
    const items = await batchGetAll(this.client, this.addressTable, [...new Set(keys)].map(tombstoneKey));
    return new Map(items.map((item) => [String(item.pk).slice(TOMBSTONE_PREFIX.length), tombstoneFromItem(item)]));
  }

  async putTombstone(key: string, tombstone: Tombstone, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.addressTable,
          Item: { ...tombstoneKey(key), ...tombstoneToItem(tombstone) },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async deleteAddressData(email: string, recordVersion: number): Promise<ErasedItems | null> {
    const partition = await this.queryAll({
      TableName: this.addressTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': addressKey(email).pk },
      ConsistentRead: true,
    });
    // The record goes first and only over the version the caller read: an event applied meanwhile
    // must reach the tombstone, not vanish with the record.
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.addressTable,
          Key: addressKey(email),
          ConditionExpression: recordVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(recordVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': recordVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
    const rest = partition.filter((item) => item.sk !== addressKey(email).sk);
    const ofKind = (prefix: string) => rest.filter((item) => String(item.sk).startsWith(prefix)).length;
    await this.deleteAll(
      this.addressTable,
      rest.map((item) => ({ pk: item.pk, sk: item.sk })),
    );

    // Copies of sent messages are keyed by message id: those the address's items name, if they were sent to it.
    const messageIds = [...new Set(partition.flatMap(messageIdsOf))];
    const sent = (
      await batchGetAll(this.client, this.addressTable, messageIds.map(outboundKey), {
        expression: 'pk, sk, #to, bodyHash',
        names: { '#to': 'to' },
      })
    ).filter((item) => item.to === email);
    // A message that names the address is kept in its partition (deleted above). A shared one serves
    // every send of its content: it goes only when it names the address anyway; a campaign's holds no
    // one's data, and its other recipients' retries need it. Retry states name theirs; records of
    // earlier versions name a body of the content alone.
    const retryStates = partition.filter((item) => String(item.sk).startsWith(RETRY_SK_PREFIX));
    const hashes = [
      ...new Set([...sent, ...retryStates].map((item) => item.bodyHash).filter((hash): hash is string => typeof hash === 'string')),
    ];
    const bodies = (await batchGetAll(this.client, this.addressTable, hashes.map(bodyKey))).filter((item) =>
      namesAddress(item.content, email),
    );
    await this.deleteAll(
      this.addressTable,
      [...sent, ...bodies].map((item) => ({ pk: item.pk, sk: item.sk })),
    );

    const delays = await this.queryAll({
      TableName: this.campaignTable,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'email = :email',
      ExpressionAttributeValues: { ':pk': `DELAY#${domainOf(email)}`, ':email': email },
      ProjectionExpression: 'pk, sk',
    });
    await this.deleteAll(this.campaignTable, delays);
    return {
      records: recordVersion === 0 ? 0 : 1,
      history: ofKind('HIST#'),
      softBounces: ofKind('SOFT#'),
      retries: ofKind('RETRY#'),
      sentMessages: sent.length + ofKind(PERSONAL_BODY_SK_PREFIX),
      deliveryDelays: delays.length,
    };
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Key | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...((page.Items ?? []) as Item[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Deletes by key, 25 at a time; unprocessed requests are retried with backoff. */
  private async deleteAll(tableName: string, keys: readonly Key[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETES_PER_REQUEST) {
      let pending = keys.slice(start, start + DELETES_PER_REQUEST).map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 0; pending.length > 0 && attempt < ATTEMPTS; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        const response: BatchWriteCommandOutput = await this.client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (response.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
      if (pending.length > 0) throw new Error(`erasure left ${pending.length} items of ${tableName} undeleted`);
    }
  }
}
