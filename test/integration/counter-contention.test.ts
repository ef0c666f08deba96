import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeStores } from '../../shared/adapters/compose.js';
import { recentHours } from '../../shared/app/suppressions.js';
import { addToSketch, EMPTY_SKETCH, estimateDistinct } from '../../shared/domain/index.js';
import { hotRecords, hotTotals, meteredDynamo, runHot, type Emulated } from '../support/counter-contention.js';

let world: Emulated;
beforeAll(async () => {
  world = await meteredDynamo();
});
afterAll(async () => {
  await world?.stop();
});

const requests = () => [...world.meter.requests.values()].reduce((sum, n) => sum + n, 0);

describe('campaign counters under 20 concurrent consumers on one hot campaign-hour', () => {
  it('lose no record to contention and spend under 10 % extra writes on conflicts', { timeout: 180_000 }, async () => {
    const sends = 16_000;
    const run = await runHot(world, hotRecords('send', 0, sends), { consumers: 20 });
    expect(run.deadLettered).toBe(0);
    expect(run.failedBack).toBe(0);
    // One item per counter lost 1.4 to 2.9 conditions per landed write here.
    expect(run.extraWriteShare).toBeLessThan(0.1);
    // The shards merge by union: the count is the one sketch's estimate (3.3 % standard error).
    const counted = (await hotTotals(world)).sends ?? 0;
    expect(Math.abs(counted - sends) / sends).toBeLessThan(0.1);
  });
});

describe("a campaign's window", () => {
  it('reads 14 days of hours in one Query, whatever the age, shards merged', { timeout: 120_000 }, async () => {
    const { campaigns } = composeStores(world.doc, world.tables);
    const hours = recentHours(new Date('2026-11-20T12:00:00Z'), 14 * 24);
    // Every hour active; each with three counters, `sends` in two shards that share one event.
    await Promise.all(
      hours.map(async (hour, i) => {
        const a = addToSketch(EMPTY_SKETCH, [i * 10 + 1, i * 10 + 2]);
        const b = addToSketch(EMPTY_SKETCH, [i * 10 + 2, i * 10 + 3]);
        await Promise.all([
          campaigns.writeCounter({ campaign: 'long', hour, name: 'sends' }, a, estimateDistinct(a), 0),
          campaigns.writeCounter({ campaign: 'long', hour, name: 'sends', shard: 9 }, b, estimateDistinct(b), 0),
          campaigns.writeCounter({ campaign: 'long', hour, name: 'hardBounces' }, a, estimateDistinct(a), 0),
          campaigns.writeCounter({ campaign: 'long-other', hour, name: 'sends' }, a, estimateDistinct(a), 0),
        ]);
      }),
    );
    const before = requests();
    const active = await campaigns.activeHours('long', hours);
    const totals = await campaigns.totals('long', active);
    expect(requests() - before).toBeLessThanOrEqual(2);
    expect(active).toEqual(hours);
    expect(totals).toEqual({ sends: 3 * hours.length, hardBounces: 2 * hours.length });

    const beforeHourly = requests();
    const hourly = await campaigns.hourlyTotals('long', hours);
    expect(requests() - beforeHourly).toBe(1);
    expect([...hourly.keys()]).toEqual(hours);
    expect(hourly.get(hours[5] ?? '')).toEqual({ sends: 3, hardBounces: 2 });
    // Hours not asked for are left out, even inside the span.
    expect([...(await campaigns.hourlyTotals('long', [hours[0] ?? '', hours[9] ?? ''])).keys()]).toEqual([hours[0], hours[9]]);
  });
});
