import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, paginateScan, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  DueRetryIndex,
  DueTimer,
  MessageStore,
  OutboundRecord,
  OutboundStore,
  RetryStateRepository,
  StoredMessage,
} from '../../app/retry-ports.js';
import { nextCheckAt, PERSONAL_MESSAGE_PREFIX, RETRY_STATE_RETENTION_SECONDS, type RetryState } from '../../domain/index.js';
import { BODY_EXPIRY_SLACK_SECONDS, KnownBodies, messageHash, namesAddress } from './message-bodies.js';
import { bodyFromItem, bodyHashOf, outboundFromItem, retryStateFromItem, storedMessageFromItem } from './retry-items.js';
import {
  bodyKey,
  DUE_ENQUEUED_PREFIX,
  DUE_PREFIX,
  outboundKey,
  personalBodyKey,
  RETRY_DUE_INDEX,
  RETRY_SK_PREFIX,
  retryKey,
  sweepCursorKey,
  TTL_ATTRIBUTE,
} from './tables.js';

const DAY_MS = 24 * 3600 * 1000;
const dayOf = (iso: string): string => iso.slice(0, 10);

/** The due-index keys of a state: present while it is open (see `nextCheckAt`), absent once it is not. */
function dueKeys(state: RetryState, timerEnqueued: boolean): Record<string, string> {
  const checkAt = nextCheckAt(state);
  if (checkAt === null) return {};
  return {
    dueDay: `${timerEnqueued ? DUE_ENQUEUED_PREFIX : DUE_PREFIX}${dayOf(checkAt)}`,
    dueSort: `${checkAt}#${state.email}#${state.originalMessageId}`,
  };
}

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

  async put(state: RetryState, expectedVersion: number, options: { readonly timerEnqueued?: boolean } = {}): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...retryKey(state.email, state.originalMessageId),
            ...state,
            // The whole item is replaced: a state that is no longer open leaves the due index.
            ...dueKeys(state, options.timerEnqueued === true),
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

/** The sparse `byDue` index of the address table, and the sweep's cursor item (see tables.ts). */
export class DynamoDueRetryIndex implements DueRetryIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async dueBetween(from: Date, to: Date, options: { readonly withEnqueued: boolean }): Promise<DueTimer[]> {
    const timers: DueTimer[] = [];
    const prefixes = options.withEnqueued ? [DUE_PREFIX, DUE_ENQUEUED_PREFIX] : [DUE_PREFIX];
    // One Query per day partition of the range (usually one), never a scan; `#` sorts below every
    // character of an address, so `<time>#` bounds exactly the check times before `to`.
    for (let day = Date.parse(`${dayOf(from.toISOString())}T00:00:00.000Z`); day < to.getTime(); day += DAY_MS) {
      for (const prefix of prefixes) {
        const pages = paginateQuery(
          { client: this.client },
          {
            TableName: this.tableName,
            IndexName: RETRY_DUE_INDEX,
            KeyConditionExpression: 'dueDay = :day AND dueSort BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':day': `${prefix}${dayOf(new Date(day).toISOString())}`,
              ':from': `${from.toISOString()}#`,
              ':to': `${to.toISOString()}#`,
            },
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) {
            const sort = String(item.dueSort);
            timers.push({
              checkAt: sort.slice(0, sort.indexOf('#')),
              timer: {
                email: String(item.pk).slice('ADDR#'.length),
                originalMessageId: String(item.sk).slice(RETRY_SK_PREFIX.length),
                attempt: Number(item.attempt),
                dueAt: String(item.dueAt),
              },
            });
          }
        }
      }
    }
    return timers.sort((a, b) => a.checkAt.localeCompare(b.checkAt));
  }

  async sweptUntil(): Promise<Date | null> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: sweepCursorKey(), ConsistentRead: true }));
    return typeof Item?.until === 'string' ? new Date(Item.until) : null;
  }

  async markSweptUntil(until: Date, options: { readonly reset?: boolean } = {}): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...sweepCursorKey(), until: until.toISOString() },
          // ISO times of one format compare as strings: a slower concurrent sweep never moves it back.
          ...(options.reset
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR #until < :until',
                ExpressionAttributeNames: { '#until': 'until' },
                ExpressionAttributeValues: { ':until': until.toISOString() },
              }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/**
 * Messages kept for retries (see `MessageStore`), in the address table under `BODY#<hash>`: written once
 * per distinct message, and again only when a new send would outlive the stored copy
 * (`BODY_EXPIRY_SLACK_SECONDS`). One instance per container: it remembers the messages it knows are
 * stored, and until when.
 */
export class DynamoMessageStore implements MessageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
    private readonly known = new KnownBodies(),
  ) {}

  /** Writes under way in this container, by hash. */
  private readonly storing = new Map<string, Promise<void>>();

  /**
   * Makes sure the message is stored under its hash until `neededUntil` at least, writing it only when
   * neither this container's memory nor the stored item says so already: a conditional put that fails
   * still costs the item's write units (1 per KB), a read of its expiry about 3 % of that (the whole item
   * is billed, 4 KB per half read unit, at a fifth of a write unit's price). Concurrent sends of one new
   * message in this container wait for the first one's write rather than each reading and writing it.
   */
  async keep(message: StoredMessage, neededUntil: number, recipient: string): Promise<string> {
    const hash = messageHash(message);
    if (namesAddress(message.content, recipient)) {
      // Sent to this address alone: written as it is (no other send shares it), beside the address's items.
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...personalBodyKey(recipient, hash), from: message.from, content: message.content, [TTL_ATTRIBUTE]: neededUntil },
        }),
      );
      return `${PERSONAL_MESSAGE_PREFIX}${hash}`;
    }
    for (;;) {
      if ((this.known.expiryOf(hash) ?? 0) >= neededUntil) return hash;
      const running = this.storing.get(hash);
      if (running === undefined) break;
      await running.catch(() => undefined); // its failure is its sender's; this one tries for itself
    }
    const storing = this.store(hash, message, neededUntil);
    this.storing.set(hash, storing);
    try {
      await storing;
    } finally {
      this.storing.delete(hash);
    }
    return hash;
  }

  private async store(hash: string, message: StoredMessage, neededUntil: number): Promise<void> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: bodyKey(hash),
        ProjectionExpression: '#expiresAt',
        ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
      }),
    );
    // An expired item not yet deleted has an expiry in the past, below `neededUntil`: it is rewritten.
    const stored = Item ? Number(Item[TTL_ATTRIBUTE]) : 0;
    if (stored >= neededUntil) {
      this.known.remember(hash, stored);
      return;
    }
    const expiresAt = neededUntil + BODY_EXPIRY_SLACK_SECONDS;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...bodyKey(hash), from: message.from, content: message.content, [TTL_ATTRIBUTE]: expiresAt },
          // Never shortens a copy another container stored for longer.
          ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt < :neededUntil',
          ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':neededUntil': neededUntil },
        }),
      );
      this.known.remember(hash, expiresAt);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      this.known.remember(hash, neededUntil); // stored meanwhile, until `neededUntil` at least
    }
  }

  async get(key: string, recipient: string): Promise<StoredMessage | null> {
    const personal = key.startsWith(PERSONAL_MESSAGE_PREFIX);
    const hash = personal ? key.slice(PERSONAL_MESSAGE_PREFIX.length) : key;
    // Eventually consistent (half the read units): a message is stored before the send that names it,
    // minutes before a retry reads it, and a rewrite only moves its expiry.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: personal ? personalBodyKey(recipient, hash) : bodyKey(hash) }),
    );
    return Item && !expired(Item, this.clock) ? storedMessageFromItem(Item) : null;
  }
}

/** TTL deletes late: an expired item is gone for this pipeline's purposes. */
const expired = (item: Record<string, unknown>, clock: () => Date): boolean => Number(item[TTL_ATTRIBUTE]) * 1000 <= clock().getTime();

/**
 * The sent-message records earlier versions wrote for every send (`MSG#<MessageId>` / `OUTBOUND`, TTL 10
 * days), read for the retries of states that name no stored message: content inline, or the `BODY#` item
 * of the content's hash it names.
 */
export class DynamoOutboundStore implements OutboundStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async get(messageId: string): Promise<OutboundRecord | null> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: outboundKey(messageId), ConsistentRead: true }),
    );
    if (!item || expired(item, this.clock)) return null;
    const record = outboundFromItem(item);
    const hash = bodyHashOf(item);
    if (hash === null) return record;
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: bodyKey(hash) }));
    return { ...record, content: Item && !expired(Item, this.clock) ? bodyFromItem(Item) : null };
  }
}

/** Every retry state: a whole-table scan, for the local runtime's report only. */
export async function scanRetryStates(client: DynamoDBDocumentClient, tableName: string): Promise<RetryState[]> {
  const states: RetryState[] = [];
  const pages = paginateScan(
    { client },
    { TableName: tableName, FilterExpression: 'begins_with(sk, :retry)', ExpressionAttributeValues: { ':retry': RETRY_SK_PREFIX } },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) states.push(retryStateFromItem(item));
  }
  return states;
}
