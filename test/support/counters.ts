import { counterIdKey, type CampaignCounterRepository } from '../../shared/app/ports.js';
import { EMPTY_SKETCH } from '../../shared/domain/index.js';

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
