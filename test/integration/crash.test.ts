import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dlqCommand, type DeadLetter } from '../../cli/dlq-command.js';
import { ingestCommand } from '../../cli/ingest-command.js';
import { DONE_FILE, JOURNAL_FILE } from '../../local/journal.js';
import { campaignFigures, capture, notificationsSettled, spawnRuntime, suppressedAddresses } from '../support/runtime-process.js';
import { eventStream } from '../support/stream.js';

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0);

describe('kill -9 of the local runtime', () => {
  it('loses nothing `bounce ingest` reported as published, and counts nothing twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-crash-'));
    // 1,440 events: the runtime keeps up with ingest to within a few hundred whatever the stream's length,
    // so a longer stream leaves no bigger backlog at the kill, only a longer test.
    const stream = eventStream({ campaigns: 12, perCampaign: 60, bounceEvery: 5, sentAt: new Date(Date.now() - 600_000) });
    const file = join(dataDir, 'stream.jsonl');
    writeFileSync(file, `${stream.events.join('\n')}\n`);

    const first = await spawnRuntime(dataDir);
    const { io, err: stderr } = capture();
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
      // Until the queue is empty (nothing visible, in flight or delayed): a double count would show up now.
      expect(await notificationsSettled(second.file)).toBe(true);
      figures = await Promise.all(expected.map(([campaign]) => campaignFigures(second.file.apiUrl, campaign)));
      expect(Object.fromEntries(expected.map(([campaign], j) => [campaign, figures[j]]))).toEqual(Object.fromEntries(expected));
      expect((await suppressedAddresses(second.file.apiUrl)).sort()).toEqual([...stream.suppressed].sort());
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);

  it('loses no dead-lettered record: the DLQ is on disk before its records are marked done', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-crash-dlq-'));
    const file = join(dataDir, 'mixed.jsonl');
    const stream = eventStream({ campaigns: 1, perCampaign: 20, bounceEvery: 5, sentAt: new Date(Date.now() - 600_000) });
    writeFileSync(file, `${['not an SES notification', ...stream.events, '{"neither":"is this"}'].join('\n')}\n`);
    const deadLetters = async (): Promise<DeadLetter[]> => {
      const { io } = capture();
      let out = '';
      io.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      expect(await dlqCommand({ action: 'list', json: true, dataDir }, io)).toBe(0);
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as DeadLetter);
    };
    const waitForDeadLetters = async (count: number): Promise<DeadLetter[]> => {
      let listed: DeadLetter[] = [];
      for (let i = 0; i < 100 && listed.length < count; i++) {
        listed = await deadLetters();
        if (listed.length < count) await new Promise((r) => setTimeout(r, 200));
      }
      return listed;
    };
    const messagesOf = (listed: DeadLetter[]) => listed.map((record) => record.message).sort();
    const malformed = ['not an SES notification', '{"neither":"is this"}'].sort();

    const first = await spawnRuntime(dataDir);
    const { io } = capture();
    expect(await ingestCommand({ sources: [file], dataDir, allowInvalid: true }, io)).toBe(0);
    expect(messagesOf(await waitForDeadLetters(2))).toEqual(malformed);
    // Both were dead-lettered by the pipeline itself, so the journal lists them as done: only the DLQ's file keeps them.
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await spawnRuntime(dataDir);
    try {
      const restored = await waitForDeadLetters(2);
      expect(messagesOf(restored)).toEqual(malformed);
      expect(restored.every((record) => record.reason !== '')).toBe(true);
      // Replayed, they fail into the DLQ again: still one copy each, also after another kill -9.
      expect(await dlqCommand({ action: 'replay', json: false, dataDir }, capture().io)).toBe(0);
      expect(await notificationsSettled(second.file)).toBe(true);
      expect(messagesOf(await waitForDeadLetters(2))).toEqual(malformed);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
    const third = await spawnRuntime(dataDir);
    try {
      expect(messagesOf(await waitForDeadLetters(2))).toEqual(malformed);
      expect(await notificationsSettled(third.file)).toBe(true);
      expect(messagesOf(await deadLetters())).toEqual(malformed);
      // A purge is final at the next clean stop.
      expect(await dlqCommand({ action: 'purge', json: false, dataDir }, capture().io)).toBe(0);
    } finally {
      third.child.kill('SIGTERM');
      await third.exited;
    }
    const fourth = await spawnRuntime(dataDir);
    try {
      expect(await notificationsSettled(fourth.file)).toBe(true);
      expect(await deadLetters()).toEqual([]);
    } finally {
      fourth.child.kill('SIGTERM');
      await fourth.exited;
    }
  }, 120_000);
});
