import { DeleteCommand, paginateQuery, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '../../app/concurrency.js';
import { DECISION_EVENT_TYPES, type DecisionEvent, type DecisionOutbox } from '../../app/decision-events.js';
import { CorruptItemError, fieldsOf } from './address-items.js';
import { outboxKey, TTL_ATTRIBUTE } from './tables.js';

/** How long a kept event waits for a publish before TTL removes it: far longer than any outage of the bus. */
export const OUTBOX_RETENTION_SECONDS = 14 * 24 * 3600;

/** Outbox writes in flight at once. */
const KEEPS_IN_FLIGHT = 16;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** A kept event, checked: the JSON parses and names a known type, its id and time. */
export function decisionEventFromItem(item: Record<string, unknown>): DecisionEvent {
  const f = fieldsOf('outbox', item);
  let event: unknown;
  try {
    event = JSON.parse(f.string('event'));
  } catch {
    throw new CorruptItemError('outbox', 'event is not JSON');
  }
  if (typeof event !== 'object' || event === null) throw new CorruptItemError('outbox', 'event is not an object');
  const e = fieldsOf('outbox event', event as Record<string, unknown>);
  e.oneOf('type', DECISION_EVENT_TYPES);
  e.string('at');
  if (e.string('id') !== f.string('sk')) throw new CorruptItemError('outbox', 'event id is not the item key');
  if ((event as { version?: unknown }).version !== 1) throw new CorruptItemError('outbox', 'event version is not 1');
  return event as DecisionEvent;
}

/** The decision-event outbox in the campaign table (`OUTBOX` / `<event id>`; failures only, so one small partition). */
export class DynamoDecisionOutbox implements DecisionOutbox {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes at most KEEPS_IN_FLIGHT at once: a bus outage hands over a whole batch's events (thousands) in one call. */
  async keep(events: readonly DecisionEvent[], now: Date): Promise<void> {
    await forEachLimited(events, KEEPS_IN_FLIGHT, (event) => this.put(event, now));
  }

  private async put(event: DecisionEvent, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...outboxKey(event.id), event: JSON.stringify(event), [TTL_ATTRIBUTE]: epochSeconds(now) + OUTBOX_RETENTION_SECONDS },
      }),
    );
  }

  async pending(now: Date, limit: number): Promise<DecisionEvent[]> {
    const events: DecisionEvent[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        // TTL deletes late: an expired item is gone whatever the table still holds.
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':pk': outboxKey('').pk, ':now': epochSeconds(now) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) events.push(decisionEventFromItem(item));
      if (events.length >= limit) break;
    }
    return events.slice(0, limit);
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: outboxKey(id) }));
  }
}
