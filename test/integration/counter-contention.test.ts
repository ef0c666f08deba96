import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { composeStores } from '../../shared/adapters/compose.js';
import { migrateLocalCounterKeys } from '../../shared/adapters/outbound/dynamo-campaign-repository.js';
import { combinedIdKey, counterIdKey } from '../../shared/app/ports.js';
import { recentHours } from '../../shared/app/suppressions.js';
import { addToSketch, EMPTY_SKETCH, encodeSketch, estimateDistinct } from '../../shared/domain/index.js';
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
    console.log(JSON.stringify({ consumers: 20, sends, extraWriteShare: run.extraWriteShare, deadLettered: run.deadLettered }));
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
    expect(totals.counts).toEqual({ sends: 3 * hours.length, hardBounces: 2 * hours.length });

    const beforeHourly = requests();
    const hourly = await campaigns.hourlyTotals('long', hours[0] ?? '', hours.at(-1) ?? '');
    expect(requests() - beforeHourly).toBe(1);
    expect(hourly.map((h) => h.hour)).toEqual(hours);
    expect(hourly[5]?.totals.counts).toEqual({ sends: 3, hardBounces: 2 });
    // Hours outside the span are left out.
    expect((await campaigns.hourlyTotals('long', hours[1] ?? '', hours[2] ?? '')).map((h) => h.hour)).toEqual([hours[1], hours[2]]);
  });
});

describe('a local data folder from before the per-campaign layout', () => {
  it('has its counters moved once, at the runtime start', async () => {
    const { campaigns } = composeStores(world.doc, world.tables);
    const sketch = addToSketch(EMPTY_SKETCH, [1, 2, 3]);
    const old = (pk: string, sk: string) =>
      world.doc.send(
        new PutCommand({ TableName: world.tables.campaignTable, Item: { pk, sk, sketch: encodeSketch(sketch), count: 3, version: 2 } }),
      );
    await old('COUNT#old#2026-11-01T10', 'sends');
    await old('COUNT#old#2026-11-01T10', 'hardBounces|provider|gmail');
    await old('COUNT#old#2026-11-02T00', 'sends');
    expect(await migrateLocalCounterKeys(world.doc, world.tables.campaignTable)).toBe(3);
    expect((await campaigns.totals('old', ['2026-11-01T10', '2026-11-02T00'])).counts).toEqual({
      sends: 6,
      // A metric is the sum of its provider breakdown.
      hardBounces: 3,
      'hardBounces|provider|gmail': 3,
    });
    const id = { campaign: 'old', hour: '2026-11-01T10', name: 'sends' };
    expect((await campaigns.readCounters([id])).get(counterIdKey(id))).toEqual({ sketch, version: 2 });
    const { Items = [] } = await world.doc.send(new ScanCommand({ TableName: world.tables.campaignTable }));
    expect(Items.filter((item) => String(item.pk).startsWith('COUNT#old#'))).toEqual([]);
    // Once: a later old-looking item is not looked for again.
    await old('COUNT#old#2026-11-03T00', 'sends');
    expect(await migrateLocalCounterKeys(world.doc, world.tables.campaignTable)).toBe(0);
  });
});

describe('combined items beside items of the older layout', () => {
  it('readers union a counter over both, so a stack upgraded in place keeps its counts', async () => {
    const { campaigns } = composeStores(world.doc, world.tables);
    const campaign = 'upgraded';
    const hour = '2026-11-19T08';
    const sketch = (...hashes: number[]) => addToSketch(EMPTY_SKETCH, hashes);
    // Written by the older version: one item per counter.
    await campaigns.writeCounter({ campaign, hour, name: 'sends|provider|gmail' }, sketch(1, 2, 3), 3, 0);
    await campaigns.writeCounter({ campaign, hour, name: 'hardBounces|provider|gmail' }, sketch(1), 1, 0);
    // Then the new version's combined item: event 3 counted again, 4 and 5 new.
    const id = { campaign, hour, shard: 0 };
    const combined = {
      sketches: new Map([
        ['sends|provider|gmail', sketch(3, 4, 5)],
        ['deliveries|provider|gmail', sketch(3)],
      ]),
      out: [],
    };
    expect(await campaigns.writeCombined(id, combined, 0)).toBe(true);
    expect(await campaigns.writeCombined(id, combined, 0)).toBe(false);
    expect((await campaigns.readCombined([id])).get(combinedIdKey(id))).toEqual({ ...combined, version: 1 });
    const expected = {
      sends: 5,
      'sends|provider|gmail': 5,
      hardBounces: 1,
      'hardBounces|provider|gmail': 1,
      deliveries: 1,
      'deliveries|provider|gmail': 1,
    };
    expect(await campaigns.totals(campaign, [hour])).toEqual({ counts: expected, errors: {} });
    expect(await campaigns.hourlyTotals(campaign, hour, hour)).toEqual([{ hour, totals: { counts: expected, errors: {} } }]);
    expect(await campaigns.activeHours(campaign, [hour, '2026-11-19T09'])).toEqual([hour]);
  });

  it('a combined item that fits is written with one write unit', async () => {
    const { campaigns } = composeStores(world.doc, world.tables);
    const id = { campaign: 'full', hour: '2026-11-19T08', shard: 0 };
    const sketches = new Map<string, ReturnType<typeof addToSketch>>();
    for (let i = 0; ; i++) {
      const next = new Map(sketches).set(`sends|batch|import-${i}`, addToSketch(EMPTY_SKETCH, [i * 1000 + 1, i * 1000 + 2, i * 1000 + 3]));
      if (!campaigns.combinedFits(id, { sketches: next, out: ['sends|provider|gmail'] })) break;
      sketches.set(`sends|batch|import-${i}`, next.get(`sends|batch|import-${i}`) ?? EMPTY_SKETCH);
    }
    expect(sketches.size).toBeGreaterThan(10);
    const units = world.meter.writeUnits;
    expect(await campaigns.writeCombined(id, { sketches, out: ['sends|provider|gmail'] }, 0)).toBe(true);
    expect(world.meter.writeUnits - units).toBe(1);
  });
});
