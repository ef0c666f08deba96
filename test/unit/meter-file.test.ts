import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMeterFile, writeMeterFile } from '../../local/meter-file.js';
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
});
