import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './dynamo-batch.js';
import {
  counterIdKey,
  type CampaignCounterRepository,
  type CampaignReader,
  type CounterId,
  type DelayReader,
  type DeliveryDelayItem,
  type DeliveryDelayRepository,
  type HourTotals,
  type StoredCounter,
} from '../../app/ports.js';
import {
  decodeSketch,
  encodeSketch,
  isEncodedEstimate,
  sumCounters,
  type CounterTotals,
  type DistinctSketch,
  type StoredCount,
} from '../../domain/index.js';
import { activeKey, counterKey, delayKey, TTL_ATTRIBUTE } from './tables.js';

/** Campaign counters, active-campaign markers and delivery delays in the campaign table. */
export class DynamoCampaignRepository implements CampaignCounterRepository, DeliveryDelayRepository, CampaignReader, DelayReader {
  /** Markers this container already wrote: one write per campaign-hour per container, not per batch. */
  private readonly markedActive = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readCounters(ids: readonly CounterId[]): Promise<Map<string, StoredCounter>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      ids.map((id) => counterKey(id.campaign, id.hour, id.name)),
    );
    const byKey = new Map(ids.map((id) => [`${counterKey(id.campaign, id.hour, id.name).pk}\u0000${id.name}`, id]));
    const stored = new Map<string, StoredCounter>();
    for (const item of items) {
      const id = byKey.get(`${String(item.pk)}\u0000${String(item.sk)}`);
      if (id && item.sketch instanceof Uint8Array)
        stored.set(counterIdKey(id), { sketch: decodeSketch(item.sketch), version: Number(item.version) });
    }
    return stored;
  }

  async writeCounter(id: CounterId, sketch: DistinctSketch, estimate: number, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...counterKey(id.campaign, id.hour, id.name),
            sketch: encodeSketch(sketch),
            count: estimate,
            version: expectedVersion + 1,
          },
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

  async markActive(campaign: string, hour: string): Promise<void> {
    const id = `${hour}\u0000${campaign}`;
    if (this.markedActive.has(id)) return;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...activeKey(hour, campaign), campaign, hour } }));
    this.markedActive.add(id);
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
    const items = await batchGetAll(
      this.client,
      this.tableName,
      hours.map((hour) => activeKey(hour, campaign)),
    );
    return items.map((item) => String(item.hour)).sort();
  }

  async campaignsActiveIn(hours: readonly string[]): Promise<string[]> {
    const campaigns = new Set<string>();
    for (const hour of hours) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': activeKey(hour, '').pk },
          ProjectionExpression: 'sk',
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) campaigns.add(String(item.sk));
      }
    }
    return [...campaigns].sort();
  }

  /**
   * On this layout (one counter partition per campaign-hour) it costs the activity markers of the span
   * (one BatchGet per 100 hours) plus one Query per active hour; a layout with one partition per
   * campaign answers it with one Query.
   */
  async hourlyTotals(campaign: string, fromHour: string, toHour: string): Promise<HourTotals[]> {
    const hours: string[] = [];
    for (let at = Date.parse(`${fromHour}:00:00Z`); at <= Date.parse(`${toHour}:00:00Z`); at += 3600_000)
      hours.push(new Date(at).toISOString().slice(0, 13));
    const active = await this.activeHours(campaign, hours);
    return Promise.all(active.map(async (hour) => ({ hour, totals: await this.totals(campaign, [hour]) })));
  }

  async totals(campaign: string, hours: readonly string[]): Promise<CounterTotals> {
    const stored: StoredCount[] = [];
    for (const hour of hours) {
      const pages = paginateQuery(
        { client: this.client },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': counterKey(campaign, hour, '').pk },
          // The sketch's format byte says whether the count is an estimate; a projection saves no read units.
          ProjectionExpression: 'sk, #count, sketch',
          ExpressionAttributeNames: { '#count': 'count' },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          if (typeof item.count !== 'number') continue;
          const estimated = item.sketch instanceof Uint8Array && isEncodedEstimate(item.sketch);
          stored.push({ name: String(item.sk), count: item.count, estimated });
        }
      }
    }
    return sumCounters(stored);
  }
}
