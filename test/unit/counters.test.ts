import { describe, expect, it } from 'vitest';
import {
  addToSketch,
  counterUpdates,
  EMPTY_SKETCH,
  estimateDistinct,
  eventHash,
  EXACT_LIMIT,
  NO_COMBINED,
  planCombined,
  type CombinedCounters,
  hourOf,
  metricOf,
  type RecipientOutcome,
} from '../../shared/domain/index.js';
import { bounceFor, deliveryFor } from '../support/batches.js';
import { notificationFixture, outcomesOf } from '../support/corpus.js';

describe('metricOf', () => {
  it.each([
    ['event-send.json', 'sends'],
    ['event-delivery.json', 'deliveries'],
    ['event-delivery-delay.json', 'delays'],
    ['event-reject.json', 'rejects'],
    ['event-complaint.json', 'complaints'],
    ['event-bounce-account-suppressed.json', 'alreadySuppressed'],
    ['identity-bounce-transient.json', 'softBounces'],
  ])('%s → %s', (fixture, metric) => {
    expect(metricOf(outcomesOf(notificationFixture(fixture))[0] as RecipientOutcome)).toBe(metric);
  });

  it('separates hard bounces from reputation blocks', () => {
    const [hard, block] = outcomesOf(notificationFixture('event-bounce-permanent.json'));
    expect(metricOf(hard as RecipientOutcome)).toBe('hardBounces');
    expect(metricOf(block as RecipientOutcome)).toBe('blocks');
  });
});

describe('counterUpdates', () => {
  const many = Array.from({ length: 60 }, (_, i) =>
    outcomesOf(bounceFor(`user${i}@gmail.com`, { feedbackId: `f${i}`, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' })),
  ).flat();
  const deliveries = Array.from({ length: 200 }, (_, i) => outcomesOf(deliveryFor(`d${i}@yahoo.com`, '2026-11-20T10:00:05.000Z'))).flat();

  it('one update per counter of the campaign-hour, each carrying every distinct event once', () => {
    const updates = counterUpdates(deliveries.map((outcome, i) => ({ outcome, sourceId: `r${i}` })));
    expect(updates.map((u) => [u.campaign, u.hour, u.name, u.hashes.length])).toEqual([
      // The metric itself is derived on read: the sum of its provider breakdown.
      ['nov-offers', '2026-11-20T10', 'deliveries|provider|yahoo', 200],
      ['nov-offers', '2026-11-20T10', 'deliveries|batch|import-2026-10', 200],
      ['nov-offers', '2026-11-20T10', 'deliveries|source|webinar', 200],
    ]);
    expect(updates[0]?.sourceIds.size).toBe(200);
  });

  it('a duplicated event adds the same hash, once', () => {
    const updates = counterUpdates([...many, ...many].map((outcome, i) => ({ outcome, sourceId: `r${i}` })));
    const hard = updates.find((u) => u.name.startsWith('hardBounces|provider|'));
    expect(hard?.hashes).toHaveLength(60);
    expect(hard?.hashes).toContain(eventHash(many[0]?.eventId ?? ''));
    expect(updates.find((u) => u.name === 'hardBounces|category|invalid-address')?.hashes).toHaveLength(60);
  });

  it('buckets by send time, so late bounces meet their sends', () => {
    const late = outcomesOf(
      bounceFor('x@example.org', {
        feedbackId: 'late',
        status: '4.2.2',
        diagnosticCode: 'smtp; 452 4.2.2 full',
        at: '2026-11-21T03:00:00.000Z',
      }),
    );
    expect(counterUpdates([{ outcome: late[0] as RecipientOutcome, sourceId: 'r' }])[0]?.hour).toBe('2026-11-20T10');
    expect(hourOf('not a time')).toBe('unknown');
  });
});

describe('planCombined', () => {
  const hashes = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  /** Fits while the item holds at most `limit` hashes in all. */
  const upTo =
    (limit: number) =>
    ({ sketches }: CombinedCounters): boolean =>
      [...sketches.values()].reduce((sum, sketch) => sum + (sketch.kind === 'exact' ? sketch.hashes.length : limit + 1), 0) <= limit;

  it('adds small counters to the item, and a replay changes nothing', () => {
    const plan = planCombined(
      NO_COMBINED,
      new Map([
        ['sends|provider|gmail', hashes(1, 3)],
        ['deliveries|provider|gmail', hashes(1, 2)],
      ]),
      upTo(50),
    );
    expect(plan.changed).toBe(true);
    expect(plan.own.size).toBe(0);
    expect([...plan.combined.sketches.keys()]).toEqual(['sends|provider|gmail', 'deliveries|provider|gmail']);
    const replay = planCombined(plan.combined, new Map([['sends|provider|gmail', hashes(2, 2)]]), upTo(50));
    expect(replay.changed).toBe(false);
    expect(replay.own.size).toBe(0);
  });

  it('sends the events of a counter already out to its own item, leaving the item as it was', () => {
    const stored = { sketches: new Map([['a', addToSketch(EMPTY_SKETCH, [1])]]), out: ['big'] };
    const plan = planCombined(stored, new Map([['big', hashes(10, 5)]]), upTo(50));
    expect(plan.changed).toBe(false);
    expect(plan.movedOut).toEqual([]);
    expect(plan.own.get('big')).toEqual(addToSketch(EMPTY_SKETCH, hashes(10, 5)));
  });

  it('moves out a counter past the exact limit, with every event it held', () => {
    const stored = { sketches: new Map([['sends|provider|gmail', addToSketch(EMPTY_SKETCH, hashes(0, EXACT_LIMIT))]]), out: [] };
    const plan = planCombined(stored, new Map([['sends|provider|gmail', [EXACT_LIMIT]]]), () => true);
    expect(plan.movedOut).toEqual(['sends|provider|gmail']);
    expect(plan.combined).toEqual({ sketches: new Map(), out: ['sends|provider|gmail'] });
    expect(plan.changed).toBe(true);
    expect(estimateDistinct(plan.own.get('sends|provider|gmail') ?? EMPTY_SKETCH)).toBeGreaterThan(EXACT_LIMIT);
  });

  it('moves the largest counters out until the item fits, exact ones staying exact', () => {
    const plan = planCombined(
      NO_COMBINED,
      new Map([
        ['small', hashes(0, 5)],
        ['large', hashes(100, 30)],
        ['middle', hashes(200, 20)],
      ]),
      upTo(20),
    );
    expect(plan.movedOut).toEqual(['large', 'middle']);
    expect([...plan.combined.sketches.keys()]).toEqual(['small']);
    expect(plan.combined.out).toEqual(['large', 'middle']);
    expect(plan.own.get('large')).toEqual(addToSketch(EMPTY_SKETCH, hashes(100, 30)));
    expect(plan.own.get('middle')?.kind).toBe('exact');
  });
});
