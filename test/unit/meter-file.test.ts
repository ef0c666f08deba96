import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMeterFile, storedShareOfMonth, writeMeterFile } from '../../local/meter-file.js';
import { emptyMeter } from '../../shared/app/cost.js';

describe('the meter file', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stays whole when a long and a short write overlap (the periodic write and the one on stop)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'meter-file-'));
    const path = join(dir, 'meter.json');
    const long = {
      ...emptyMeter('2026-12-07T00:00:00.000Z'),
      storedBytes: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`table-${i}`, i])),
    };
    const short = emptyMeter('2026-12-07T00:00:00.000Z');
    for (let round = 0; round < 20; round += 1) {
      await Promise.all([writeMeterFile(path, long), writeMeterFile(path, short), writeMeterFile(path, long)]);
      await expect(readMeterFile(path)).resolves.not.toBeNull();
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('counts an item with a TTL for the share of a month it stays, one without for the whole month', () => {
    const now = Date.parse('2026-12-07T00:00:00Z');
    const inDays = (days: number) => ({ expiresAt: { N: String(now / 1000 + days * 86_400) } });
    expect(storedShareOfMonth({}, now)).toBe(1);
    expect(storedShareOfMonth(inDays(10), now)).toBeCloseTo(1 / 3, 6);
    expect(storedShareOfMonth(inDays(3), now)).toBeCloseTo(0.1, 6);
    expect(storedShareOfMonth(inDays(45), now)).toBe(1);
    expect(storedShareOfMonth(inDays(-1), now)).toBe(0);
  });
});
