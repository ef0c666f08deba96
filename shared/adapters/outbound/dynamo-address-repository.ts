import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  paginateQuery,
  paginateScan,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './dynamo-batch.js';
import { onceMarked, type MigrationMarker } from './local-migration.js';
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
import { historyFromItem, historyToItem, listedFromItem, softBounceFromItem, stateFromItem, stateToItem } from './address-items.js';
import {
  addressKey,
  historyKey,
  SOFT_SK_PREFIX,
  softBounceKey,
  STATUS_INDEX,
  STATUS_SHARDS,
  statusShardOf,
  TTL_ATTRIBUTE,
} from './tables.js';

/** BatchWriteItem takes at most 25 items; unprocessed ones are retried this many times with backoff. */
const ITEMS_PER_WRITE = 25;
const WRITE_ATTEMPTS = 6;
const WRITES_IN_FLIGHT = 8;

/** The status index's key fields: a shard's place in a list is exactly these, as the index returned them. */
const INDEX_KEY_FIELDS = ['pk', 'sk', 'statusShard', 'statusSort'] as const;

/** The index key fields of an item the status index returned (its place in its shard). */
const indexKeyOf = (item: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(INDEX_KEY_FIELDS.map((field) => [field, String(item[field])]));

/** A shard the list has read to its end. */
const DONE = 'done';
/** Where a list is in one shard: not started, after this index key, or done. */
type ShardPosition = Record<string, string> | null | typeof DONE;

const encodeCursor = (positions: readonly ShardPosition[]): string => JSON.stringify(positions);

/** The shard positions a cursor names; one this repository did not make for this status is refused. */
function decodeCursor(cursor: string, status: string): ShardPosition[] {
  let positions: unknown;
  try {
    positions = JSON.parse(cursor);
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(positions) || positions.length !== STATUS_SHARDS) throw new InvalidCursorError();
  return positions.map((position: unknown, shard) => {
    if (position === null || position === DONE) return position;
    const fields = typeof position === 'object' ? (position as Record<string, unknown>) : {};
    const wellFormed =
      Object.keys(fields).length === INDEX_KEY_FIELDS.length && INDEX_KEY_FIELDS.every((field) => typeof fields[field] === 'string');
    if (!wellFormed || fields.statusShard !== `${status}#${shard}`) throw new InvalidCursorError();
    return fields as Record<string, string>;
  });
}

/** Items each shard is asked for: enough that the merge usually fills a page, far fewer than a page per shard. */
const perShardLimit = (limit: number) => Math.min(limit, Math.ceil((2 * limit) / STATUS_SHARDS) + 4);

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

  /**
   * One page of a status, oldest last-seen first: one index read per shard, merged. The merge only
   * gives items up to the lowest point a shard with more to read has reached (a later read of that
   * shard may hold earlier items), so a page may hold fewer than `limit` and the cursor keeps each
   * shard's place. With filters a read may hold fewer matches than asked; the caller reads on.
   */
  async list(query: ListQuery): Promise<ListPage> {
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = { '#shard': 'statusShard' };
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
    const positions: ShardPosition[] =
      query.cursor === undefined ? Array.from({ length: STATUS_SHARDS }, () => null) : decodeCursor(query.cursor, query.status);
    const reads = await Promise.all(
      positions.map(async (position, shard) => {
        if (position === DONE) return null;
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: STATUS_INDEX,
            KeyConditionExpression: query.since ? '#shard = :shard AND statusSort >= :since' : '#shard = :shard',
            ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ':shard': `${query.status}#${shard}` },
            ScanIndexForward: true,
            Limit: perShardLimit(query.limit),
            ...(position === null ? {} : { ExclusiveStartKey: position }),
          }),
        );
        return { items: page.Items ?? [], next: page.LastEvaluatedKey };
      }),
    );
    const sortOf = (item: Record<string, unknown>) => String(item.statusSort);
    // Every shard with more to read has read up to its `next`: items past the lowest of those wait.
    const frontier = reads.reduce<string | null>((low, read) => {
      if (!read?.next) return low;
      const at = sortOf(read.next);
      return low === null || at < low ? at : low;
    }, null);
    const ready = reads
      .flatMap((read) => read?.items ?? [])
      .filter((item) => frontier === null || sortOf(item) <= frontier)
      .sort((a, b) => (sortOf(a) < sortOf(b) ? -1 : 1))
      .slice(0, query.limit);
    const cut = ready.length === query.limit ? sortOf(ready[ready.length - 1] as Record<string, unknown>) : frontier;
    const given = (item: Record<string, unknown>) => cut === null || sortOf(item) <= cut;
    const next = reads.map((read, shard): ShardPosition => {
      if (read === null) return DONE;
      const taken = read.items.filter(given);
      // Everything this read matched was given: go on after what it read (unmatched items never show).
      if (taken.length === read.items.length) return read.next ? indexKeyOf(read.next) : DONE;
      const last = taken[taken.length - 1];
      return last ? indexKeyOf(last) : (positions[shard] ?? null);
    });
    const items = ready.map((item) => listedFromItem(item));
    return { items, ...(next.every((position) => position === DONE) ? {} : { nextCursor: encodeCursor(next) }) };
  }

  async putState(state: AddressState, expectedVersion: number): Promise<void> {
    const key = addressKey(state.email);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // writtenAt: processing time of this write (not read back): how late a record follows its events.
          Item: {
            ...key,
            ...stateToItem(state),
            statusShard: statusShardOf(state.status, state.email),
            statusSort: `${state.lastSeenAt}#${state.email}`,
            writtenAt: new Date().toISOString(),
          },
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

/** Marks an address table whose records all carry their status index key (`statusShard`). */
const STATUS_SHARDS_MARKER: MigrationMarker = { pk: 'LAYOUT', sk: 'STATUS-SHARDS#1' };

/** What a backfill of status shards did: records read, and those it gave a `statusShard`. */
export interface StatusShardBackfill {
  readonly scanned: number;
  readonly changed: number;
}

/**
 * Gives every address record written before the status index was sharded its `statusShard`, so it is
 * listed again: a parallel scan of `segments` segments (only records without one are returned), and a
 * conditional update per record, so a record the functions rewrite meanwhile keeps the key they gave
 * it. Running it twice changes nothing the second time. `onProgress` hears the running totals.
 */
export async function backfillStatusShards(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly segments?: number; readonly onProgress?: (progress: StatusShardBackfill) => void } = {},
): Promise<StatusShardBackfill> {
  const segments = Math.max(1, options.segments ?? 1);
  let scanned = 0;
  let changed = 0;
  const scanSegment = async (segment: number) => {
    const pages = paginateScan(
      { client },
      {
        TableName: tableName,
        FilterExpression: 'sk = :state AND attribute_not_exists(statusShard)',
        ExpressionAttributeValues: { ':state': 'STATE' },
        ProjectionExpression: 'pk, sk, email, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
      },
    );
    for await (const page of pages) {
      scanned += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) {
        await client
          .send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: item.pk, sk: item.sk },
              UpdateExpression: 'SET statusShard = :shard',
              // A record rewritten meanwhile carries its own (for its new status).
              ConditionExpression: 'attribute_not_exists(statusShard) AND #status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':shard': statusShardOf(String(item.status), String(item.email)), ':status': item.status },
            }),
          )
          .then(
            () => changed++,
            (error: unknown) => {
              if (!(error instanceof ConditionalCheckFailedException)) throw error;
            },
          );
      }
      options.onProgress?.({ scanned, changed });
    }
  };
  await Promise.all(Array.from({ length: segments }, (_, segment) => scanSegment(segment)));
  return { scanned, changed };
}

/**
 * For a local data folder written before the status index was sharded: the backfill above, once (a
 * marker item records that it ran). Resolves with how many records it changed.
 */
export function backfillLocalStatusShards(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  return onceMarked(client, tableName, STATUS_SHARDS_MARKER, async () => (await backfillStatusShards(client, tableName)).changed);
}
