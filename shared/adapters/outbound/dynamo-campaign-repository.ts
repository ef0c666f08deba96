import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './dynamo-batch.js';
import type {
  CampaignCounterRepository,
  CampaignReader,
  DelayReader,
  DeliveryDelayItem,
  DeliveryDelayRepository,
} from '../../app/ports.js';
import { OUTCOME_SHARDS, VOLUME_SHARDS, type CounterKey } from '../../domain/index.js';
import { activeKey, COUNTER_PREFIX, counterKey, delayKey, TTL_ATTRIBUTE } from './tables.js';

/** Counter names per volume update: keeps the update expression under 4 KB. */
const NAMES_PER_UPDATE = 150;

function addExpression(counts: Readonly<Record<string, number>>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  Object.entries(counts).forEach(([name, value], i) => {
    names[`#n${i}`] = `${COUNTER_PREFIX}${name}`;
    values[`:n${i}`] = value;
    clauses.push(`#n${i} :n${i}`);
  });
  return { names, values, clauses };
}

/** Campaign counters, active-campaign markers and delivery delays in the campaign table. */
export class DynamoCampaignRepository implements CampaignCounterRepository, DeliveryDelayRepository, CampaignReader, DelayReader {
  /** Markers this container already wrote: one write per campaign-hour per container, not per batch. */
  private readonly markedActive = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async addVolume(key: CounterKey, counts: Readonly<Record<string, number>>): Promise<void> {
    const entries = Object.entries(counts);
    for (let start = 0; start < entries.length; start += NAMES_PER_UPDATE) {
      const { names, values, clauses } = addExpression(Object.fromEntries(entries.slice(start, start + NAMES_PER_UPDATE)));
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey(key.campaign, key.hour, key.kind, key.shard),
          UpdateExpression: `SET #campaign = :campaign, #hour = :hour ADD ${clauses.join(', ')}`,
          ExpressionAttributeNames: { ...names, '#campaign': 'campaign', '#hour': 'hour' },
          ExpressionAttributeValues: { ...values, ':campaign': key.campaign, ':hour': key.hour },
        }),
      );
    }
  }

  async addOutcomes(key: CounterKey, counts: Readonly<Record<string, number>>, tokens: readonly string[]): Promise<boolean> {
    if (tokens.length === 0) return true;
    const { names, values, clauses } = addExpression(counts);
    const tokenValues = Object.fromEntries(tokens.map((token, i) => [`:t${i}`, token]));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counterKey(key.campaign, key.hour, key.kind, key.shard),
          // Counts and tokens change together or not at all: that is what makes the counts exactly-once.
          UpdateExpression: `SET #campaign = :campaign, #hour = :hour ADD #tokens :tokens, ${clauses.join(', ')}`,
          ConditionExpression: tokens.map((_, i) => `NOT contains(#tokens, :t${i})`).join(' AND '),
          ExpressionAttributeNames: { ...names, '#tokens': 'tokens', '#campaign': 'campaign', '#hour': 'hour' },
          ExpressionAttributeValues: {
            ...values,
            ...tokenValues,
            ':tokens': new Set(tokens),
            ':campaign': key.campaign,
            ':hour': key.hour,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async countedTokens(key: CounterKey): Promise<Set<string>> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: counterKey(key.campaign, key.hour, key.kind, key.shard),
        ProjectionExpression: '#tokens',
        ExpressionAttributeNames: { '#tokens': 'tokens' },
        ConsistentRead: true,
      }),
    );
    const tokens = Item?.tokens as Set<string> | undefined;
    return new Set(tokens ?? []);
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
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': delayKey(domain, '', '').pk, ':since': since },
          ExclusiveStartKey: startKey,
        }),
      );
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
      startKey = page.LastEvaluatedKey;
    } while (startKey);
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
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': activeKey(hour, '').pk },
            ProjectionExpression: 'sk',
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) campaigns.add(String(item.sk));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return [...campaigns].sort();
  }

  async totals(campaign: string, hours: readonly string[]): Promise<Record<string, number>> {
    const keys = hours.flatMap((hour) => [
      ...Array.from({ length: VOLUME_SHARDS }, (_, shard) => counterKey(campaign, hour, 'volume', shard)),
      ...Array.from({ length: OUTCOME_SHARDS }, (_, shard) => counterKey(campaign, hour, 'outcome', shard)),
    ]);
    const totals: Record<string, number> = {};
    for (const item of await batchGetAll(this.client, this.tableName, keys)) {
      for (const [name, value] of Object.entries(item)) {
        if (name.startsWith(COUNTER_PREFIX) && typeof value === 'number') {
          const counter = name.slice(COUNTER_PREFIX.length);
          totals[counter] = (totals[counter] ?? 0) + value;
        }
      }
    }
    return totals;
  }
}
