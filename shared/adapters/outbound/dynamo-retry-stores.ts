import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateScan, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboundRecord, OutboundStore, RetryStateRepository } from '../../app/retry-ports.js';
import { RETRY_STATE_RETENTION_SECONDS, type RetryState } from '../../domain/index.js';
import { outboundFromItem, retryStateFromItem } from './retry-items.js';
import { OUTBOUND_PK_PREFIX, outboundKey, RETRY_SK_PREFIX, retryKey, TTL_ATTRIBUTE } from './tables.js';

/** Retry state in the address table, next to the address it belongs to (see tables.ts). */
export class DynamoRetryStateRepository implements RetryStateRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(email: string, originalMessageId: string): Promise<RetryState | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: retryKey(email, originalMessageId), ConsistentRead: true }),
    );
    return Item ? retryStateFromItem(Item) : null;
  }

  async put(state: RetryState, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...retryKey(state.email, state.originalMessageId),
            ...state,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(state.firstFailureAt) / 1000) + RETRY_STATE_RETENTION_SECONDS,
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** Sent messages in the address table, keyed by SES MessageId (see tables.ts). */
export class DynamoOutboundStore implements OutboundStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async put(record: OutboundRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...outboundKey(record.messageId), ...record, [TTL_ATTRIBUTE]: record.expiresAt },
      }),
    );
  }

  async get(messageId: string): Promise<OutboundRecord | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: outboundKey(messageId), ConsistentRead: true }),
    );
    // TTL deletes late: an expired record is gone for this pipeline's purposes.
    if (!Item || Number(Item[TTL_ATTRIBUTE]) * 1000 <= this.clock().getTime()) return null;
    return outboundFromItem(Item);
  }

  /** Every sent message, oldest first: a whole-table scan, for the local outbox only. */
  async listAll(): Promise<Omit<OutboundRecord, 'content'>[]> {
    const records: Omit<OutboundRecord, 'content'>[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :msg)',
        ExpressionAttributeValues: { ':msg': OUTBOUND_PK_PREFIX },
        ProjectionExpression: 'messageId, #to, #from, tags, attempt, originalMessageId, sentAt, expiresAt',
        ExpressionAttributeNames: { '#to': 'to', '#from': 'from' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { content: _content, ...record } = outboundFromItem(item);
        records.push(record);
      }
    }
    return records.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.attempt - b.attempt);
  }
}

/**
 * Retry states, every one or (`openOnly`) those whose attempt is still ahead (scheduled or claimed): a
 * whole-table scan, for the local runtime only (re-arming timers at start, the demo's report).
 */
export async function scanRetryStates(client: DynamoDBDocumentClient, tableName: string, openOnly: boolean): Promise<RetryState[]> {
  const states: RetryState[] = [];
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: openOnly ? 'begins_with(sk, :retry) AND (#status = :scheduled OR #status = :sending)' : 'begins_with(sk, :retry)',
      ...(openOnly ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ExpressionAttributeValues: { ':retry': RETRY_SK_PREFIX, ...(openOnly ? { ':scheduled': 'scheduled', ':sending': 'sending' } : {}) },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) states.push(retryStateFromItem(item));
  }
  return states;
}
