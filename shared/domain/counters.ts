import { domainOf } from './address.js';
import { addToSketch, EMPTY_SKETCH, sameSketch, standardErrorOf, unionSketches, type DistinctSketch } from './distinct-count.js';
import type { RecipientOutcome } from './outcomes.js';

/**
 * Campaign counters: every counter (a metric or one of its breakdowns) of a
 * campaign-hour is a count of *distinct events* (see distinct-count.ts), so
 * the same SES event counted again (an SNS duplicate, a redelivery, a replayed
 * file) changes no count, and a campaign's rates do not move when part of its
 * stream is replayed. The small counters of a campaign-hour share one item
 * (see planCombined), a counter grown large has its own: a batch rewrites one
 * item per campaign-hour it touches, plus the large counters that changed.
 */
export const VOLUME_METRICS = ['sends', 'deliveries', 'delays', 'rejects'] as const;
export const OUTCOME_METRICS = ['hardBounces', 'softBounces', 'blocks', 'complaints', 'alreadySuppressed', 'notSpam'] as const;
export type Metric = (typeof VOLUME_METRICS)[number] | (typeof OUTCOME_METRICS)[number];

/** The metric an outcome adds to, or null when it is not counted. */
export function metricOf(outcome: RecipientOutcome): Metric | null {
  const { eventType, decision } = outcome;
  switch (eventType) {
    case 'Send':
      return 'sends';
    case 'Delivery':
      return 'deliveries';
    case 'DeliveryDelay':
      return 'delays';
    case 'Reject':
      return 'rejects';
    case 'Complaint':
      if (decision.category === 'already-suppressed') return 'alreadySuppressed';
      return decision.category === 'complaint' ? 'complaints' : 'notSpam';
    case 'Bounce':
      // SES did not even try: recorded, but never part of the bounce rate.
      if (decision.category === 'already-suppressed') return 'alreadySuppressed';
      if (decision.suppress) return 'hardBounces';
      return decision.action === 'retry' ? 'softBounces' : 'blocks';
  }
}

/** The hour bucket of an ISO time: `2026-11-20T10`. Invalid times fall in `unknown`. */
export function hourOf(iso: string): string {
  const millis = Date.parse(iso);
  return Number.isNaN(millis) ? 'unknown' : new Date(millis).toISOString().slice(0, 13);
}

/** Counter names one outcome adds 1 to: the metric and its breakdowns. */
export function counterNames(outcome: RecipientOutcome, metric: Metric): string[] {
  // The metric itself is not stored: every event has exactly one provider, so the metric is the sum of
  // its provider breakdown (sumCounters adds it up). One write fewer for each send and delivery.
  const names = [providerCounter(metric, outcome.decision.provider)];
  if ((OUTCOME_METRICS as readonly string[]).includes(metric)) names.push(`${metric}|category|${outcome.decision.category}`);
  if (metric === 'delays') names.push(`${metric}|domain|${domainOf(outcome.recipient)}`);
  // The crossings campaign health looks for: reputation blocks per provider, full mailboxes per list.
  if (metric === 'blocks' && outcome.decision.category === 'reputation-block') names.push(`blocks|reputation|${outcome.decision.provider}`);
  if ((metric === 'softBounces' || metric === 'hardBounces') && /^mailbox-full/.test(outcome.decision.category)) {
    if (outcome.tags.batch !== null) names.push(`mailboxFull|batch|${outcome.tags.batch}`);
    if (outcome.tags.source !== null) names.push(`mailboxFull|source|${outcome.tags.source}`);
  }
  if (outcome.tags.batch !== null) names.push(`${metric}|batch|${outcome.tags.batch}`);
  if (outcome.tags.source !== null) names.push(`${metric}|source|${outcome.tags.source}`);
  return names;
}

/** cyrb53: a 53-bit string hash, pure and fast; collisions are negligible per counter item. */
export function hash53(value: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The hash an event adds to each of its counters' sketches. */
export const eventHash = (eventId: string): number => hash53(eventId);

/** One campaign-hour counter and the events a batch adds to it. */
export interface CounterUpdate {
  readonly campaign: string;
  readonly hour: string;
  /** Counter name: a metric or a breakdown (`hardBounces|provider|gmail`). */
  readonly name: string;
  /** Hashes of the distinct events to add. */
  readonly hashes: readonly number[];
  /** Ids of the input records behind it (to fail them if it cannot be written). */
  readonly sourceIds: ReadonlySet<string>;
}

export interface CountedOutcome {
  readonly outcome: RecipientOutcome;
  /** The queue record it came from. */
  readonly sourceId: string;
}

/** Campaign name used for mail sent without a campaign tag. */
export const UNTAGGED_CAMPAIGN = '(untagged)';

/** Fold a batch's outcomes into one update per counter it touches. */
export function counterUpdates(items: readonly CountedOutcome[]): CounterUpdate[] {
  const updates = new Map<string, { campaign: string; hour: string; name: string; hashes: Set<number>; sourceIds: Set<string> }>();
  for (const { outcome, sourceId } of items) {
    const metric = metricOf(outcome);
    if (metric === null) continue;
    const campaign = outcome.tags.campaign ?? UNTAGGED_CAMPAIGN;
    const hour = hourOf(outcome.sentAt);
    const hash = eventHash(outcome.eventId);
    for (const name of counterNames(outcome, metric)) {
      const id = `${campaign}\u0000${hour}\u0000${name}`;
      let update = updates.get(id);
      if (!update) {
        update = { campaign, hour, name, hashes: new Set(), sourceIds: new Set() };
        updates.set(id, update);
      }
      update.hashes.add(hash);
      update.sourceIds.add(sourceId);
    }
  }
  return [...updates.values()].map((u) => ({ ...u, hashes: [...u.hashes] }));
}

/** Counters summed over hours, with how sure each sum is. */
export interface CounterTotals {
  /** Each counter summed over the hours (and items) read. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * The standard error of each sum that includes an estimated hour (a stored
   * sketch in register form, above EXACT_LIMIT events): the square root of
   * the summed per-hour variances, exact hours adding 0. A counter absent
   * here is exact.
   */
  readonly errors: Readonly<Record<string, number>>;
}

export const NO_COUNTERS: CounterTotals = { counts: {}, errors: {} };

/** One stored counter item as the read path sees it. */
export interface StoredCount {
  readonly name: string;
  readonly count: number;
  /** Its sketch is in register form (isEncodedEstimate): the count is an estimate. */
  readonly estimated: boolean;
}

const PROVIDER_BREAKDOWN = '|provider|';

/** The counter of one metric's events at one provider. */
export const providerCounter = (metric: string, provider: string): string => `${metric}${PROVIDER_BREAKDOWN}${provider}`;

/**
 * Sums stored counts (one per counter-hour, its items and shards merged) into totals with their errors. Each
 * metric is the sum of its provider breakdown, which partitions its events; items of the metric
 * itself (written before the metric was derived from its breakdown) count where they say more.
 */
export function sumCounters(stored: Iterable<StoredCount>): CounterTotals {
  const counts: Record<string, number> = {};
  const variances: Record<string, number> = {};
  const add = (name: string, count: number, variance: number) => {
    counts[name] = (counts[name] ?? 0) + count;
    if (variance > 0) variances[name] = (variances[name] ?? 0) + variance;
  };
  const storedMetrics = new Map<string, { count: number; variance: number }>();
  for (const { name, count, estimated } of stored) {
    const error = estimated ? standardErrorOf(count) : 0;
    if (!name.includes('|')) {
      const sum = storedMetrics.get(name) ?? { count: 0, variance: 0 };
      storedMetrics.set(name, { count: sum.count + count, variance: sum.variance + error * error });
      continue;
    }
    add(name, count, error * error);
    const at = name.indexOf(PROVIDER_BREAKDOWN);
    if (at > 0 && name.indexOf('|') === at) add(name.slice(0, at), count, error * error);
  }
  for (const [name, { count, variance }] of storedMetrics) {
    if (count <= (counts[name] ?? 0)) continue;
    counts[name] = count;
    if (variance > 0) variances[name] = variance;
    else delete variances[name];
  }
  return { counts, errors: Object.fromEntries(Object.entries(variances).map(([name, variance]) => [name, Math.sqrt(variance)])) };
}

/** Totals of disjoint spans (hours) added together: counts add, and so do the variances of their errors. */
export function mergeTotals(parts: Iterable<CounterTotals>): CounterTotals {
  const counts: Record<string, number> = {};
  const variances: Record<string, number> = {};
  for (const part of parts) {
    for (const [name, count] of Object.entries(part.counts)) counts[name] = (counts[name] ?? 0) + count;
    for (const [name, error] of Object.entries(part.errors)) variances[name] = (variances[name] ?? 0) + error * error;
  }
  return { counts, errors: Object.fromEntries(Object.entries(variances).map(([name, variance]) => [name, Math.sqrt(variance)])) };
}

/** The small counters of one campaign-hour (and shard), stored together in one item. */
export interface CombinedCounters {
  /** Counter name to its sketch, always in exact form (a counter past EXACT_LIMIT has its own item). */
  readonly sketches: ReadonlyMap<string, DistinctSketch>;
  /** Counters of this campaign-hour (and shard) that live in their own items: new events go there. */
  readonly out: readonly string[];
}

export const NO_COMBINED: CombinedCounters = { sketches: new Map(), out: [] };

/** What a batch writes for one campaign-hour: its own-item sketches first, then the combined item. */
export interface CombinedPlan {
  /** The combined item after the batch. */
  readonly combined: CombinedCounters;
  /** Whether it differs from the stored one (else it is not written: a replay writes nothing). */
  readonly changed: boolean;
  /**
   * Sketches to add (by union) to counters' own items: the batch's events of counters already out,
   * and the whole sketch of counters moving out now. Written before the combined item drops them,
   * so a crash in between leaves an event in both items, which readers union: never counted twice.
   */
  readonly own: ReadonlyMap<string, DistinctSketch>;
  /** The counters moving out of the combined item with this write. */
  readonly movedOut: readonly string[];
}

const exactSize = (sketch: DistinctSketch): number => (sketch.kind === 'exact' ? sketch.hashes.length : Number.POSITIVE_INFINITY);

/**
 * Adds a batch's events (counter name to event hashes) to a campaign-hour's combined item. A
 * counter out of it takes its events in its own item; one whose sketch leaves the exact form moves
 * out, and while the item would not `fit` (a write unit) the largest counters move out, so the item
 * stays one write unit and every rewrite costs one. A function of the stored item and the set of
 * events added: a replay plans no change.
 */
export function planCombined(
  stored: CombinedCounters,
  updates: ReadonlyMap<string, readonly number[]>,
  fits: (combined: CombinedCounters) => boolean,
): CombinedPlan {
  const sketches = new Map(stored.sketches);
  const out = new Set(stored.out);
  const own = new Map<string, DistinctSketch>();
  const movedOut: string[] = [];
  for (const [name, hashes] of updates) {
    if (out.has(name)) own.set(name, addToSketch(own.get(name) ?? EMPTY_SKETCH, hashes));
    else sketches.set(name, addToSketch(sketches.get(name) ?? EMPTY_SKETCH, hashes));
  }
  const moveOut = (name: string) => {
    const sketch = sketches.get(name) ?? EMPTY_SKETCH;
    sketches.delete(name);
    out.add(name);
    movedOut.push(name);
    own.set(name, unionSketches([own.get(name) ?? EMPTY_SKETCH, sketch]));
  };
  for (const [name, sketch] of [...sketches]) if (sketch.kind !== 'exact') moveOut(name);
  const combinedOf = (): CombinedCounters => ({ sketches: new Map(sketches), out: [...out].sort() });
  while (sketches.size > 0 && !fits(combinedOf())) {
    const [largest] = [...sketches].sort(([a, x], [b, y]) => exactSize(y) - exactSize(x) || a.localeCompare(b));
    if (largest) moveOut(largest[0]);
  }
  const combined = combinedOf();
  const changed =
    combined.out.join('\u0000') !== [...new Set(stored.out)].sort().join('\u0000') ||
    combined.sketches.size !== stored.sketches.size ||
    [...combined.sketches].some(([name, sketch]) => {
      const before = stored.sketches.get(name);
      return before === undefined || !sameSketch(before, sketch);
    });
  return { combined, changed, own, movedOut };
}
