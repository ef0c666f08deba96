import { describe, expect, it } from 'vitest';
import { CounterShards, recordCampaignCounters } from '../../shared/app/ingest.js';
import type { CombinedId, CounterId } from '../../shared/app/ports.js';
import { type CombinedCounters, type DistinctSketch } from '../../shared/domain/index.js';
import { FakeAddresses, FakeCampaigns } from '../support/fakes.js';
import { notificationFixture, outcomesOf } from '../support/corpus.js';

describe('CounterShards', () => {
  it('keeps a campaign on shard 0 until it loses a condition, then on another shard, never the one it lost', () => {
    let next = 0;
    const draws = [0, 0.99, 0.5];
    const shards = new CounterShards(4, () => draws[next++ % draws.length] ?? 0);
    expect(shards.of('nov')).toBe(0);
    expect(shards.moveAway('nov', 0)).toBe(1);
    expect(shards.of('nov')).toBe(1);
    expect(shards.of('dec')).toBe(0);
    expect(shards.moveAway('nov', 1)).toBe(3);
    expect(shards.moveAway('nov', 3)).toBe(1);
    expect(new CounterShards(1).moveAway('nov', 0)).toBe(0);
  });
});

/** A counter store where another container writes shard 0 of every item between this one's read and write. */
class ContendedCampaigns extends FakeCampaigns {
  override async writeCounter(id: CounterId, sketch: DistinctSketch, estimate: number, expectedVersion: number) {
    if ((id.shard ?? 0) === 0) {
      this.writes++;
      return false;
    }
    return super.writeCounter(id, sketch, estimate, expectedVersion);
  }
  override async writeCombined(id: CombinedId, combined: CombinedCounters, expectedVersion: number) {
    if (id.shard === 0) {
      this.writes++;
      return false;
    }
    return super.writeCombined(id, combined, expectedVersion);
  }
}

const sendsTo = (count: number, from = 0, domain = 'gmail.com') =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const send = notificationFixture('event-send.json') as { mail: Record<string, unknown> };
    return outcomesOf({ ...send, mail: { ...send.mail, messageId: `m${i}`, destination: [`user${i}@${domain}`] } });
  })
    .flat()
    .map((outcome, k) => ({ outcome, sourceId: `r${from + k}` }));

describe('recordCampaignCounters under contention', () => {
  it('moves a batch to another shard after one lost condition, not one per counter', async () => {
    const counters = new ContendedCampaigns();
    const result = await recordCampaignCounters(
      sendsTo(5),
      { addresses: new FakeAddresses(), delays: counters, counters },
      new Date('2026-11-20T10:30:00Z'),
      new CounterShards(8),
    );
    expect(result.failedSourceIds.size).toBe(0);
    // One write lost on shard 0; the campaign-hour's counters landed in one item of another shard.
    expect(counters.writes).toBe(2);
    const landed = [...counters.combined.values()];
    expect(landed).toHaveLength(1);
    expect(landed[0]?.id.shard).not.toBe(0);
    expect(counters.total('sends')).toBe(5);
  });

  it('moves a batch of large counters to another shard after one lost condition', async () => {
    const counters = new ContendedCampaigns();
    const deps = { addresses: new FakeAddresses(), delays: counters, counters };
    const at = new Date('2026-11-20T10:30:00Z');
    // 60 sends: their provider, batch and source counters do not fit one item together.
    expect((await recordCampaignCounters(sendsTo(60), deps, at, new CounterShards(8))).failedSourceIds.size).toBe(0);
    const own = [...counters.counters.values()];
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map(({ id }) => id.shard)).size).toBe(1);
    expect(own[0]?.id.shard).not.toBe(0);
    expect(counters.total('sends')).toBe(60);
    expect(counters.total('sends|batch|import-2026-10')).toBe(60);
    expect(counters.total('sends|source|webinar')).toBe(60);
  });
});

describe('campaign activity markers', () => {
  it('a late outcome marks its campaign active in the hour it arrived, beside its send hour', async () => {
    const counters = new FakeCampaigns();
    const send = notificationFixture('event-send.json') as { mail: Record<string, unknown> };
    const items = outcomesOf(send).map((outcome, i) => ({ outcome, sourceId: `r${i}` }));
    const sentHour = items[0]?.outcome.occurredAt.slice(0, 13) ?? '';
    // Three days after the send (a complaint's usual delay): the health finder reads recent hours only.
    const arrived = new Date(Date.parse(`${sentHour}:00:00Z`) + 72 * 3600_000 + 60_000);
    const result = await recordCampaignCounters(items, { addresses: new FakeAddresses(), delays: counters, counters }, arrived);
    expect(result.failedSourceIds.size).toBe(0);
    const campaign = items[0]?.outcome.tags.campaign ?? '';
    expect([...counters.active].sort()).toEqual([`${sentHour}#${campaign}`, `${arrived.toISOString().slice(0, 13)}#${campaign}`].sort());
  });
});

/** A counter store whose eventually consistent reads miss the last write (a replica behind). */
class LaggingCampaigns extends FakeCampaigns {
  readonly reads: Array<'recent' | 'strong'> = [];
  override async readCounters(ids: readonly CounterId[], read?: { readonly recent: boolean }) {
    this.reads.push(read?.recent ? 'recent' : 'strong');
    return read?.recent ? new Map() : super.readCounters(ids);
  }
  override async readCombined(ids: readonly CombinedId[], read?: { readonly recent: boolean }) {
    this.reads.push(read?.recent ? 'recent' : 'strong');
    return read?.recent ? new Map() : super.readCombined(ids);
  }
}

describe('recordCampaignCounters after a stale read', () => {
  it('reads eventually consistent first; a stale read costs a refused write and a strong read, and counts each event once', async () => {
    const counters = new LaggingCampaigns();
    const deps = { addresses: new FakeAddresses(), delays: counters, counters };
    const at = new Date('2026-11-20T10:30:00Z');
    const shards = new CounterShards(8);
    await recordCampaignCounters(sendsTo(3), deps, at, shards);
    expect(counters.reads).toEqual(['recent']);
    const result = await recordCampaignCounters(sendsTo(3, 3), deps, at, shards);
    expect(result.failedSourceIds.size).toBe(0);
    expect(counters.reads[1]).toBe('recent');
    expect(counters.reads.slice(2).every((r) => r === 'strong')).toBe(true);
    expect(counters.total('sends|provider|gmail')).toBe(6);
    // A replay of both batches (read stale again) may land on another shard, and still counts each event once.
    await recordCampaignCounters([...sendsTo(3), ...sendsTo(3, 3)], deps, at, shards);
    expect(counters.total('sends|provider|gmail')).toBe(6);
  });
});
