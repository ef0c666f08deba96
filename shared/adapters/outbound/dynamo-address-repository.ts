import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, paginateQuery, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './dynamo-batch.js';
import { forEachLimited } from '../../app/concurrency.js';
import { InvalidCursorError, VersionConflictError } from '../../app/errors.js';
import { softBounceWindowOf } from '../../app/ports.js';
import type {
  AddressRepository,
  HistoryWrite,
  HistoryWriteResult,
  ListPage,
  ListQuery,
  SoftBounceItem,
  SoftBounceWindow,
} from '../../app/ports.js';
import type { AddressState, HistoryEntry } from '../../domain/index.js';
import { historyFromItem, historyToItem, softBounceFromItem, stateFromItem, stateToItem } from './address-items.js';
import { ADDRESS_TABLE, addressKey, historyKey, SOFT_SK_PREFIX, softBounceKey, TTL_ATTRIBUTE } from './tables.js';

/** BatchWriteItem takes at most 25 items; unprocessed ones are retried this many times with backoff. */
const ITEMS_PER_WRITE = 25;
const WRITE_ATTEMPTS = 6;
const WRITES_IN_FLIGHT = 8;

const STATUS_INDEX = ADDRESS_TABLE.indexes[0]?.name ?? 'byStatus';

/** The status index's key fields: a list cursor is exactly these, as the index returned them. */
const INDEX_KEY_FIELDS = ['pk', 'sk', 'status', 'statusSort'] as const;

const encodeCursor = (key: Record<string, unknown>): string => JSON.stringify(key);

/** The index key a cursor names; one this repository did not make for this status is refused. */
function decodeCursor(cursor: string, status: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(cursor);
  } catch {
    throw new InvalidCursorError();
  }
  const fields = typeof key === 'object' && key !== null ? (key as Record<string, unknown>) : {};
  const wellFormed =
    Object.keys(fields).length === INDEX_KEY_FIELDS.length && INDEX_KEY_FIELDS.every((field) => typeof fields[field] === 'string');
  if (!wellFormed || fields.status !== status) throw new InvalidCursorError();
  return fields as Record<string, string>;
}

/** Address state, windows and history in the address table (see tables.ts). */
export class DynamoAddressRepository implements AddressRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getState(email: string): Promise<AddressState | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: addressKey(email), ConsistentRead: true }));
    return Item ? stateFromItem(Item) : null;
  }

  async inReview(emails: readonly string[]): Promise<Set<string>> {
    // Eventually consistent, half the price of every delivery's read: a review written under a second ago
    // may be missed, and the address then stays in review (held, never suppressed) until the next delivery.
    // A review written by this batch is known without reading (AddressHints.changedInBatch).
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(emails)].map(addressKey),
      { expression: 'email, #status', names: { '#status': 'status' } },
      { consistent: false },
    );
    return new Set(items.filter((item) => item.status === 'review').map((item) => String(item.email)));
  }

  async getStates(emails: readonly string[]): Promise<Map<string, AddressState>> {
    const items = await batchGetAll(this.client, this.tableName, [...new Set(emails)].map(addressKey));
    return new Map(items.map((item) => [String(item.email), stateFromItem(item)]));
  }

  async history(email: string, limit: number): Promise<HistoryEntry[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hist)',
        ExpressionAttributeValues: { ':pk': addressKey(email).pk, ':hist': 'HIST#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => historyFromItem(item));
  }

  async list(query: ListQuery): Promise<ListPage> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':status': query.status };
    const names: Record<string, string> = { '#status': 'status' };
    if (query.reason) {
      filters.push('#reason = :reason');
      names['#reason'] = 'reason';
      values[':reason'] = query.reason;
    }
    if (query.campaign) {
      filters.push('#campaign = :campaign');
      names['#campaign'] = 'campaign';
      values[':campaign'] = query.campaign;
    }
    if (query.since) values[':since'] = query.since;
    // One index read: with filters it may hold fewer matches than asked; the caller decides whether to read on.
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: STATUS_INDEX,
        KeyConditionExpression: query.since ? '#status = :status AND statusSort >= :since' : '#status = :status',
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
        Limit: query.limit,
        ExclusiveStartKey: query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.status),
      }),
    );
    const items = (page.Items ?? []).map((item) => stateFromItem(item));
    return { items, ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }

  async putState(state: AddressState, expectedVersion: number): Promise<void> {
    const key = addressKey(state.email);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // writtenAt: processing time of this write (not read back): how late a record follows its events.
          Item: { ...key, ...stateToItem(state), statusSort: `${state.lastSeenAt}#${state.email}`, writtenAt: new Date().toISOString() },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError('address record');
      throw error;
    }
  }

  async putHistory(entry: HistoryEntry, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...historyKey(entry.email, entry.at, entry.eventId), ...historyToItem(entry), [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  }

  async putHistories(entries: readonly HistoryWrite[]): Promise<HistoryWriteResult> {
    const keyOf = ({ entry }: HistoryWrite) => historyKey(entry.email, entry.at, entry.eventId);
    const keyText = (key: Record<string, unknown>) => `${String(key.pk)}\u0000${String(key.sk)}`;
    // One write per key: BatchWriteItem refuses a request that names a key twice.
    const unique = [...new Map(entries.map((write) => [keyText(keyOf(write)), write])).values()];
    const chunks: HistoryWrite[][] = [];
    for (let start = 0; start < unique.length; start += ITEMS_PER_WRITE) chunks.push(unique.slice(start, start + ITEMS_PER_WRITE));
    const result: { unwritten: HistoryEntry[]; errors: unknown[] } = { unwritten: [], errors: [] };
    // A few requests at a time: a maximal batch's thousands of entries do not land as one burst.
    await forEachLimited(chunks, WRITES_IN_FLIGHT, async (chunk) => {
      let pending = chunk;
      try {
        for (let attempt = 0; pending.length > 0 && attempt < WRITE_ATTEMPTS; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
          const requests = pending.map((write) => ({
            PutRequest: { Item: { ...keyOf(write), ...historyToItem(write.entry), [TTL_ATTRIBUTE]: write.expiresAt } },
          }));
          const { UnprocessedItems } = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
          const left = new Set((UnprocessedItems?.[this.tableName] ?? []).map((request) => keyText(request.PutRequest?.Item ?? {})));
          pending = pending.filter((write) => left.has(keyText(keyOf(write))));
        }
        if (pending.length > 0) result.errors.push(new Error(`history batch write left ${pending.length} items unprocessed`));
      } catch (error) {
        result.errors.push(error);
      }
      result.unwritten.push(...pending.map((write) => write.entry));
    });
    return result;
  }

  async putSoftBounce(item: SoftBounceItem): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...softBounceKey(item.email, item.eventId), ...item, [TTL_ATTRIBUTE]: item.expiresAt },
          // One item per event: a redelivery dated otherwise keeps the earliest time, in whatever order they come.
          ConditionExpression: 'attribute_not_exists(sk) OR occurredAt > :occurredAt',
          ExpressionAttributeValues: { ':occurredAt': item.occurredAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // an earlier delivery of it is kept
    }
  }

  async softBounceWindow(email: string, now: Date, since: string | null): Promise<SoftBounceWindow> {
    const read: SoftBounceItem[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :soft)',
        // TTL deletes hours or days late: an expired item is outside the window whatever the table holds.
        // After a release only the soft bounces since then count.
        FilterExpression: since === null ? '#ttl > :now' : '#ttl > :now AND occurredAt > :since',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':pk': addressKey(email).pk,
          ':soft': SOFT_SK_PREFIX,
          ':now': Math.floor(now.getTime() / 1000),
          ...(since === null ? {} : { ':since': since }),
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) read.push(softBounceFromItem(email, item, TTL_ATTRIBUTE));
    return softBounceWindowOf(read);
  }
}
