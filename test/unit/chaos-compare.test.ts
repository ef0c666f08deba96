import { describe, expect, it } from 'vitest';
import { addToSketch, EMPTY_SKETCH, encodeSketch } from '../../shared/domain/index.js';
import { compareRuns } from '../support/chaos-compare.js';
import { chaosOrder, chaosStream } from '../support/chaos-stream.js';

const state = (email: string, fields: Record<string, unknown> = {}) => ({
  table: 'addresses',
  pk: `ADDR#${email}`,
  sk: 'STATE',
  status: 'suppressed',
  reason: 'hard-bounce',
  count: 1,
  appliedEventIds: ['a', 'b'],
  version: 1,
  writtenAt: '2026-11-30T10:00:00.000Z',
  ...fields,
});
const history = (email: string, fields: Record<string, unknown> = {}) => ({
  table: 'addresses',
  pk: `ADDR#${email}`,
  sk: 'HIST#2026-11-30T09:00:00.000Z#e1',
  signal: 'hard-bounce',
  fromStatus: null,
  toStatus: 'suppressed',
  reason: 'hard-bounce',
  ...fields,
});
const counter = (count: number, version = 1) => ({
  table: 'campaigns',
  pk: 'COUNT#c#2026-11-30T09',
  sk: 'sends',
  count,
  sketch: 'x',
  version,
});

describe('the chaos comparison', () => {
  it('ignores only write counts, write times and arrival-order bookkeeping', () => {
    const clean = [state('a@x.org'), history('a@x.org'), counter(5)];
    const chaos = [
      state('a@x.org', { version: 4, writtenAt: '2026-11-30T11:00:00.000Z', appliedEventIds: ['b', 'a'], lastChange: { eventId: 'b' } }),
      history('a@x.org', { fromStatus: 'suppressed', reason: 'complaint' }),
      counter(5, 9),
      { table: 'addresses', pk: 'ADDR#a@x.org', sk: 'SOFT#2026-11-30T08:00:00.000Z#s1' },
    ];
    const result = compareRuns(clean, chaos);
    expect(result.differences).toEqual([]);
    expect(result.compared).toEqual({ state: 1, history: 1, counter: 1 });
    expect(result.skipped).toEqual({ window: 1 });
  });

  it('reports a different field, a missing item and an extra item', () => {
    const clean = [state('a@x.org'), history('a@x.org'), counter(5)];
    const chaos = [state('a@x.org', { status: 'review', count: 2 }), counter(6), history('b@x.org')];
    expect(compareRuns(clean, chaos).differences).toEqual([
      'addresses ADDR#a@x.org STATE: status clean="suppressed" chaos="review"; count clean=1 chaos=2',
      'addresses ADDR#a@x.org HIST#2026-11-30T09:00:00.000Z#e1: missing in the chaos run',
      'campaigns COUNT#c#2026-11-30T09 sends: count clean=5 chaos=6',
      'addresses ADDR#b@x.org HIST#2026-11-30T09:00:00.000Z#e1: only in the chaos run',
    ]);
  });
});

describe('the chaos comparison of an order-dependent address (a review and a newer delivery)', () => {
  const released = state('r@x.org', { status: 'released', reason: 'policy-block-review', releasedBy: 'delivery', count: 2 });
  const block = history('r@x.org', { sk: 'HIST#1#block', signal: 'policy-block', toStatus: 'review', reason: 'policy-block-review' });
  const release = history('r@x.org', { sk: 'HIST#2#delivery', signal: 'delivery', toStatus: 'released' });
  const loose = new Set(['r@x.org']);

  it('accepts the chaos run holding in review what the clean run released, without the release entry', () => {
    const held = state('r@x.org', { status: 'review', reason: 'policy-block-review', count: 1 });
    const result = compareRuns([released, block, release], [held, block], loose);
    expect(result.differences).toEqual([]);
    expect(result.orderDependent).toEqual({ addresses: 1, releasedByClean: 1, heldInstead: 1 });
  });

  it('accepts the clean run holding in review what the chaos run released (batches come in any order)', () => {
    const held = state('r@x.org', { status: 'review', reason: 'policy-block-review', count: 1 });
    expect(compareRuns([held, block], [released, block, release], loose).differences).toEqual([]);
  });

  it('refuses a suppression, another reason, or a history entry the clean run does not have', () => {
    const suppressed = state('r@x.org', { status: 'suppressed', reason: 'policy-block-review' });
    const otherReason = state('r@x.org', { status: 'review', reason: 'soft-bounce-threshold' });
    const extra = history('r@x.org', { sk: 'HIST#3#other', signal: 'hard-bounce' });
    expect(compareRuns([released, block], [suppressed, block], loose).differences).toHaveLength(1);
    expect(compareRuns([released, block], [otherReason, block], loose).differences).toHaveLength(1);
    expect(compareRuns([released, block], [released, block, extra], loose).differences).toEqual([
      'addresses ADDR#r@x.org HIST#3#other: only in the chaos run',
    ]);
    // Without the address named as order-dependent, the held review is a difference like any other.
    expect(compareRuns([released, block, release], [state('r@x.org', { status: 'review' }), block]).differences.length).toBeGreaterThan(0);
  });
});

describe('the chaos stream', () => {
  it('is the same for the same seed, in event-time order, with every event twice in the chaos order', () => {
    const now = Date.parse('2026-11-30T12:00:00.000Z');
    const stream = chaosStream({ events: 2000, seed: 3, now });
    expect(chaosStream({ events: 2000, seed: 3, now }).events).toEqual(stream.events);
    expect(stream.events.length).toBeGreaterThanOrEqual(2000);
    const times = stream.events.map((e) => {
      const event = JSON.parse(e) as Record<string, { timestamp?: string }>;
      const inner = Object.entries(event).find(([key]) => key !== 'mail' && key !== 'eventType' && event[key]?.timestamp);
      return Date.parse(inner?.[1].timestamp ?? (event.mail as { timestamp: string }).timestamp);
    });
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
    expect(Math.max(...times)).toBeLessThan(now);
    for (const story of [
      'hard-bounce',
      'complaint',
      'soft-threshold',
      'soft-below-threshold',
      'delivered',
      'two-hard-bounces',
      'soft-past-threshold',
      'policy-block-then-delivered',
      'soft-threshold-then-delivered',
      'hard-bounce-then-account-list',
    ])
      expect(stream.stories[story]).toBeGreaterThan(0);

    expect(stream.orderDependent).toHaveLength(
      (stream.stories['policy-block-then-delivered'] ?? 0) + (stream.stories['soft-threshold-then-delivered'] ?? 0),
    );

    const order = chaosOrder(stream.events.length, 3, 200);
    expect(order).toHaveLength(2 * stream.events.length);
    expect([...order].sort((a, b) => a - b)).toEqual(stream.events.flatMap((_, i) => [i, i]));
    expect(order.some((index, i) => i > 0 && index < (order[i - 1] as number))).toBe(true);
    // Out of order within windows only: no copy moves more than three windows ahead.
    expect(order.every((index, i) => Math.abs(i / 2 - index) < 600)).toBe(true);
  });
});

describe('counter shards in the chaos comparison', () => {
  it("compares the union of a counter's shards, not which shard a batch wrote", () => {
    const shard = (shardNo: number, hashes: number[], version = 1) => {
      const sketch = addToSketch(EMPTY_SKETCH, hashes);
      return {
        table: 'campaigns',
        pk: 'COUNT#c',
        sk: `2026-11-30T09#sends#${shardNo}`,
        sketch: encodeSketch(sketch),
        count: hashes.length,
        version,
      };
    };
    const clean = [shard(0, [1, 2, 3])];
    expect(compareRuns(clean, [shard(0, [1, 2]), shard(7, [2, 3], 4)]).differences).toEqual([]);
    expect(compareRuns(clean, [shard(0, [1, 2]), shard(7, [4])]).differences).toEqual([
      expect.stringMatching(/^campaigns COUNT#c 2026-11-30T09#sends: sketch clean=/),
    ]);
  });

  it('compares a counter the same whether a combined item or its own item holds it', () => {
    const combined = (shardNo: number, counters: Record<string, number[]>, out: string[] = []) => ({
      table: 'campaigns',
      pk: 'COUNT#c',
      sk: `2026-11-30T09#*#${shardNo}`,
      counters: Object.fromEntries(
        Object.entries(counters).map(([name, hashes]) => [name, encodeSketch(addToSketch(EMPTY_SKETCH, hashes))]),
      ),
      out,
      version: 3,
    });
    const own = {
      table: 'campaigns',
      pk: 'COUNT#c',
      sk: '2026-11-30T09#sends#0',
      sketch: encodeSketch(addToSketch(EMPTY_SKETCH, [1, 2, 3])),
      count: 3,
      version: 1,
    };
    const clean = [combined(0, { sends: [1, 2, 3], deliveries: [1] })];
    expect(compareRuns(clean, [combined(0, { sends: [1], deliveries: [1] }, ['sends']), own]).differences).toEqual([]);
    expect(compareRuns(clean, [combined(0, { deliveries: [1] }, ['sends']), combined(5, { sends: [2, 3] }), own]).differences).toEqual([]);
    expect(compareRuns(clean, [combined(0, { sends: [1, 2, 3] })]).differences).toEqual([
      expect.stringMatching(/^campaigns COUNT#c 2026-11-30T09#deliveries: missing/),
    ]);
  });
});
