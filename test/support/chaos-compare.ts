import { isDeepStrictEqual } from 'node:util';
import { decodeSketch, encodeSketch, estimateDistinct, unionSketches } from '../../shared/domain/index.js';
import type { ChaosStream } from './chaos-stream.js';
import type { DriveResult } from './chaos-run.js';

type Item = Record<string, unknown>;

/** Kinds of item, from their keys (shared/adapters/outbound/tables.ts). */
export type ItemKind = 'state' | 'history' | 'window' | 'retry' | 'outbound' | 'counter' | 'active' | 'delay' | 'alert' | 'pause' | 'other';

export function kindOf(item: Item): ItemKind {
  const pk = String(item.pk);
  const sk = String(item.sk);
  if (pk.startsWith('ADDR#')) {
    if (sk === 'STATE') return 'state';
    if (sk.startsWith('HIST#')) return 'history';
    if (sk.startsWith('SOFT#')) return 'window';
    if (sk.startsWith('RETRY#')) return 'retry';
  }
  if (pk.startsWith('MSG#')) return 'outbound';
  if (pk.startsWith('COUNT#')) return 'counter';
  if (pk.startsWith('ACTIVE#')) return 'active';
  if (pk.startsWith('DELAY#')) return 'delay';
  if (pk.startsWith('ALERT#') || pk === 'ALERTING' || pk === 'OUTBOX') return 'alert';
  if (pk.startsWith('CAMPAIGN#')) return 'pause';
  return 'other';
}

/**
 * What is compared, and the fields left out of each kind because they record
 * when or how often something was written rather than what the events say.
 */
export const COMPARED: Readonly<Partial<Record<ItemKind, readonly string[]>>> = {
  // version: how many writes (out-of-order events write a record more often); writtenAt: processing time;
  // lastChange: the history entry of the last write, which depends on arrival order (the entries themselves are compared).
  // appliedEventIds is compared as a set (it is kept newest-applied first). lastChangePublished: whether the
  // write marking the change's event published landed; a faulted mark leaves it false, and the record's next
  // reader publishes the event again (decision events are at least once, tested on their own).
  state: ['version', 'writtenAt', 'lastChange', 'lastChangePublished'],
  // fromStatus, reason: the record as the event found it. When two events of one address change it (a complaint
  // and a hard bounce), arrival order decides which found the other's change; the final record is compared above.
  history: ['fromStatus', 'reason'],
  // version: how many writes.
  counter: ['version'],
  active: [],
  delay: [],
};

/** Why the other kinds are not compared. */
export const NOT_COMPARED: Readonly<Partial<Record<ItemKind, string>>> = {
  window: 'soft-bounce window items: a soft bounce processed after its address was suppressed is not written, by design',
  retry: 'retry states: their timers run on the runtime clock (status and attempts depend on when a timer fired)',
  alert: "the health job's alerts, open-alert list and event outbox: written by a 60 s timer",
};

function normalise(kind: ItemKind, item: Item): Item {
  const left = new Set(COMPARED[kind] ?? []);
  const out: Item = {};
  for (const [field, value] of Object.entries(item)) {
    if (left.has(field)) continue;
    out[field] = field === 'appliedEventIds' && Array.isArray(value) ? [...(value as string[])].sort() : value;
  }
  return out;
}

/**
 * For an address whose final record may depend on arrival order (a review and a newer delivery):
 * either run may hold it in review where the other released it (the clean run is published in
 * event-time order, but a standard queue hands batches over in any order), nothing else. Its record
 * must have the clean run's status, or `review` and `released` on either side (never `suppressed`
 * where the clean run did not suppress), and the same reason; its history entries must be the clean
 * run's, but for the release by a delivery, which either run may lack. Returns the differences.
 */
function orderDependentDifferences(key: string, kind: ItemKind, clean: Item | undefined, chaos: Item | undefined): string[] {
  if (kind === 'history') {
    const releaseByDelivery = (entry: Item) => entry.signal === 'delivery' && entry.toStatus === 'released';
    if (!chaos) return []; // a delivery that arrived first was not recorded
    if (!clean) return releaseByDelivery(chaos) ? [] : [`${key}: only in the chaos run`];
    return isDeepStrictEqual(clean, chaos) ? [] : [`${key}: history entry differs`];
  }
  if (kind !== 'state') return clean && chaos && isDeepStrictEqual(clean, chaos) ? [] : [`${key}: differs`];
  if (!clean || !chaos) return [`${key}: ${clean ? 'missing in' : 'only in'} the chaos run`];
  const heldOrReleased = new Set([clean.status, chaos.status]);
  const status =
    chaos.status === clean.status || chaos.status === 'review' || (heldOrReleased.has('review') && heldOrReleased.has('released'));
  if (status && chaos.reason === clean.reason) return [];
  return [
    `${key}: order-dependent address: status clean=${String(clean.status)} chaos=${String(chaos.status)}; reason clean=${String(
      clean.reason,
    )} chaos=${String(chaos.reason)}`,
  ];
}

export interface Comparison {
  /** Items compared, per kind. */
  readonly compared: Readonly<Record<string, number>>;
  /** Items found in the chaos run and not compared, per kind. */
  readonly skipped: Readonly<Record<string, number>>;
  /** One line per difference (key, then what differs). */
  readonly differences: readonly string[];
  /** Order-dependent addresses compared, and those the chaos run held in review where the clean run released them. */
  readonly orderDependent: { readonly addresses: number; readonly releasedByClean: number; readonly heldInstead: number };
}

const keyOf = (item: Item) => `${String(item.table)} ${String(item.pk)} ${String(item.sk)}`;

/**
 * A counter's shards as one item (sort key without its shard, the union of their sketches): which
 * shard a batch wrote depends on which container met which (see CounterShards), the union does not.
 * Likewise whether a counter is in its campaign-hour's combined item or its own (which batch found
 * the item full): each counter of a combined item counts as one more shard of it.
 */
export function mergeCounterShards(items: readonly Item[]): Item[] {
  const merged = new Map<string, Item[]>();
  const others: Item[] = [];
  const addShard = (item: Item, sk: string) => {
    const key = keyOf({ ...item, sk });
    merged.set(key, [...(merged.get(key) ?? []), { ...item, sk }]);
  };
  for (const item of items) {
    const shard = kindOf(item) === 'counter' ? /^(.*)#\d+$/.exec(String(item.sk)) : null;
    if (!shard?.[1]) {
      others.push(item);
      continue;
    }
    const combined = /^(.*)#\*$/.exec(shard[1]);
    if (!combined) {
      addShard(item, shard[1]);
      continue;
    }
    for (const [name, bytes] of Object.entries((item.counters ?? {}) as Record<string, unknown>)) {
      if (!(bytes instanceof Uint8Array)) continue;
      addShard({ table: item.table, pk: item.pk, sketch: bytes, count: estimateDistinct(decodeSketch(bytes)) }, `${combined[1]}#${name}`);
    }
  }
  const counters = [...merged.values()].map((shards) => {
    const [first] = shards;
    if (shards.length === 1 || !first) return first as Item;
    const union = unionSketches(shards.flatMap((s) => (s.sketch instanceof Uint8Array ? [decodeSketch(s.sketch)] : [])));
    return { ...first, sketch: encodeSketch(union), count: estimateDistinct(union) };
  });
  return [...others, ...counters];
}

const addressOf = (item: Item): string | null => (String(item.pk).startsWith('ADDR#') ? String(item.pk).slice('ADDR#'.length) : null);

/**
 * Every compared item of the clean run must be in the chaos run with equal fields, and nothing
 * more; the items of `orderDependent` addresses only as `orderDependentDifferences` says.
 */
export function compareRuns(clean: readonly Item[], chaos: readonly Item[], orderDependent: ReadonlySet<string> = new Set()): Comparison {
  const compared: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  const differences: string[] = [];
  const index = (items: readonly Item[], count: boolean) => {
    const map = new Map<string, Item>();
    for (const item of items) {
      const kind = kindOf(item);
      if (COMPARED[kind] === undefined) {
        if (count) skipped[kind] = (skipped[kind] ?? 0) + 1;
        continue;
      }
      map.set(keyOf(item), normalise(kind, item));
    }
    return map;
  };
  const expected = index(mergeCounterShards(clean), false);
  const actual = index(mergeCounterShards(chaos), true);
  const loose = (item: Item) => {
    const address = addressOf(item);
    return address !== null && orderDependent.has(address);
  };
  let heldInstead = 0;
  let releasedByClean = 0;
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const [before, after] = [expected.get(key), actual.get(key)];
    const item = (before ?? after) as Item;
    if (!loose(item)) continue;
    differences.push(...orderDependentDifferences(key, kindOf(item), before, after));
    if (kindOf(item) !== 'state' || before?.status !== 'released') continue;
    releasedByClean++;
    if (after?.status === 'review') heldInstead++;
  }
  for (const [key, item] of expected) {
    const kind = kindOf(item);
    compared[kind] = (compared[kind] ?? 0) + 1;
    if (loose(item)) continue;
    const other = actual.get(key);
    if (!other) {
      differences.push(`${key}: missing in the chaos run`);
      continue;
    }
    if (isDeepStrictEqual(item, other)) continue;
    const fields = [...new Set([...Object.keys(item), ...Object.keys(other)])].filter(
      (field) => !isDeepStrictEqual(item[field], other[field]),
    );
    differences.push(`${key}: ${fields.map((f) => `${f} clean=${JSON.stringify(item[f])} chaos=${JSON.stringify(other[f])}`).join('; ')}`);
  }
  for (const [key, item] of actual) if (!expected.has(key) && !loose(item)) differences.push(`${key}: only in the chaos run`);
  return { compared, skipped, differences, orderDependent: { addresses: orderDependent.size, releasedByClean, heldInstead } };
}

/**
 * Notification-to-state latency, one sample per address record: from the
 * acknowledged publication of the event that made the record's last change
 * (`lastChange.eventId`; its first copy) to the record's `writtenAt`, both
 * wall-clock times on this machine.
 */
export function stateLatenciesMs(stream: ChaosStream, result: DriveResult): number[] {
  const indexOfEvent = new Map(stream.eventIds.map((id, i) => [id, i]));
  const samples: number[] = [];
  for (const item of result.items) {
    if (kindOf(item) !== 'state') continue;
    const eventId = (item.lastChange as Item | null)?.eventId;
    const index = typeof eventId === 'string' ? indexOfEvent.get(eventId) : undefined;
    const published = index === undefined ? undefined : result.publishedAt.get(index);
    const written = Date.parse(String(item.writtenAt));
    if (published !== undefined && Number.isFinite(written)) samples.push(written - published);
  }
  return samples.sort((a, b) => a - b);
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
