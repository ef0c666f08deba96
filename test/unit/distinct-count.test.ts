import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToSketch,
  decodeSketch,
  EMPTY_SKETCH,
  encodeSketch,
  estimateDistinct,
  EXACT_LIMIT,
  hash53,
  isEncodedEstimate,
  sameSketch,
  standardErrorOf,
  sumCounters,
  unionSketches,
  type DistinctSketch,
} from '../../shared/domain/index.js';

const hashes = (from: number, to: number, prefix = 'event') => Array.from({ length: to - from }, (_, i) => hash53(`${prefix}-${from + i}`));

/** Adds in batches, as the pipeline does. */
function inBatches(all: readonly number[], size: number): DistinctSketch {
  let sketch = EMPTY_SKETCH;
  for (let i = 0; i < all.length; i += size) sketch = addToSketch(sketch, all.slice(i, i + size));
  return sketch;
}

describe('distinct-count sketch', () => {
  it('counts exactly up to the exact limit, duplicates included once', () => {
    const sketch = inBatches([...hashes(0, EXACT_LIMIT), ...hashes(0, 40)], 7);
    expect(sketch.kind).toBe('exact');
    expect(estimateDistinct(sketch)).toBe(EXACT_LIMIT);
    expect(estimateDistinct(addToSketch(sketch, hashes(EXACT_LIMIT, EXACT_LIMIT + 1)))).toBeGreaterThan(EXACT_LIMIT);
  });

  it.each([1_000, 20_000, 200_000])('estimates %i distinct events within 10 % (3 standard errors)', (n) => {
    const estimate = estimateDistinct(inBatches(hashes(0, n), 100));
    expect(Math.abs(estimate - n) / n).toBeLessThan(0.1);
  });

  it('a replayed part of the stream, in any order and any batching, leaves the very same sketch', () => {
    const stream = hashes(0, 3_000);
    const clean = inBatches(stream, 100);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_999 }),
        fc.integer({ min: 1, max: 3_000 }),
        fc.integer({ min: 1, max: 250 }),
        (from, length, batch) => {
          const replayed = [
            ...stream.slice(0, from + length),
            ...stream.slice(from, from + length),
            ...stream.slice(from + length),
          ].reverse();
          const again = inBatches(replayed, batch);
          expect(sameSketch(again, clean)).toBe(true);
          expect(estimateDistinct(again)).toBe(estimateDistinct(clean));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stores in under 1 KB and reads back the same sketch', () => {
    for (const sketch of [EMPTY_SKETCH, inBatches(hashes(0, EXACT_LIMIT), 100), inBatches(hashes(0, 50_000), 1_000)]) {
      const bytes = encodeSketch(sketch);
      expect(bytes.length).toBeLessThanOrEqual(769);
      expect(sameSketch(decodeSketch(bytes), sketch)).toBe(true);
    }
    expect(() => decodeSketch(new Uint8Array([7, 1, 2]))).toThrow();
  });

  it('different events do change the sketch', () => {
    const base = inBatches(hashes(0, 5_000), 100);
    expect(sameSketch(addToSketch(base, hashes(0, 2_000, 'other')), base)).toBe(false);
  });
});

describe('the error of an estimate', () => {
  it.each([400, 3_000])('standardErrorOf(%i) is the spread of 100 sketches of that many events (within 30 %)', (n) => {
    let squares = 0;
    for (let run = 0; run < 100; run++) squares += (estimateDistinct(inBatches(hashes(0, n, `run${run}`), 500)) - n) ** 2;
    const spread = Math.sqrt(squares / 100);
    expect(spread / standardErrorOf(n)).toBeGreaterThan(0.7);
    expect(spread / standardErrorOf(n)).toBeLessThan(1.3);
  });

  it('is 0 for an exact count, and about 3 % above 2,560', () => {
    expect(standardErrorOf(EXACT_LIMIT)).toBe(0);
    expect(standardErrorOf(10_000) / 10_000).toBeCloseTo(0.0325, 4);
  });

  it("the stored form's first byte says whether its count is an estimate", () => {
    expect(isEncodedEstimate(encodeSketch(inBatches(hashes(0, EXACT_LIMIT), 50)))).toBe(false);
    expect(isEncodedEstimate(encodeSketch(inBatches(hashes(0, EXACT_LIMIT + 1), 50)))).toBe(true);
  });

  it('a sum over hours carries the root of the summed variances of its estimated hours; exact sums carry none', () => {
    const totals = sumCounters([
      { name: 'sends|provider|gmail', count: 80, estimated: false },
      { name: 'sends|provider|yahoo', count: 1_500, estimated: true },
      { name: 'sends|provider|other', count: 3_000, estimated: true },
      { name: 'hardBounces|provider|gmail', count: 60, estimated: false },
      { name: 'hardBounces|provider|other', count: 40, estimated: false },
    ]);
    expect(totals.counts).toMatchObject({ sends: 4_580, hardBounces: 100 });
    expect(totals.errors).toEqual({
      sends: Math.hypot(standardErrorOf(1_500), standardErrorOf(3_000)),
      'sends|provider|yahoo': standardErrorOf(1_500),
      'sends|provider|other': standardErrorOf(3_000),
    });
  });

  it('a metric is the sum of its provider breakdown; an older item of the metric itself counts where it says more', () => {
    const hour = sumCounters([
      { name: 'sends|provider|gmail', count: 1_500, estimated: true },
      { name: 'sends|provider|yahoo', count: 40, estimated: false },
      { name: 'sends|batch|b1', count: 1_540, estimated: true },
      { name: 'blocks|reputation|gmail', count: 3, estimated: false },
      { name: 'blocks|provider|gmail', count: 3, estimated: false },
    ]);
    expect(hour.counts).toMatchObject({ sends: 1_540, blocks: 3 });
    expect(hour.errors.sends).toBe(standardErrorOf(1_500));
    expect(hour.errors.blocks).toBeUndefined();
    // An hour written when the metric was stored too: the larger of the item and the breakdown's sum.
    const older = sumCounters([
      { name: 'sends', count: 90, estimated: false },
      { name: 'sends|provider|gmail', count: 60, estimated: false },
      { name: 'hardBounces', count: 2, estimated: false },
      { name: 'hardBounces|provider|gmail', count: 2, estimated: false },
      { name: 'hardBounces|provider|yahoo', count: 1, estimated: false },
    ]);
    expect(older.counts).toMatchObject({ sends: 90, hardBounces: 3 });
  });
});

describe('unionSketches', () => {
  it('is the sketch of the union of the events, whichever shards held them and how often', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 5 }),
        (n, overlap, parts) => {
          const all = hashes(0, n);
          // Each shard holds a slice, and `overlap` events are also in every shard (replays that met other shards).
          const extra = hashes(0, Math.min(overlap, n));
          const shards = Array.from({ length: parts }, (_, p) =>
            addToSketch(EMPTY_SKETCH, [...all.filter((_, i) => i % parts === p), ...extra]),
          );
          expect(sameSketch(unionSketches(shards), addToSketch(EMPTY_SKETCH, all))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    expect(unionSketches([])).toEqual(EMPTY_SKETCH);
  });
});
