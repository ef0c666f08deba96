import { counterIdKey, type CampaignCounterRepository } from '../../shared/app/ports.js';
import { COMBINED_COUNTERS, counterOfSortKey } from '../../shared/adapters/outbound/tables.js';
import {
  decodeSketch,
  EMPTY_SKETCH,
  estimateDistinct,
  providerCounter,
  unionSketches,
  type DistinctSketch,
} from '../../shared/domain/index.js';

/** Counter totals seeded so far, per repository (table) and counter. */
const seededTotals = new WeakMap<CampaignCounterRepository, Map<string, number>>();

/**
 * Adds to stored counter estimates directly, for tests of what reads them
 * (readers sum the stored estimates; the sketch behind them does not matter there).
 */
export async function seedCounts(
  repository: CampaignCounterRepository,
  campaign: string,
  hour: string,
  counts: Readonly<Record<string, number>>,
): Promise<void> {
  await repository.recordPeriod(campaign, hour);
  const seeded = seededTotals.get(repository) ?? new Map<string, number>();
  seededTotals.set(repository, seeded);
  for (const [name, value] of Object.entries(counts)) {
    const id = { campaign, hour, name };
    const stored = (await repository.readCounters([id])).get(counterIdKey(id));
    const total = (seeded.get(counterIdKey(id)) ?? 0) + value;
    seeded.set(counterIdKey(id), total);
    if (!(await repository.writeCounter(id, EMPTY_SKETCH, total, stored?.version ?? 0))) throw new Error(`seeding ${name} conflicted`);
  }
}

/**
 * The stored count of a counter over the dumped items, as readers count it: each hour the union of its
 * sketches wherever they are (its own items on every shard, its entries in combined items), hours added.
 * A metric is stored as its provider breakdown only, so for `sends` this adds the `sends|provider|*` up.
 */
export function storedTotal(items: readonly Record<string, unknown>[], name: string, campaignKey = 'COUNT#'): number {
  const matches = (stored: string) => (name.includes('|') ? stored === name : stored.startsWith(providerCounter(name, '')));
  const byCounterHour = new Map<string, { sketches: DistinctSketch[]; count: number }>();
  const add = (key: string, sketch: DistinctSketch | null, count: number) => {
    const held = byCounterHour.get(key) ?? { sketches: [], count: 0 };
    if (sketch) held.sketches.push(sketch);
    held.count += count;
    byCounterHour.set(key, held);
  };
  for (const item of items) {
    if (!String(item.pk).startsWith(campaignKey)) continue;
    const { hour, name: stored } = counterOfSortKey(String(item.sk));
    const at = `${String(item.pk)}\u0000${hour}`;
    if (stored === COMBINED_COUNTERS) {
      const held = (item.counters ?? {}) as Record<string, unknown>;
      for (const [counter, bytes] of Object.entries(held))
        if (matches(counter) && bytes instanceof Uint8Array) add(`${at}\u0000${counter}`, decodeSketch(bytes), 0);
    } else if (matches(stored)) {
      // Seeded items carry a count with an empty sketch: their count stands in for it.
      const sketch = item.sketch instanceof Uint8Array ? decodeSketch(item.sketch) : null;
      add(
        `${at}\u0000${stored}`,
        sketch && estimateDistinct(sketch) > 0 ? sketch : null,
        sketch && estimateDistinct(sketch) > 0 ? 0 : Number(item.count ?? 0),
      );
    }
  }
  let total = 0;
  for (const { sketches, count } of byCounterHour.values())
    total += count + (sketches.length > 0 ? estimateDistinct(unionSketches(sketches)) : 0);
  return total;
}
