import { VersionConflictError } from '../../shared/app/errors.js';
import {
  combinedIdKey,
  counterIdKey,
  softBounceWindowOf,
  type AddressRepository,
  type CampaignCounterRepository,
  type CombinedId,
  type CounterId,
  type StoredCombined,
  type StoredCounter,
  type DeadLetterSink,
  type DeliveryDelayItem,
  type DeliveryDelayRepository,
  type HistoryWrite,
  type HistoryWriteResult,
  type ListPage,
  type ListQuery,
  type LoggerPort,
  type MetricsPort,
  type SoftBounceItem,
  type SoftBounceWindow,
} from '../../shared/app/ports.js';
import {
  encodeSketch,
  estimateDistinct,
  providerCounter,
  unionSketches,
  type AddressState,
  type CombinedCounters,
  type DistinctSketch,
  type HistoryEntry,
} from '../../shared/domain/index.js';

/** In-memory ports that record every call, for use-case tests. */
export class FakeAddresses implements AddressRepository {
  readonly states = new Map<string, AddressState>();
  readonly historyEntries: HistoryEntry[] = [];
  readonly softBounces = new Map<string, SoftBounceItem>();
  failFor = new Set<string>();

  async getState(email: string) {
    if (this.failFor.has(email)) throw new Error('DynamoDB is throttling');
    return this.states.get(email) ?? null;
  }
  inReviewCalls = 0;
  async inReview(emails: readonly string[]) {
    this.inReviewCalls++;
    return new Set(emails.filter((email) => this.states.get(email)?.status === 'review'));
  }
  async putState(state: AddressState, expectedVersion: number) {
    if (this.failFor.has(state.email)) throw new Error('DynamoDB is throttling');
    if ((this.states.get(state.email)?.version ?? 0) !== expectedVersion) throw new VersionConflictError(state.email);
    this.states.set(state.email, state);
  }
  async putHistory(entry: HistoryEntry) {
    if (!this.historyEntries.some((h) => h.email === entry.email && h.eventId === entry.eventId)) this.historyEntries.push(entry);
  }
  async history(email: string, limit: number) {
    return this.historyEntries
      .filter((h) => h.email === email)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, limit);
  }
  /** Reads through getState, so a failure (or a test's override) there fails the batched read too. */
  async getStates(emails: readonly string[]) {
    const found = new Map<string, AddressState>();
    for (const email of new Set(emails)) {
      const state = await this.getState(email);
      if (state) found.set(email, state);
    }
    return found;
  }
  /** History entries of these addresses are refused by putHistories (a batched write that keeps failing). */
  failHistoryFor = new Set<string>();
  async putHistories(entries: readonly HistoryWrite[]): Promise<HistoryWriteResult> {
    const unwritten = entries.filter(({ entry }) => this.failHistoryFor.has(entry.email)).map(({ entry }) => entry);
    for (const { entry } of entries) if (!this.failHistoryFor.has(entry.email)) await this.putHistory(entry);
    return { unwritten, errors: unwritten.length > 0 ? [new Error('history batch write throttled')] : [] };
  }
  async list(query: ListQuery): Promise<ListPage> {
    const all = [...this.states.values()]
      .filter(
        (s) =>
          s.status === query.status && (!query.reason || s.reason === query.reason) && (!query.campaign || s.campaign === query.campaign),
      )
      .filter((s) => !query.since || s.lastSeenAt >= query.since)
      .sort((a, b) => (`${a.lastSeenAt}#${a.email}` < `${b.lastSeenAt}#${b.email}` ? -1 : 1)); // byte order, as DynamoDB's
    // The cursor is the last item's sort key, opaque to the caller like the real one.
    const sortKey = (state: AddressState) => `${state.lastSeenAt}#${state.email}`;
    const after = query.cursor;
    const rest = after === undefined ? all : all.filter((state) => sortKey(state) > after);
    const items = rest.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items,
      ...(rest.length > query.limit && last ? { nextCursor: sortKey(last) } : {}),
    };
  }
  /** One item per event, as the table keys it: a redelivery dated otherwise keeps the earliest time. */
  async putSoftBounce(item: SoftBounceItem) {
    const key = `${item.email}#${item.eventId}`;
    const seen = this.softBounces.get(key);
    if (seen === undefined || item.occurredAt < seen.occurredAt) this.softBounces.set(key, item);
  }
  async softBounceWindow(email: string, now: Date, since: string | null): Promise<SoftBounceWindow> {
    return softBounceWindowOf(
      [...this.softBounces.values()].filter(
        (i) => i.email === email && i.expiresAt > now.getTime() / 1000 && (since === null || i.occurredAt > since),
      ),
    );
  }
}

export class FakeCampaigns implements CampaignCounterRepository, DeliveryDelayRepository {
  readonly counters = new Map<string, { id: CounterId; sketch: DistinctSketch; version: number }>();
  readonly active = new Set<string>();
  readonly delays: DeliveryDelayItem[] = [];
  writes = 0;
  failing = false;

  async readCounters(ids: readonly CounterId[]) {
    if (this.failing) throw new Error('counter read failed');
    const found = new Map<string, StoredCounter>();
    for (const id of ids) {
      const held = this.counters.get(counterIdKey(id));
      if (held) found.set(counterIdKey(id), { sketch: held.sketch, version: held.version });
    }
    return found;
  }
  async writeCounter(id: CounterId, sketch: DistinctSketch, _estimate: number, expectedVersion: number) {
    if (this.failing) throw new Error('counter write failed');
    this.writes++;
    const held = this.counters.get(counterIdKey(id));
    if ((held?.version ?? 0) !== expectedVersion) return false;
    this.counters.set(counterIdKey(id), { id, sketch, version: expectedVersion + 1 });
    return true;
  }
  /** Combined items of small counters, by `combinedIdKey`. */
  readonly combined = new Map<string, { id: CombinedId; stored: StoredCombined }>();
  /** Size budget of a combined item, in sketch bytes plus the counter names (the adapter's is DynamoDB's 1 KB). */
  combinedBudget = 1000;
  async readCombined(ids: readonly CombinedId[]) {
    if (this.failing) throw new Error('counter read failed');
    const found = new Map<string, StoredCombined>();
    for (const id of ids) {
      const held = this.combined.get(combinedIdKey(id));
      if (held) found.set(combinedIdKey(id), held.stored);
    }
    return found;
  }
  async writeCombined(id: CombinedId, combined: CombinedCounters, expectedVersion: number) {
    if (this.failing) throw new Error('counter write failed');
    this.writes++;
    const held = this.combined.get(combinedIdKey(id));
    if ((held?.stored.version ?? 0) !== expectedVersion) return false;
    this.combined.set(combinedIdKey(id), {
      id,
      stored: { sketches: new Map(combined.sketches), out: [...combined.out], version: expectedVersion + 1 },
    });
    return true;
  }
  combinedFits(_id: CombinedId, combined: CombinedCounters) {
    let bytes = combined.out.reduce((sum, name) => sum + name.length, 0);
    for (const [name, sketch] of combined.sketches) bytes += name.length + encodeSketch(sketch).length;
    return bytes <= this.combinedBudget;
  }
  /** Every stored sketch of a counter, by hour: its own items (every shard) and its entries in combined items. */
  sketchesByHour(name: string): Map<string, DistinctSketch[]> {
    const byHour = new Map<string, DistinctSketch[]>();
    const add = (hour: string, sketch: DistinctSketch) => byHour.set(hour, [...(byHour.get(hour) ?? []), sketch]);
    for (const { id, sketch } of this.counters.values()) if (id.name === name) add(id.hour, sketch);
    for (const { id, stored } of this.combined.values()) {
      const sketch = stored.sketches.get(name);
      if (sketch) add(id.hour, sketch);
    }
    return byHour;
  }
  async markActive(campaign: string, hour: string) {
    this.active.add(`${hour}#${campaign}`);
  }
  readonly periods = new Map<string, { firstHour: string; lastHour: string }>();
  async recordPeriod(campaign: string, hour: string) {
    const held = this.periods.get(campaign);
    this.periods.set(campaign, {
      firstHour: held && held.firstHour < hour ? held.firstHour : hour,
      lastHour: held && held.lastHour > hour ? held.lastHour : hour,
    });
  }
  async putDelay(item: DeliveryDelayItem) {
    this.delays.push(item);
  }
  /**
   * A counter's total over hours, as readers see it: each hour the union of its sketches wherever they
   * are (items and shards); a metric is the sum of its provider breakdown (it is not stored).
   */
  total(name: string): number {
    const breakdown = providerCounter(name, '');
    const names = new Set<string>([name]);
    if (!name.includes('|')) {
      for (const { id } of this.counters.values()) if (id.name.startsWith(breakdown)) names.add(id.name);
      for (const { stored } of this.combined.values())
        for (const held of stored.sketches.keys()) if (held.startsWith(breakdown)) names.add(held);
    }
    let sum = 0;
    for (const counter of names)
      for (const sketches of this.sketchesByHour(counter).values()) sum += estimateDistinct(unionSketches(sketches));
    return sum;
  }
}

export class FakeDeadLetters implements DeadLetterSink {
  readonly sent: { body: string; reason: string; sourceId: string }[] = [];
  failing = false;
  async send(body: string, reason: string, sourceId: string) {
    if (this.failing) throw new Error('SQS unavailable');
    this.sent.push({ body, reason, sourceId });
  }
}

export class RecordingLogger implements LoggerPort {
  readonly entries: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  info(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'info', message, extra });
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'warn', message, extra });
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.entries.push({ level: 'error', message, extra });
  }
}

export class RecordingMetrics implements MetricsPort {
  readonly counts = new Map<string, number>();
  flushes = 0;
  count(name: string, value: number) {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  flush() {
    this.flushes++;
  }
}
