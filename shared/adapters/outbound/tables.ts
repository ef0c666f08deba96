import { hash53 } from '../../domain/counters.js';

/**
 * The pipeline's DynamoDB layout: one description used by the CDK app, the
 * local runtime and the tests, so all three build the same tables.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface TableDescription {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: ReadonlyArray<{
    readonly name: string;
    readonly partitionKey: string;
    readonly sortKey: string;
    /** The attributes the index carries besides the keys (INCLUDE); absent: all (ALL). */
    readonly nonKeyAttributes?: readonly string[];
  }>;
}

/**
 * The due index of open retry states, sparse (only items with `dueDay`), one partition per day of
 * check times: a sweep reads one partition (two at midnight) with a range on `dueSort`, and writes
 * spread over days (about 0.6 a second at 1 M sends a day, far under a partition's limit). A GSI
 * rather than items of its own: the state write maintains it, so no extra request and no window
 * where the two disagree; the index costs one write when a state enters it, one when it leaves and
 * two when a claim moves its check time (about 4 write units per attempt, as two extra items would).
 */
export const RETRY_DUE_INDEX = 'byDue';
/** `dueDay` of open states whose timer a sweep must enqueue, and of those their writer enqueued. */
export const DUE_PREFIX = 'DUE#';
export const DUE_ENQUEUED_PREFIX = 'DUE-ENQUEUED#';
/** The sweep's progress: every check time before `until` has been enqueued. */
export const sweepCursorKey = () => ({ pk: 'RETRY-SWEEP', sk: 'CURSOR' });

/** The status index: a list of one status reads its STATUS_SHARDS keys and merges them by `statusSort`. */
export const STATUS_INDEX = 'byStatusShard';
export const STATUS_SHARDS = 16;
/** The record fields the status index projects (ListedAddress): a list needs no read of the table. */
export const LISTED_FIELDS = ['email', 'status', 'reason', 'category', 'campaign', 'firstSeenAt', 'lastSeenAt'] as const;
/** The status index's partition key of a record: its status and one of STATUS_SHARDS shards by its address. */
export const statusShardOf = (status: string, email: string): string => `${status}#${hash53(email) % STATUS_SHARDS}`;

/**
 * Address table:
 * - `ADDR#<email>` / `STATE`: the suppression record (GSI `byStatusShard`: `statusShard` = `<status>#<0..15>` by a
 *   hash of the address, so no status concentrates the index's writes on one key; `statusSort` = lastSeenAt#email;
 *   projects only what a list shows, LISTED_FIELDS);
 * - `ADDR#<email>` / `SOFT#<eventId>`: one soft bounce in the 72 h window, keyed by the event alone so a
 *   redelivery dated otherwise is the same item (`occurredAt` is an attribute; TTL);
 * - `ADDR#<email>` / `HIST#<at>#<eventId>`: one change to the address (TTL, long);
 * - `ADDR#<email>` / `RETRY#<original MessageId>`: retry state of one logical message (TTL past the window);
 *   while open (scheduled, or claimed with its outcome unknown) it is also in the sparse GSI `byDue`:
 *   `dueDay` = `DUE#<day of its check time>` (`DUE-ENQUEUED#<day>` when its writer enqueued the timer
 *   itself), `dueSort` = `<check time>#<email>#<original MessageId>`, with `attempt` and `dueAt`;
 * - `BODY#<SHA-256 of the canonical JSON of sender and content>` / `BODY`: one distinct message (`from`,
 *   and `content`: body, raw MIME, or template name and data), written once for all the sends of it (TTL
 *   past the newest of them); each send names it in its `retry-body` tag, and a retry state in `bodyHash`;
 * - `ADDR#<email>` / `BODY#<hash>`: a message that names its recipient's address (a personalised body),
 *   kept with the address's items so that erasing it erases the copy (key `p-<hash>` in the tag);
 * - `MSG#<MessageId>` / `OUTBOUND`: what versions before the `retry-body` tag wrote for every send (TTL 10
 *   days; no longer written, still read for their retries): content inline, or `bodyHash`, the key of a
 *   `BODY#<SHA-256 of the content alone>` item;
 * - `ERASED#<keyed hash of the address>` / `TOMBSTONE`: what an erasure kept of a held address (its verdict
 *   and dates, never the address; `verdict`, not `status`, so the status index never holds it).
 */
/**
 * The status index of versions before the sharded one (key `status`, every field projected). A stack
 * deployed with it keeps it for one upgrade deploy (CloudFormation adds or removes one index per update):
 * add the new index, backfill `statusShard` (`bounce migrate`), then deploy again without it.
 */
export const PREVIOUS_STATUS_INDEX: TableDescription['indexes'][number] = {
  name: 'byStatus',
  partitionKey: 'status',
  sortKey: 'statusSort',
};

export const ADDRESS_TABLE: TableDescription = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [
    { name: STATUS_INDEX, partitionKey: 'statusShard', sortKey: 'statusSort', nonKeyAttributes: LISTED_FIELDS },
    { name: RETRY_DUE_INDEX, partitionKey: 'dueDay', sortKey: 'dueSort', nonKeyAttributes: ['attempt', 'dueAt'] },
  ],
};

/**
 * Campaign table:
 * - `COUNT#<campaign>` / `<hour>#*#<shard>`: the small counters of a campaign-hour in one item
 *   (`counters`: counter name to exact sketch; `out`: the names that live in items of their own;
 *   `version`), kept within one write unit (1 KB);
 * - `COUNT#<campaign>` / `<hour>#<counter name>#<shard>`: a counter grown out of the combined item (or
 *   written before it existed), a distinct-count sketch (`sketch`, its estimate `count`, `version`). One
 *   Query (`sk BETWEEN`) reads a campaign's counters over any span of hours; readers union a counter's
 *   sketches wherever they are (both items, every shard);
 * - `ACTIVE#<hour>` / `<campaign>`: the campaigns active in an hour;
 * - `DELAY#<domain>` / `<occurredAt>#<eventId>`: SES delivery delays per receiving domain (TTL);
 * - `CAMPAIGN#<campaign>` / `PAUSE`: the campaign is paused (present) or not (absent); sends and retries wait;
 * - `CAMPAIGN#<campaign>` / `PERIOD`: the first and last hours its counters are bucketed in (`firstHour`, `lastHour`);
 * - `CAMPAIGNS` / `<lastHour>#<campaign>`: the catalogue of campaigns by last activity (one entry per campaign,
 *   moved when its `lastHour` moves: at most once per campaign-hour), so a list by period reads a range, never a scan;
 * - `ALERT#<campaign>` / `<finding key>`: the finding last alerted for a campaign (so each change alerts once);
 * - `ALERTING` / `<campaign>`: the campaign has (or recently had) open alerts, so the health job visits it even when idle;
 * - `OUTBOX` / `<event id>`: a decision event whose publish failed, until the next health run publishes it (TTL).
 */
export const CAMPAIGN_TABLE: TableDescription = { partitionKey: 'pk', sortKey: 'sk', indexes: [] };

export const addressKey = (email: string) => ({ pk: `ADDR#${email}`, sk: 'STATE' });
/** Sort key prefix of soft-bounce window items. */
export const SOFT_SK_PREFIX = 'SOFT#';
export const softBounceKey = (email: string, eventId: string) => ({
  pk: `ADDR#${email}`,
  sk: `${SOFT_SK_PREFIX}${eventId}`,
});
/** Sort key prefix of retry states (`ADDR#<email>` / `RETRY#<original MessageId>`). */
export const RETRY_SK_PREFIX = 'RETRY#';
/** Partition key prefix of the sent-message records of earlier versions (`MSG#<MessageId>` / `OUTBOUND`). */
export const OUTBOUND_PK_PREFIX = 'MSG#';
export const retryKey = (email: string, originalMessageId: string) => ({
  pk: `ADDR#${email}`,
  sk: `${RETRY_SK_PREFIX}${originalMessageId}`,
});
export const tombstoneKey = (hash: string) => ({ pk: `ERASED#${hash}`, sk: 'TOMBSTONE' });
export const outboundKey = (messageId: string) => ({ pk: `${OUTBOUND_PK_PREFIX}${messageId}`, sk: 'OUTBOUND' });
/** Partition key prefix of stored messages (`BODY#<hash>` / `BODY`). */
export const BODY_PK_PREFIX = 'BODY#';
export const bodyKey = (hash: string) => ({ pk: `${BODY_PK_PREFIX}${hash}`, sk: 'BODY' });
/** Sort key prefix of a personal stored message, kept with its recipient's items (`ADDR#<email>` / `BODY#<hash>`). */
export const PERSONAL_BODY_SK_PREFIX = 'BODY#';
export const personalBodyKey = (email: string, hash: string) => ({ pk: `ADDR#${email}`, sk: `${PERSONAL_BODY_SK_PREFIX}${hash}` });
export const historyKey = (email: string, at: string, eventId: string) => ({ pk: `ADDR#${email}`, sk: `HIST#${at}#${eventId}` });
export const counterKey = (campaign: string, hour: string, name: string, shard = 0) => ({
  pk: `COUNT#${campaign}`,
  sk: `${hour}#${name}#${shard}`,
});
/** The counter name of a campaign-hour's combined item (no counter is named `*`). */
export const COMBINED_COUNTERS = '*';
export const combinedKey = (campaign: string, hour: string, shard: number) => counterKey(campaign, hour, COMBINED_COUNTERS, shard);
/** The hour, counter name and shard of a counter's sort key (names may hold `#`: the hour has none). */
export function counterOfSortKey(sk: string): { hour: string; name: string; shard: number } {
  const first = sk.indexOf('#');
  const last = sk.lastIndexOf('#');
  return { hour: sk.slice(0, first), name: sk.slice(first + 1, last), shard: Number(sk.slice(last + 1)) };
}
/** Sort keys from `from`'s first counter to `to`'s last, for `sk BETWEEN` (`$` follows `#`). */
export const counterSpan = (from: string, to: string) => ({ from: `${from}#`, to: `${to}$` });
/**
 * A campaign had activity on a day (`YYYY-MM-DD`): one marker per campaign-day, so a campaign sending
 * every hour writes one a day, not one an hour. `ACTIVE#<hour>` partitions are the previous layout.
 */
export const activeKey = (day: string, campaign: string) => ({ pk: `ACTIVE#${day}`, sk: campaign });
export const delayKey = (domain: string, occurredAt: string, eventId: string) => ({
  pk: `DELAY#${domain}`,
  sk: `${occurredAt}#${eventId}`,
});

export const pauseKey = (campaign: string) => ({ pk: `CAMPAIGN#${campaign}`, sk: 'PAUSE' });
export const periodKey = (campaign: string) => ({ pk: `CAMPAIGN#${campaign}`, sk: 'PERIOD' });
/**
 * The catalogue entry of a campaign at the day (`YYYY-MM-DD`) of its last activity. Entries of the previous
 * layout are keyed by the hour (`YYYY-MM-DDTHH#<campaign>`); both sort by day.
 */
export const catalogueKey = (lastDay: string, campaign: string) => ({ pk: 'CAMPAIGNS', sk: `${lastDay}#${campaign}` });
/** The day and campaign of a catalogue sort key, of either layout (neither the day nor the hour has a `#`). */
export function catalogueOfSortKey(sk: string): { lastDay: string; campaign: string } {
  const cut = sk.indexOf('#');
  return { lastDay: sk.slice(0, 10), campaign: sk.slice(cut + 1) };
}
export const alertKey = (campaign: string, findingKey: string) => ({ pk: `ALERT#${campaign}`, sk: findingKey });
export const alertingKey = (campaign: string) => ({ pk: 'ALERTING', sk: campaign });
export const outboxKey = (eventId: string) => ({ pk: 'OUTBOX', sk: eventId });
