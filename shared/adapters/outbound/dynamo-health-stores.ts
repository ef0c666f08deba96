import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, paginateQuery, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertingMark, AlertLedger, AlertRecord } from '../../app/health-ports.js';
import type { PauseRecord, PauseStore } from '../../app/pause.js';
import type { Verdict } from '../../domain/index.js';
import { alertFromItem, alertingMarkFromItem, pauseFromItem } from './health-items.js';
import { alertingKey, alertKey, pauseKey } from './tables.js';

const failedCondition = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** What was alerted per campaign and finding, in the campaign table (`ALERT#<campaign>` / finding key). */
export class DynamoAlertLedger implements AlertLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async open(campaign: string): Promise<AlertRecord[]> {
    const records: AlertRecord[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': alertKey(campaign, '').pk },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) records.push(alertFromItem(campaign, item));
    }
    return records;
  }

  async claim(next: AlertRecord, expected: Verdict | null): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(next),
          ConditionExpression: expected === null ? 'attribute_not_exists(pk)' : '#verdict = :expected',
          ...(expected === null
            ? {}
            : { ExpressionAttributeNames: { '#verdict': 'verdict' }, ExpressionAttributeValues: { ':expected': expected } }),
        }),
      );
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async clear(campaign: string, key: string, expected: Verdict): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: alertKey(campaign, key),
          ConditionExpression: '#verdict = :expected',
          ExpressionAttributeNames: { '#verdict': 'verdict' },
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async undo(next: AlertRecord, previous: AlertRecord | null): Promise<void> {
    if (previous) await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.item(previous) }));
    else await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: alertKey(next.campaign, next.key) }));
  }

  async mark(campaign: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: alertingKey(campaign),
        UpdateExpression: 'SET campaign = :campaign ADD version :one',
        ExpressionAttributeValues: { ':campaign': campaign, ':one': 1 },
      }),
    );
  }

  async marked(): Promise<AlertingMark[]> {
    const marks: AlertingMark[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': alertingKey('').pk },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) marks.push(alertingMarkFromItem(item));
    }
    return marks;
  }

  async unmark(mark: AlertingMark): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: alertingKey(mark.campaign),
          ConditionExpression: 'version = :seen',
          ExpressionAttributeValues: { ':seen': mark.version },
        }),
      );
    } catch (error) {
      if (!failedCondition(error)) throw error; // marked again since: it stays
    }
  }

  private item(record: AlertRecord) {
    return {
      ...alertKey(record.campaign, record.key),
      campaign: record.campaign,
      verdict: record.verdict,
      at: record.at,
      finding: record.finding,
    };
  }
}

/** Campaign pauses in the campaign table (`CAMPAIGN#<campaign>` / `PAUSE`): present means paused. The one adapter of that item. */
export class DynamoPauseStore implements PauseStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Presence is the flag (the send and retry paths ask this on every message): the key alone is read, not checked. */
  async isPaused(campaign: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: pauseKey(campaign), ProjectionExpression: 'pk', ConsistentRead: true }),
    );
    return Item !== undefined;
  }

  async get(campaign: string): Promise<PauseRecord | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: pauseKey(campaign), ConsistentRead: true }));
    if (!Item) return null;
    return pauseFromItem(campaign, Item);
  }

  async pause(record: PauseRecord): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...pauseKey(record.campaign), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }

  async resume(campaign: string): Promise<PauseRecord | null> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: pauseKey(campaign), ReturnValues: 'ALL_OLD' }),
    );
    if (!Attributes) return null;
    return {
      campaign,
      reason: String(Attributes.reason),
      actor: String(Attributes.actor),
      pausedAt: String(Attributes.pausedAt),
      automatic: Attributes.automatic === true,
    };
  }
}
