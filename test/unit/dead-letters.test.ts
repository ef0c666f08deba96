import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTERS_FILE, DeadLetterFile, readDeadLetters, type DeadLetterQueue } from '../../local/dead-letters.js';

function queues() {
  const held: Record<DeadLetterQueue, string[]> = { dlq: [], retryDlq: [] };
  return { held, inspect: (queue: DeadLetterQueue) => held[queue].map((body) => ({ body })) };
}

const saved = (dataDir: string) =>
  (JSON.parse(readFileSync(join(dataDir, DEAD_LETTERS_FILE), 'utf8')) as Array<{ body: string }>).map((m) => m.body).sort();

describe('the local DLQs on disk', () => {
  it('keeps a record that left the DLQ until it is seen processed, or until a clean stop', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-dead-letters-'));
    const { held, inspect } = queues();
    const file = new DeadLetterFile(dataDir, inspect, [], false);
    held.dlq.push('malformed one', 'malformed two');
    held.retryDlq.push('not a timer');
    await file.update();
    expect(saved(dataDir)).toEqual(['malformed one', 'malformed two', 'not a timer']);

    held.dlq = ['malformed two']; // one replayed (or purged): not yet seen processed
    await file.update(['some other record']);
    expect(saved(dataDir)).toEqual(['malformed one', 'malformed two', 'not a timer']);
    await file.update(['malformed one']); // the replayed record went through the pipeline
    expect(saved(dataDir)).toEqual(['malformed two', 'not a timer']);

    held.dlq = []; // purged
    await file.update();
    expect(saved(dataDir)).toEqual(['malformed two', 'not a timer']);
    await file.replaceWithCurrent();
    expect(saved(dataDir)).toEqual(['not a timer']);
    expect(await readDeadLetters(dataDir)).toEqual([{ queue: 'retryDlq', body: 'not a timer' }]);
  });

  it('writes nothing while the DLQs do not change, and writes the first time when what it holds came from elsewhere', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-dead-letters-'));
    const { held, inspect } = queues();
    held.dlq.push('restored from an older snapshot');
    const file = new DeadLetterFile(dataDir, inspect, [{ queue: 'dlq', body: 'restored from an older snapshot' }], false);
    expect(await readDeadLetters(dataDir)).toBeNull();
    await file.update();
    expect(saved(dataDir)).toEqual(['restored from an older snapshot']);
    const written = statSync(join(dataDir, DEAD_LETTERS_FILE)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await file.update(['restored from an older snapshot']);
    expect(statSync(join(dataDir, DEAD_LETTERS_FILE)).mtimeMs).toBe(written);
  });

  it('names the file when it cannot be read, instead of starting without the records it holds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-dead-letters-'));
    writeFileSync(join(dataDir, DEAD_LETTERS_FILE), '[{"queue":"dlq","bo');
    await expect(readDeadLetters(dataDir)).rejects.toThrow(`${join(dataDir, DEAD_LETTERS_FILE)} is not JSON`);
    writeFileSync(join(dataDir, DEAD_LETTERS_FILE), '{"queue":"dlq"}');
    await expect(readDeadLetters(dataDir)).rejects.toThrow('is not a list of queued messages');
  });
});
