import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  paginateQuery,
  paginateScan,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './dynamo-batch.js';
import { forEachLimited } from '../../app/concurrency.js';
import { onceMarked, type MigrationMarker } from './local-migration.js';
import {
  combinedIdKey,
  counterIdKey,
  type CampaignCounterRepository,
  type CampaignPeriod,
  type CombinedId,
  type CampaignReader,
  type CataloguePage,
  type CounterId,
  type DelayReader,
  type DeliveryDelayItem,
  type DeliveryDelayRepository,
  type HourTotals,
  type StoredCombined,
  type StoredCounter,
} from '../../app/ports.js';
import {
  dayOfHour,
  decodeSketch,
  isHour,
  encodeSketch,
  estimateDistinct,
  EXACT_LIMIT,
  isEncodedEstimate,
  mergeTotals,
  sumCounters,
  unionSketches,
  type CombinedCounters,
  type CounterTotals,
  type DistinctSketch,
  type StoredCount,
} from '../../domain/index.js';
import { dynamoItemBytes, WRITE_UNIT_BYTES } from './item-size.js';
import {
  activeKey,
  catalogueKey,
  catalogueOfSortKey,
  combinedKey,
  COMBINED_COUNTERS,
  counterKey,
  counterOfSortKey,
  counterSpan,
  delayKey,
  periodKey,
  TTL_ATTRIBUTE,
} from './tables.js';

/** Activity-marker partitions the health finder reads at once. */
const ACTIVITY_QUERIES_IN_FLIGHT = 8;

/** One stored shard of a campaign-hour counter, as the read side sees it. */
interface CounterShard {
  readonly hour: string;
  readonly name: string;
  readonly count: number;
  readonly sketch: Uint8Array | null;
}

/**
 * A counter's count over its shards: the stored estimate of a single shard, or the estimate of the
 * union of the shards' sketches (never the sum: one event may have been counted in two shards).
 */
function mergedCount(shards: readonly CounterShard[]): number {
  if (shards.length === 1) return shards[0]?.count ?? 0;
  return estimateDistinct(unionSketches(shards.flatMap((shard) => (shard.sketch ? [decodeSketch(shard.sketch)] : []))));
}

/** A counter-hour over its shards: an estimate when any shard's sketch is one, or the union of several is past the exact limit. */
function mergedShards(name: string, shards: readonly CounterShard[]): StoredCount {
  const count = mergedCount(shards);
  const estimated =
    shards.some((shard) => shard.sketch !== null && isEncodedEstimate(shard.sketch)) || (shards.length > 1 && count > EXACT_LIMIT);
  return { name, count, estimated };
}

/** The attribute of a combined item that maps counter names to their sketches. */
const COMBINED_ATTRIBUTE = 'counters';

function combinedItem(id: CombinedId, combined: CombinedCounters): Record<string, unknown> {
  return {
    ...combinedKey(id.campaign, id.hour, id.shard),
    [COMBINED_ATTRIBUTE]: Object.fromEntries([...combined.sketches].map(([name, sketch]) => [name, encodeSketch(sketch)])),
    out: [...combined.out],
  };
}

/** A stored combined item's counters (a sketch that does not decode throws, as an own item's does: never rewritten without it). */
function combinedOf(item: Record<string, unknown>): CombinedCounters {
  const held = item[COMBINED_ATTRIBUTE];
  const sketches = new Map<string, DistinctSketch>();
  if (held !== null && typeof held === 'object') {
    for (const [name, bytes] of Object.entries(held)) if (bytes instanceof Uint8Array) sketches.set(name, decodeSketch(bytes));
  }
  const out = Array.isArray(item.out) ? item.out.filter((name): name is string => typeof name === 'string') : [];
  return { sketches, out };
}

/** Every hour from `fromHour` to `toHour` inclusive (`YYYY-MM-DDTHH`). */
function hoursBetween(fromHour: string, toHour: string): string[] {
  const hours: string[] = [];
  for (let at = Date.parse(`${fromHour}:00:00Z`); at <= Date.parse(`${toHour}:00:00Z`); at += 3600_000)
    hours.push(new Date(at).toISOString().slice(0, 13));
  return hours;
}

/** Campaign counters, active-campaign markers and delivery delays in the campaign table. */
export class DynamoCampaignRepository implements CampaignCounterRepository, DeliveryDelayRepository, CampaignReader, DelayReader {
  /** Markers this container already wrote: one write per campaign-hour per container, not per batch. */
  private readonly markedActive = new Set<string>();
  /** Campaign-hours this container already widened the period to. */
  private readonly recordedPeriods = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readCounters(
    ids: readonly CounterId[],
    read: { readonly recent: boolean } = { recent: false },
  ): Promise<Map<string, StoredCounter>> {
    const keyOf = (id: CounterId) => counterKey(id.campaign, id.hour, id.name, id.shard);
    const items = await batchGetAll(this.client, this.tableName, ids.map(keyOf), undefined, { consistent: !read.recent });
    const byKey = new Map(ids.map((id) => [`${keyOf(id).pk}\u0000${keyOf(id).sk}`, id]));
    const stored = new Map<string, StoredCounter>();
    for (const item of items) {
      const id = byKey.get(`${String(item.pk)}\u0000${String(item.sk)}`);
      if (id && item.sketch instanceof Uint8Array)
        stored.set(counterIdKey(id), { sketch: decodeSketch(item.sketch), version: Number(item.version) });
    }
    return stored;
  }

  async writeCounter(id: CounterId, sketch: DistinctSketch, estimate: number, expectedVersion: number): Promise<boolean> {
    return this.putVersioned(
      { ...counterKey(id.campaign, id.hour, id.name, id.shard), sketch: encodeSketch(sketch), count: estimate },
      expectedVersion,
    );
  }

  async readCombined(
    ids: readonly CombinedId[],
    read: { readonly recent: boolean } = { recent: false },
  ): Promise<Map<string, StoredCombined>> {
    const keyOf = (id: CombinedId) => combinedKey(id.campaign, id.hour, id.shard);
    const items = await batchGetAll(this.client, this.tableName, ids.map(keyOf), undefined, { consistent: !read.recent });
    const byKey = new Map(ids.map((id) => [`${keyOf(id).pk}\u0000${keyOf(id).sk}`, id]));
    const stored = new Map<string, StoredCombined>();
    for (const item of items) {
      const id = byKey.get(`${String(item.pk)}\u0000${String(item.sk)}`);
      if (id) stored.set(combinedIdKey(id), { ...combinedOf(item), version: Number(item.version) });
    }
    return stored;
  }

  async writeCombined(id: CombinedId, combined: CombinedCounters, expectedVersion: number): Promise<boolean> {
    return this.putVersioned(combinedItem(id, combined), expectedVersion);
  }

  combinedFits(id: CombinedId, combined: CombinedCounters): boolean {
    return dynamoItemBytes({ ...combinedItem(id, combined), version: 1_000_000 }) <= WRITE_UNIT_BYTES;
  }

  /** Puts the item with `version` one past `expectedVersion`, only if the stored one is that (0: none). */
  private async putVersioned(item: Record<string, unknown>, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...item, version: expectedVersion + 1 },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': expectedVersion },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One marker per campaign-day (the container remembers the days it marked). */
  async markActive(campaign: string, hour: string): Promise<void> {
    const day = dayOfHour(hour);
    const id = `${day}\u0000${campaign}`;
    if (this.markedActive.has(id)) return;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...activeKey(day, campaign), campaign, day } }));
    this.markedActive.add(id);
  }

  /**
   * The period item keeps the day of the campaign's last activity and moves forward only (a condition
   * on `lastDay`); the catalogue entry follows it: put at the new day, removed from the old. So a
   * campaign sending every hour costs three writes a day, not three an hour; its first and last hours
   * are read from its counters. An entry the period item no longer names (two containers moving it at
   * once, or a crash between the writes) is skipped by readers. A day that is not newer may repair an
   * entry a crash left unwritten. A period item of the previous layout (`lastHour`) moves on the first
   * later day, and its hour-keyed entry goes.
   */
  async recordPeriod(campaign: string, hour: string): Promise<void> {
    const day = dayOfHour(hour);
    const id = `${day}\u0000${campaign}`;
    if (this.recordedPeriods.has(id)) return;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: periodKey(campaign),
          UpdateExpression: 'SET lastDay = :day, campaign = :campaign REMOVE lastHour, firstHour',
          ConditionExpression:
            '(attribute_not_exists(lastDay) AND (attribute_not_exists(lastHour) OR lastHour < :dayStart)) OR lastDay < :day',
          ExpressionAttributeValues: { ':day': day, ':dayStart': `${day}T00`, ':campaign': campaign },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...catalogueKey(day, campaign) } }));
      const previous =
        typeof Attributes?.lastDay === 'string'
          ? Attributes.lastDay
          : typeof Attributes?.lastHour === 'string'
            ? Attributes.lastHour
            : null;
      if (previous !== null && previous !== day)
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: catalogueKey(previous, campaign) }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: periodKey(campaign), ConsistentRead: true }),
      );
      if (Item?.lastDay === day)
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...catalogueKey(day, campaign) } }));
    }
    this.recordedPeriods.add(id);
  }

  /** First and last counted hours: two one-item Queries on the campaign's counters, newest and oldest. */
  async period(campaign: string): Promise<CampaignPeriod | null> {
    const edge = async (newest: boolean): Promise<string | null> => {
      const { Items } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': counterKey(campaign, '', '').pk },
          ProjectionExpression: 'sk',
          ScanIndexForward: !newest,
          Limit: 1,
        }),
      );
      const sk = Items?.[0]?.sk;
      return typeof sk === 'string' ? counterOfSortKey(sk).hour : null;
    };
    // Both at once: a catalogue page reads the period of each of its campaigns.
    const [lastHour, firstHour] = await Promise.all([edge(true), edge(false)]);
    if (lastHour === null) return null;
    return { campaign, firstHour: firstHour ?? lastHour, lastHour };
  }

  /**
   * One page of the catalogue, newest day of last activity first: a range of one partition, then each
   * entry's period from its counters (two one-item Queries), which drops entries a moved period left
   * behind (their day is no longer the last) and campaigns whose last hour is outside the span. Within
   * a page, newest last hour first.
   */
  async catalogue(query: { sinceHour: string; untilHour: string; limit: number; cursor?: string }): Promise<CataloguePage> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': catalogueKey('', '').pk,
          ':from': `${dayOfHour(query.sinceHour)}#`,
          // `~` sorts after `#` and `T`: the span's last day, in either layout.
          ':to': `${dayOfHour(query.untilHour)}~`,
        },
        ScanIndexForward: false,
        Limit: query.limit,
        ...(query.cursor ? { ExclusiveStartKey: { ...catalogueKey('', ''), sk: query.cursor } } : {}),
      }),
    );
    const entries = (Items ?? []).map((item) => catalogueOfSortKey(String(item.sk)));
    const seen = new Set<string>();
    const unique = entries.filter((entry) => !seen.has(entry.campaign) && seen.add(entry.campaign));
    const periods = await Promise.all(unique.map(async (entry) => ({ entry, period: await this.period(entry.campaign) })));
    const found = periods
      .flatMap(({ entry, period }) =>
        period && dayOfHour(period.lastHour) === entry.lastDay && period.lastHour >= query.sinceHour && period.lastHour <= query.untilHour
          ? [period]
          : [],
      )
      .sort((a, b) => (a.lastHour === b.lastHour ? (a.campaign < b.campaign ? 1 : -1) : a.lastHour < b.lastHour ? 1 : -1));
    const next = LastEvaluatedKey?.sk;
    return { periods: found, ...(typeof next === 'string' ? { nextCursor: next } : {}) };
  }

  async putDelay(item: DeliveryDelayItem): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...delayKey(item.domain, item.occurredAt, item.eventId), ...item, [TTL_ATTRIBUTE]: item.expiresAt },
      }),
    );
  }

  async delaysSince(domain: string, since: string, now: Date): Promise<DeliveryDelayItem[]> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const found: DeliveryDelayItem[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :since',
        ExpressionAttributeValues: { ':pk': delayKey(domain, '', '').pk, ':since': since },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        // TTL deletes late: an expired record is gone as far as readers are concerned.
        if (typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds) continue;
        found.push({
          domain: String(item.domain),
          eventId: String(item.eventId),
          occurredAt: String(item.occurredAt),
          email: String(item.email),
          category: String(item.category),
          enhancedCode: typeof item.enhancedCode === 'string' ? item.enhancedCode : null,
          campaign: typeof item.campaign === 'string' ? item.campaign : null,
          expiresAt: Number(item.expiresAt),
        });
      }
    }
    return found;
  }

  async activeHours(campaign: string, hours: readonly string[]): Promise<string[]> {
    const active = new Set<string>();
    for await (const item of this.counterItems(campaign, hours, false)) active.add(item.hour);
    return [...active].sort();
  }

  /** One Query over the span, whatever the campaign's age: the health check's one read of a campaign's lifetime. */
  async hourlyTotals(campaign: string, fromHour: string, toHour: string): Promise<HourTotals[]> {
    return [...(await this.totalsByHour(campaign, hoursBetween(fromHour, toHour)))].map(([hour, totals]) => ({ hour, totals }));
  }

  async totals(campaign: string, hours: readonly string[]): Promise<CounterTotals> {
    return mergeTotals((await this.totalsByHour(campaign, hours)).values());
  }

  /** The counters of each active hour among these, shards merged, oldest hour first (one Query). */
  private async totalsByHour(campaign: string, hours: readonly string[]): Promise<Map<string, CounterTotals>> {
    const shards = new Map<string, Map<string, CounterShard[]>>();
    for await (const item of this.counterItems(campaign, hours, true)) {
      const names = shards.get(item.hour) ?? new Map<string, CounterShard[]>();
      shards.set(item.hour, names);
      names.set(item.name, [...(names.get(item.name) ?? []), item]);
    }
    const byHour = new Map<string, CounterTotals>();
    for (const hour of [...shards.keys()].sort()) {
      byHour.set(hour, sumCounters([...(shards.get(hour) ?? [])].map(([name, parts]) => mergedShards(name, parts))));
    }
    return byHour;
  }

  /**
   * The counter items of these hours: one Query over the span from the first hour to the last (a
   * few pages for a campaign busy for weeks), keeping only the hours asked for.
   */
  private async *counterItems(campaign: string, hours: readonly string[], withSketches: boolean): AsyncGenerator<CounterShard> {
    if (hours.length === 0) return;
    const wanted = new Set(hours);
    const sorted = [...wanted].sort();
    const span = counterSpan(sorted[0] ?? '', sorted.at(-1) ?? '');
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': counterKey(campaign, '', '').pk, ':from': span.from, ':to': span.to },
        ...(withSketches
          ? {
              ProjectionExpression: 'sk, #count, sketch, #counters',
              ExpressionAttributeNames: { '#count': 'count', '#counters': COMBINED_ATTRIBUTE },
            }
          : { ProjectionExpression: 'sk' }),
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { hour, name } = counterOfSortKey(String(item.sk));
        if (!wanted.has(hour)) continue;
        if (name === COMBINED_COUNTERS) {
          // Each counter of the combined item is one more shard of that counter to the readers.
          if (!withSketches) yield { hour, name, count: 0, sketch: null };
          for (const [counter, sketch] of combinedOf(item).sketches) {
            yield { hour, name: counter, count: estimateDistinct(sketch), sketch: encodeSketch(sketch) };
          }
          continue;
        }
        yield {
          hour,
          name,
          count: typeof item.count === 'number' ? item.count : 0,
          sketch: item.sketch instanceof Uint8Array ? item.sketch : null,
        };
      }
    }
  }
  /**
   * The campaigns marked on the days of these hours (so a few more than were active in the hours
   * themselves: the rest of those days), and in these hours' partitions of the previous hour-keyed
   * layout, so a deploy of this layout loses none of the last day's campaigns.
   */
  async campaignsActiveIn(hours: readonly string[]): Promise<string[]> {
    const partitions = new Set([...hours.map(dayOfHour), ...hours]);
    const campaigns = new Set<string>();
    // A few at once: a pass after a long pause (a fast clock) asks for many hours.
    await forEachLimited([...partitions], ACTIVITY_QUERIES_IN_FLIGHT, async (dayOrHour) => {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': activeKey(dayOrHour, '').pk },
          ProjectionExpression: 'sk',
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) campaigns.add(String(item.sk));
      }
    });
    return [...campaigns].sort();
  }
}

/** Marks a campaign table whose counters are on the one-Query layout (`COUNT#<campaign>` / `<hour>#<name>#<shard>`). */
const LAYOUT_MARKER: MigrationMarker = { pk: 'LAYOUT', sk: 'COUNTERS#2' };

/**
 * For a local data folder written before counters were keyed per campaign: moves every counter item
 * of the old layout (`COUNT#<campaign>#<hour>` / `<name>`) to shard 0 of the new one, once (a marker
 * item records that it ran). A scan: for the local runtime's own tables, never a deployed table.
 * Resolves with how many counters moved.
 */
export function migrateLocalCounterKeys(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  return onceMarked(client, tableName, LAYOUT_MARKER, async () => {
    let moved = 0;
    const pages = paginateScan(
      { client },
      {
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :count) AND NOT contains(sk, :hash)',
        ExpressionAttributeValues: { ':count': 'COUNT#', ':hash': '#' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const oldPk = String(item.pk);
        const cut = oldPk.lastIndexOf('#');
        const campaign = oldPk.slice('COUNT#'.length, cut);
        const { pk: _pk, sk: _sk, ...fields } = item;
        await client
          .send(
            new PutCommand({
              TableName: tableName,
              Item: { ...fields, ...counterKey(campaign, oldPk.slice(cut + 1), String(item.sk)) },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          )
          .catch((error: unknown) => {
            // Moved by a run that stopped before the marker: the old item only remains to delete.
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          });
        await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
        moved++;
      }
    }
    return moved;
  });
}

/** Marks a campaign table whose campaigns all have a period item and a catalogue entry. */
const PERIODS_MARKER: MigrationMarker = { pk: 'LAYOUT', sk: 'PERIODS#1' };

/**
 * For a local data folder written before campaigns had periods: puts each counted campaign in the
 * catalogue at the day of its last counted hour (so old campaigns are listed; first and last hours are
 * read from the counters), once (a marker item records that it ran). A scan: for the local runtime's
 * own tables, never a deployed table. Resolves with how many campaigns.
 */
export function backfillLocalCampaignPeriods(client: DynamoDBDocumentClient, tableName: string): Promise<number> {
  return onceMarked(client, tableName, PERIODS_MARKER, async () => {
    const lastHours = new Map<string, string>();
    const pages = paginateScan(
      { client },
      {
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :count)',
        ExpressionAttributeValues: { ':count': 'COUNT#' },
        ProjectionExpression: 'pk, sk',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const campaign = String(item.pk).slice('COUNT#'.length);
        const { hour } = counterOfSortKey(String(item.sk));
        const last = lastHours.get(campaign);
        if (isHour(hour) && (last === undefined || hour > last)) lastHours.set(campaign, hour);
      }
    }
    const repository = new DynamoCampaignRepository(client, tableName);
    for (const [campaign, lastHour] of lastHours) await repository.recordPeriod(campaign, lastHour);
    return lastHours.size;
  });
}
