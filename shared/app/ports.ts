import type {
  AddressState,
  CombinedCounters,
  CounterTotals,
  DistinctSketch,
  Evidence,
  HistoryEntry,
  SuppressionReason,
  SuppressionStatus,
  Tombstone,
} from '../domain/index.js';

/** One soft bounce inside an address's rolling window, with its evidence. */
export interface SoftBounceItem {
  readonly email: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly evidence: Evidence;
  /** Epoch seconds after which the item is outside the window (also the TTL). */
  readonly expiresAt: number;
}

/** One history entry to write, with its expiry (epoch seconds). */
export interface HistoryWrite {
  readonly entry: HistoryEntry;
  readonly expiresAt: number;
}

export interface HistoryWriteResult {
  readonly unwritten: readonly HistoryEntry[];
  readonly errors: readonly unknown[];
}

export interface SoftBounceWindow {
  readonly count: number;
  /** The soft bounces in the window, oldest first (by time, then event id). */
  readonly items: readonly SoftBounceItem[];
  /** Epoch seconds when the oldest soft bounce leaves the window (the count drops), or null. */
  readonly oldestExpiresAt: number | null;
}

/**
 * The window of the unexpired items read: one soft bounce per event (a
 * redelivery dated otherwise is the same bounce; items written before the
 * window was keyed by event alone may hold it twice: its earliest time
 * counts), oldest first (by time, then event id).
 */
export function softBounceWindowOf(items: readonly SoftBounceItem[]): SoftBounceWindow {
  const byEvent = new Map<string, SoftBounceItem>();
  for (const item of items) {
    const seen = byEvent.get(item.eventId);
    if (seen === undefined || item.occurredAt < seen.occurredAt) byEvent.set(item.eventId, item);
  }
  const sorted = [...byEvent.values()].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId));
  return {
    count: sorted.length,
    items: sorted,
    oldestExpiresAt: sorted.length === 0 ? null : Math.min(...sorted.map((item) => item.expiresAt)),
  };
}

export interface ListQuery {
  readonly status: SuppressionStatus;
  /** Only records last seen at or after this ISO time. */
  readonly since?: string;
  readonly reason?: SuppressionReason;
  readonly campaign?: string;
  readonly limit: number;
  /** Where the previous page stopped: the repository's own opaque cursor, passed back untouched. */
  readonly cursor?: string;
}

/** What a list shows of a record (what the status index projects): enough to list and filter, not its evidence. */
export type ListedAddress = Pick<AddressState, 'email' | 'status' | 'reason' | 'category' | 'campaign' | 'firstSeenAt' | 'lastSeenAt'>;

export interface ListPage {
  readonly items: ListedAddress[];
  /** Where to go on, when there is more (opaque; the repository rejects one it did not make). */
  readonly nextCursor?: string;
}

/** One SES delivery delay, kept per receiving domain for timeout escalation. */
export interface DeliveryDelayItem {
  readonly domain: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly email: string;
  readonly category: string;
  readonly enhancedCode: string | null;
  readonly campaign: string | null;
  readonly expiresAt: number;
}

/** Address state, soft-bounce windows and history. */
export interface AddressRepository {
  getState(email: string): Promise<AddressState | null>;
  /** Which of these addresses are in review (one batched read; eventually consistent is enough). */
  inReview(emails: readonly string[]): Promise<Set<string>>;
  /** The records of many addresses (batched reads), keyed by address; absent ones are missing. */
  getStates(emails: readonly string[]): Promise<Map<string, AddressState>>;
  /** Newest first. */
  history(email: string, limit: number): Promise<HistoryEntry[]>;
  /** One read of the status index (never a scan): records with a status, oldest last-seen first. */
  list(query: ListQuery): Promise<ListPage>;
  /** Writes only if the stored version is `expectedVersion` (0: no record); else throws VersionConflictError. */
  putState(state: AddressState, expectedVersion: number): Promise<void>;
  /** Idempotent: the entry's key is deterministic. */
  putHistory(entry: HistoryEntry, expiresAt: number): Promise<void>;
  /**
   * Many history entries in few requests (idempotent, as putHistory). Never rejects: resolves with the
   * entries that could not be written and why, so the caller can fail back the events they belong to.
   */
  putHistories(entries: readonly HistoryWrite[]): Promise<HistoryWriteResult>;
  /** Idempotent: the item's key is deterministic. */
  putSoftBounce(item: SoftBounceItem): Promise<void>;
  /** Soft bounces whose expiry is after `now` and that happened after `since` (TTL deletes late: never trust it). */
  softBounceWindow(email: string, now: Date, since: string | null): Promise<SoftBounceWindow>;
}

/** A keyed one-way hash of a normalised address (an HMAC with a secret key): the key of its tombstone. */
export interface AddressHasher {
  hash(email: string): Promise<string>;
}

/** What an erasure deleted, per kind of item. */
export interface ErasedItems {
  readonly records: number;
  readonly history: number;
  readonly softBounces: number;
  readonly retries: number;
  readonly sentMessages: number;
  readonly deliveryDelays: number;
}

/** Tombstones of erased addresses (keyed by the address's keyed hash), and the deletion of an address's data. */
export interface ErasureStore {
  getTombstone(key: string): Promise<Tombstone | null>;
  /** Batched reads; absent ones are missing from the map. */
  getTombstones(keys: readonly string[]): Promise<Map<string, Tombstone>>;
  /** Writes only if the stored version is `expectedVersion` (0: none); false when it is not. */
  putTombstone(key: string, tombstone: Tombstone, expectedVersion: number): Promise<boolean>;
  /**
   * Deletes every item that holds the address in clear and can be found from it: its record (only
   * if its version is still `recordVersion`; 0: there is none), history, soft bounces, retry states,
   * the sent messages those name, and its delivery delays. Null when the record changed meanwhile.
   */
  deleteAddressData(email: string, recordVersion: number): Promise<ErasedItems | null>;
}

export interface DeliveryDelayRepository {
  /** Idempotent: the item's key is deterministic. */
  putDelay(item: DeliveryDelayItem): Promise<void>;
}

export interface DelayReader {
  /** One domain's delays that happened at or after `since` and have not expired by `now` (TTL deletes late). */
  delaysSince(domain: string, since: string, now: Date): Promise<DeliveryDelayItem[]>;
}

/** Identifies one campaign-hour counter. */
export interface CounterId {
  readonly campaign: string;
  readonly hour: string;
  readonly name: string;
  /**
   * Which of the counter's items (0 when absent). Concurrent writers of one campaign write different
   * shards; readers merge a counter's shards by union, so an event counted in two shards counts once.
   */
  readonly shard?: number;
}

/** A stored counter sketch with the version its conditional write checks. */
export interface StoredCounter {
  readonly sketch: DistinctSketch;
  /** 0 when the counter does not exist yet. */
  readonly version: number;
}

/** Identifies the combined item of one campaign-hour's small counters (and shard). */
export interface CombinedId {
  readonly campaign: string;
  readonly hour: string;
  readonly shard: number;
}

/** A stored combined item with the version its conditional write checks. */
export interface StoredCombined extends CombinedCounters {
  readonly version: number;
}

/** The map key `readCombined` uses for a combined item. */
export const combinedIdKey = (id: CombinedId): string => `${id.campaign}\u0000${id.hour}\u0000${id.shard}`;

export interface CampaignCounterRepository {
  /** The stored combined items of these campaign-hours (keyed by `combinedIdKey`); consistency as readCounters. */
  readCombined(ids: readonly CombinedId[], read?: { readonly recent: boolean }): Promise<Map<string, StoredCombined>>;
  /** Writes the combined item only if the stored version is `expectedVersion` (0: none); false when it is not. */
  writeCombined(id: CombinedId, combined: CombinedCounters, expectedVersion: number): Promise<boolean>;
  /** Whether the combined item stays within one write unit (DynamoDB bills a put by the larger of the old and new item). */
  combinedFits(id: CombinedId, combined: CombinedCounters): boolean;
  /**
   * The stored sketches of these counters, keyed by `counterIdKey`: strongly consistent reads unless
   * `recent` (an eventually consistent read, half the price, is enough where a stale version only
   * makes the conditional write fail and be read again strongly).
   */
  readCounters(ids: readonly CounterId[], read?: { readonly recent: boolean }): Promise<Map<string, StoredCounter>>;
  /** Writes the sketch and its estimate only if the stored version is `expectedVersion`; false when it is not. */
  writeCounter(id: CounterId, sketch: DistinctSketch, estimate: number, expectedVersion: number): Promise<boolean>;
  /** Records that a campaign had activity in an hour, so readers never scan (a write per campaign-day at most). */
  markActive(campaign: string, hour: string): Promise<void>;
  /**
   * Moves the campaign's entry in the catalogue by last activity to this hour's day if that is later;
   * at most a few writes per campaign-day (the period's hours are read from the counters).
   */
  recordPeriod(campaign: string, hour: string): Promise<void>;
}

/** When a campaign ran: the first and last hours (`YYYY-MM-DDTHH`) its counters are bucketed in. */
export interface CampaignPeriod {
  readonly campaign: string;
  readonly firstHour: string;
  readonly lastHour: string;
}

/** One page of the catalogue: campaigns whose last hour is in [sinceHour, untilHour], most recent first. */
export interface CataloguePage {
  readonly periods: readonly CampaignPeriod[];
  /** Where the next page starts (opaque); absent on the last page. */
  readonly nextCursor?: string;
}

/** The map key `readCounters` uses for a counter. */
export const counterIdKey = (id: CounterId): string => `${id.campaign}\u0000${id.hour}\u0000${id.name}\u0000${id.shard ?? 0}`;

/** A campaign's counters summed over one hour (all shards). */
export interface HourTotals {
  readonly hour: string;
  readonly totals: CounterTotals;
}

export interface CampaignReader {
  /**
   * The campaign's hours from `fromHour` to `toHour` (inclusive, `YYYY-MM-DDTHH`) that had activity,
   * oldest first, each with its counters summed: one read of a campaign's whole lifetime, from which
   * the health check computes every window it needs in memory.
   */
  hourlyTotals(campaign: string, fromHour: string, toHour: string): Promise<HourTotals[]>;
  /** Of these hours, those in which the campaign had activity. */
  activeHours(campaign: string, hours: readonly string[]): Promise<string[]>;
  /** Every counter of the campaign summed over these hours and all shards, with the error of each estimated sum. */
  totals(campaign: string, hours: readonly string[]): Promise<CounterTotals>;
  /**
   * The campaigns with activity in any of these hours, and perhaps in the rest of those hours' days
   * (markers are per day): a query per day, never a scan.
   */
  campaignsActiveIn(hours: readonly string[]): Promise<string[]>;
  /** The campaign's period, read from its counters (so campaigns counted before the catalogue have one too); null: never counted. */
  period(campaign: string): Promise<CampaignPeriod | null>;
  /**
   * Up to `limit` campaigns whose last hour is in the span, newest day of last activity first (newest
   * hour first within a page), from the catalogue (a range read, never a scan); a page may hold fewer
   * than `limit` and still have a next one.
   */
  catalogue(query: {
    readonly sinceHour: string;
    readonly untilHour: string;
    readonly limit: number;
    readonly cursor?: string;
  }): Promise<CataloguePage>;
}

/** Where records that can never succeed go, with the reason. */
export interface DeadLetterSink {
  send(body: string, reason: string, sourceId: string): Promise<void>;
}

/** What the use cases log through; Powertools' Logger fits it. Never pass a full address. */
export interface LoggerPort {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counters for CloudWatch (EMF on Lambda). */
export interface MetricsPort {
  count(name: string, value: number): void;
  flush(): void;
}

export const silentLogger: LoggerPort = { info: () => {}, warn: () => {}, error: () => {} };
export const noMetrics: MetricsPort = { count: () => {}, flush: () => {} };
