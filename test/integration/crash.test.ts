import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestCommand } from '../../cli/ingest-command.js';
import { DONE_FILE, JOURNAL_FILE } from '../../local/journal.js';
import { campaignFigures, capture, spawnRuntime, suppressedAddresses } from '../support/runtime-process.js';
import { eventStream } from '../support/stream.js';

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0);

describe('kill -9 of the local runtime', () => {
  it('loses nothing `bounce ingest` reported as published, and counts nothing twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-crash-'));
    const stream = eventStream({ campaigns: 30, perCampaign: 80, bounceEvery: 5, sentAt: new Date(Date.now() - 600_000) });
    const file = join(dataDir, 'stream.jsonl');
    writeFileSync(file, `${stream.events.join('\n')}\n`);

    const first = await spawnRuntime(dataDir);
    const { io, stderr } = capture();
    expect(await ingestCommand({ sources: [file], dataDir }, io)).toBe(0);
    expect(stderr()).toContain(`${stream.events.length} published, 0 failed`);
    first.child.kill('SIGKILL');
    await first.exited;
    // Mid-stream: every message journalled, far from every one processed.
    expect(lines(join(dataDir, JOURNAL_FILE))).toBe(stream.events.length);
    const doneAtKill = lines(join(dataDir, DONE_FILE));
    expect(doneAtKill).toBeLessThan(stream.events.length);

    const second = await spawnRuntime(dataDir);
    try {
      const expected = [...stream.campaigns.entries()];
      let figures: Array<Awaited<ReturnType<typeof campaignFigures>>> = [];
      for (let i = 0; i < 300; i++) {
        figures = await Promise.all(expected.map(([campaign]) => campaignFigures(second.file.apiUrl, campaign)));
        if (figures.every((f, j) => f.sends + f.deliveries + f.hardBounces >= (expected[j]?.[1].sends ?? 0) * 2)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // A few more seconds: a double count would show up now.
      await new Promise((r) => setTimeout(r, 1500));
      figures = await Promise.all(expected.map(([campaign]) => campaignFigures(second.file.apiUrl, campaign)));
      expect(Object.fromEntries(expected.map(([campaign], j) => [campaign, figures[j]]))).toEqual(Object.fromEntries(expected));
      expect((await suppressedAddresses(second.file.apiUrl)).sort()).toEqual([...stream.suppressed].sort());
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);
});
