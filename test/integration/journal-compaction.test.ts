import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DONE_FILE, JOURNAL_FILE, messageKey, replayJournal, startJournal } from '../../local/journal.js';

/** An SNS endpoint that accepts every publication (what the journal forwards to). */
async function acceptingSns(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const publish = (endpoint: string, message: string) =>
  fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: 'Publish', TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: message }).toString(),
  }).then((response) => expect(response.status).toBe(200));

const journalled = (dataDir: string) =>
  readFileSync(join(dataDir, JOURNAL_FILE), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { message: string }).message);

const message = (n: number) => `{"n":${n}}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => message(from + i));

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bounce-journal-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the publish journal of a long-running runtime', () => {
  it('drops what is done while it runs, so neither file grows with every message ever published', async () => {
    const sns = await acceptingSns();
    const journal = await startJournal(dataDir, sns.url, { compactEvery: 10 });
    const finish = journal.tracking(async () => ({ failedIds: new Set<string>() }));
    const markDone = (messages: readonly string[]) => finish(messages.map((body, i) => ({ id: String(i), body })));
    try {
      for (const m of range(0, 15)) await publish(journal.snsEndpoint, m);
      await markDone(range(0, 12));
      // The 20th message starts a compaction: the 12 done ones leave the journal, and the done list goes.
      for (const m of range(15, 25)) await publish(journal.snsEndpoint, m);
    } finally {
      await journal.close(); // waits for the compaction
      await sns.close();
    }
    expect(journalled(dataDir)).toEqual(range(12, 25));
    expect(existsSync(join(dataDir, DONE_FILE))).toBe(false);

    // Done after the compaction: listed anew, and not replayed.
    await markDone([message(12)]);
    const replayed: string[] = [];
    expect(await replayJournal(dataDir, async (m) => void replayed.push(m))).toBe(12);
    expect(replayed).toEqual(range(13, 25));
  });

  it('replays nothing a compaction cut short by a crash had already found done', async () => {
    writeFileSync(
      join(dataDir, JOURNAL_FILE),
      range(0, 3)
        .map((m) => `${JSON.stringify({ key: messageKey(m), message: m })}\n`)
        .join(''),
    );
    writeFileSync(join(dataDir, `${DONE_FILE}.compacting`), `${messageKey(message(0))}\n`);
    writeFileSync(join(dataDir, DONE_FILE), `${messageKey(message(2))}\n`);
    const replayed: string[] = [];
    expect(await replayJournal(dataDir, async (m) => void replayed.push(m))).toBe(1);
    expect(replayed).toEqual([message(1)]);
    expect(existsSync(join(dataDir, `${DONE_FILE}.compacting`))).toBe(false);
  });

  it('does not queue again what the previous run dead-lettered and this start puts back on the DLQ', async () => {
    // The queue moved message 1 to the DLQ after its failed deliveries: the pipeline never marked it done.
    writeFileSync(
      join(dataDir, JOURNAL_FILE),
      range(0, 3)
        .map(
          (m) => `${JSON.stringify({ key: messageKey(m), message: m })}
`,
        )
        .join(''),
    );
    // The DLQ holds the queue's body: the SNS envelope around the message.
    const dlqBody = JSON.stringify({ Type: 'Notification', MessageId: 'x', Message: message(1) });
    const replayed: string[] = [];
    expect(await replayJournal(dataDir, async (m) => void replayed.push(m), [dlqBody])).toBe(2);
    expect(replayed).toEqual([message(0), message(2)]);
    // Left out of the journal too, so the next start does not queue it either (the DLQ snapshot keeps it).
    expect(journalled(dataDir)).toEqual([message(0), message(2)]);
  });
});
