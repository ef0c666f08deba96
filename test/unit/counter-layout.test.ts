import { describe, expect, it } from 'vitest';
import { CounterShards, recordCampaignCounters } from '../../shared/app/ingest.js';
import type { CombinedId, CounterId } from '../../shared/app/ports.js';
import { type CombinedCounters, type CountedOutcome, type DistinctSketch } from '../../shared/domain/index.js';
import { deliveryFor } from '../support/batches.js';
import { notificationFixture, outcomesOf } from '../support/corpus.js';
import { FakeAddresses, FakeCampaigns } from '../support/fakes.js';

/** Sends of one campaign-hour (`nov-offers`, with batch and source tags): each adds to 3 counters. */
const sends = (from: number, count: number, domain = 'gmail.com'): CountedOutcome[] =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const send = notificationFixture('event-send.json') as { mail: Record<string, unknown> };
    return outcomesOf({ ...send, mail: { ...send.mail, messageId: `m${i}`, destination: [`user${i}@${domain}`] } }).map((outcome) => ({
      outcome,
      sourceId: `send-${i}`,
    }));
  }).flat();

const deliveries = (from: number, count: number): CountedOutcome[] =>
  Array.from({ length: count }, (_, k) =>
    outcomesOf(deliveryFor(`user${from + k}@gmail.com`, '2026-11-20T10:00:05.000Z', `m${from + k}`)).map((outcome) => ({
      outcome,
      sourceId: `delivery-${from + k}`,
    })),
  ).flat();

const AT = new Date('2026-11-20T10:30:00Z');
const record = (counters: FakeCampaigns, items: readonly CountedOutcome[], shards = new CounterShards(8)) =>
  recordCampaignCounters(items, { addresses: new FakeAddresses(), delays: counters, counters }, AT, shards);

/** Every count readers see for the stream's counters. */
const totals = (counters: FakeCampaigns) =>
  Object.fromEntries(
    ['sends', 'sends|batch|import-2026-10', 'sends|source|webinar', 'deliveries', 'deliveries|batch|import-2026-10'].map((name) => [
      name,
      counters.total(name),
    ]),
  );

describe('a campaign-hour in one item', () => {
  it('a batch over one campaign-hour and several counters writes one item, not one per counter', async () => {
    const counters = new FakeCampaigns();
    const result = await record(counters, [...sends(0, 10), ...sends(10, 10, 'yahoo.com'), ...deliveries(0, 5)]);
    expect(result.failedSourceIds.size).toBe(0);
    // 7 counters: sends by provider (2), batch and source; deliveries by provider, batch and source.
    expect(counters.writes).toBe(1);
    expect(counters.counters.size).toBe(0);
    expect([...counters.combined.values()][0]?.stored.sketches.size).toBe(7);
    expect(totals(counters)).toEqual({
      sends: 20,
      'sends|batch|import-2026-10': 20,
      'sends|source|webinar': 20,
      deliveries: 5,
      'deliveries|batch|import-2026-10': 5,
    });
    // A replay of the batch writes nothing.
    await record(counters, [...sends(0, 10), ...deliveries(0, 5)]);
    expect(counters.writes).toBe(1);
  });

  it('counters that outgrow the item move out mid-stream and still count each event once, exactly', async () => {
    const counters = new FakeCampaigns();
    const shards = new CounterShards(8);
    // 90 sends in batches of 15, each batch delivered twice: 3 counters of 90 events do not fit one item.
    for (let from = 0; from < 90; from += 15) {
      expect((await record(counters, sends(from, 15), shards)).failedSourceIds.size).toBe(0);
      expect((await record(counters, sends(Math.max(0, from - 7), 15), shards)).failedSourceIds.size).toBe(0);
    }
    expect(counters.counters.size).toBeGreaterThan(0);
    const [combined] = counters.combined.values();
    expect(combined?.stored.out.length).toBeGreaterThan(0);
    expect(totals(counters)).toMatchObject({ sends: 90, 'sends|batch|import-2026-10': 90, 'sends|source|webinar': 90 });
    // Replaying the whole stream writes nothing.
    const writes = counters.writes;
    await record(counters, sends(0, 90), shards);
    expect(counters.writes).toBe(writes);
  });
});

/** A store whose process dies at its n-th write (the write lands first when `after`): that write and every later one fail. */
class CrashingCampaigns extends FakeCampaigns {
  crashAt = Number.POSITIVE_INFINITY;
  when: 'before' | 'after' = 'before';
  private seen = 0;
  private async crash<T>(write: () => Promise<T>): Promise<T> {
    this.seen++;
    if (this.seen < this.crashAt) return write();
    if (this.seen === this.crashAt && this.when === 'after') await write();
    throw new Error(`crash at write ${this.crashAt} (${this.when})`);
  }
  override async writeCounter(id: CounterId, sketch: DistinctSketch, estimate: number, expectedVersion: number) {
    return this.crash(() => super.writeCounter(id, sketch, estimate, expectedVersion));
  }
  override async writeCombined(id: CombinedId, combined: CombinedCounters, expectedVersion: number) {
    return this.crash(() => super.writeCombined(id, combined, expectedVersion));
  }
  /** Everything stored, to compare with a clean run. */
  state() {
    return {
      counters: [...this.counters.entries()].sort(),
      combined: [...this.combined.entries()].sort(),
    };
  }
}

describe('a crash between the writes of a campaign-hour', () => {
  it('at any write, moving counters out or not, leaves after redelivery what a clean run leaves', async () => {
    const before = [...sends(0, 40), ...deliveries(0, 10)];
    // Moves counters out of the item (sends by batch and source grow to 70 events).
    const crashed = [...sends(40, 30), ...deliveries(10, 10)];
    const clean = new CrashingCampaigns();
    await record(clean, before);
    const writesBefore = clean.writes;
    const ownBefore = clean.counters.size;
    await record(clean, crashed);
    const writes = clean.writes - writesBefore;
    expect(writes).toBeGreaterThan(1);
    // The crashed batch moves a counter out: its own item is written, then the combined one drops it.
    expect(clean.counters.size).toBeGreaterThan(ownBefore);
    for (const when of ['before', 'after'] as const) {
      for (let crashAt = 1; crashAt <= writes; crashAt++) {
        const store = new CrashingCampaigns();
        await record(store, before);
        store.when = when;
        store.crashAt = store.writes + crashAt;
        expect((await record(store, crashed)).failedSourceIds.size, `crash ${when} write ${crashAt}`).toBeGreaterThan(0);
        store.crashAt = Number.POSITIVE_INFINITY;
        // The queue delivers the batch again to a new container.
        expect((await record(store, crashed)).failedSourceIds.size).toBe(0);
        expect(store.state(), `crash ${when} write ${crashAt}`).toEqual(clean.state());
        expect(totals(store)).toEqual(totals(clean));
      }
    }
    expect(totals(clean)).toEqual({
      sends: 70,
      'sends|batch|import-2026-10': 70,
      'sends|source|webinar': 70,
      deliveries: 20,
      'deliveries|batch|import-2026-10': 20,
    });
  });
});
