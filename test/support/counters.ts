import { counterIdKey, type CampaignCounterRepository } from '../../shared/app/ports.js';
import { counterOfSortKey } from '../../shared/adapters/outbound/tables.js';
import { EMPTY_SKETCH, providerCounter } from '../../shared/domain/index.js';

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
 * The stored count of a counter over the dumped items (every hour and shard added): a metric is stored as
 * its provider breakdown only, so for `sends` this adds the `sends|provider|*` items up, as readers do.
 */
export function storedTotal(items: readonly Record<string, unknown>[], name: string, campaignKey = 'COUNT#'): number {
  return items
    .filter((item) => String(item.pk).startsWith(campaignKey))
    .filter((item) => {
      const stored = counterOfSortKey(String(item.sk)).name;
      return name.includes('|') ? stored === name : stored.startsWith(providerCounter(name, ''));
    })
    .reduce((sum, item) => sum + Number(item.count ?? 0), 0);
}
