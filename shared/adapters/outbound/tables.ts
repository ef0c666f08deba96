/**
 * The pipeline's DynamoDB layout: one description used by the CDK app, the
 * local runtime and the tests, so all three build the same tables.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface TableDescription {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: ReadonlyArray<{ readonly name: string; readonly partitionKey: string; readonly sortKey: string }>;
}

/**
 * Address table:
 * - `ADDR#<email>` / `STATE`: the suppression record (GSI `byStatus`: status, lastSeenAt#email);
 * - `ADDR#<email>` / `SOFT#<eventId>`: one soft bounce in the 72 h window, keyed by the event alone so a
 *   redelivery dated otherwise is the same item (`occurredAt` is an attribute; TTL);
 * - `ADDR#<email>` / `HIST#<at>#<eventId>`: one change to the address (TTL, long);
 * - `ADDR#<email>` / `RETRY#<original MessageId>`: retry state of one logical message (TTL past the window);
 * - `MSG#<MessageId>` / `OUTBOUND`: a message sent through the send path, with what a retry needs (TTL);
 * - `ERASED#<keyed hash of the address>` / `TOMBSTONE`: what an erasure kept of a held address (its verdict
 *   and dates, never the address; `verdict`, not `status`, so the status index never holds it).
 */
export const ADDRESS_TABLE: TableDescription = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'byStatus', partitionKey: 'status', sortKey: 'statusSort' }],
};

/**
 * Campaign table:
 * - `COUNT#<campaign>#<hour>` / `<counter name>`: one distinct-count sketch (`sketch`, its estimate
 *   `count`, and `version` for conditional writes);
 * - `ACTIVE#<hour>` / `<campaign>`: the campaigns active in an hour;
 * - `DELAY#<domain>` / `<occurredAt>#<eventId>`: SES delivery delays per receiving domain (TTL);
 * - `CAMPAIGN#<campaign>` / `PAUSE`: the campaign is paused (present) or not (absent); sends and retries wait;
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
/** Partition key prefix of sent messages (`MSG#<MessageId>` / `OUTBOUND`). */
export const OUTBOUND_PK_PREFIX = 'MSG#';
export const retryKey = (email: string, originalMessageId: string) => ({
  pk: `ADDR#${email}`,
  sk: `${RETRY_SK_PREFIX}${originalMessageId}`,
});
export const tombstoneKey = (hash: string) => ({ pk: `ERASED#${hash}`, sk: 'TOMBSTONE' });
export const outboundKey = (messageId: string) => ({ pk: `${OUTBOUND_PK_PREFIX}${messageId}`, sk: 'OUTBOUND' });
export const historyKey = (email: string, at: string, eventId: string) => ({ pk: `ADDR#${email}`, sk: `HIST#${at}#${eventId}` });
export const counterKey = (campaign: string, hour: string, name: string) => ({ pk: `COUNT#${campaign}#${hour}`, sk: name });
export const activeKey = (hour: string, campaign: string) => ({ pk: `ACTIVE#${hour}`, sk: campaign });
export const delayKey = (domain: string, occurredAt: string, eventId: string) => ({
  pk: `DELAY#${domain}`,
  sk: `${occurredAt}#${eventId}`,
});

export const pauseKey = (campaign: string) => ({ pk: `CAMPAIGN#${campaign}`, sk: 'PAUSE' });
export const alertKey = (campaign: string, findingKey: string) => ({ pk: `ALERT#${campaign}`, sk: findingKey });
export const alertingKey = (campaign: string) => ({ pk: 'ALERTING', sk: campaign });
export const outboxKey = (eventId: string) => ({ pk: 'OUTBOX', sk: eventId });
