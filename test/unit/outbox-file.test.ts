import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OUTBOX_FILE, openOutbox, outboxRows, readOutbox } from '../../local/outbox-file.js';
import { RETRY_STATE_RETENTION_SECONDS } from '../../shared/domain/index.js';

const T0 = new Date('2026-11-20T12:00:00.000Z');
const dirs: string[] = [];
const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outbox-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the local outbox (what the local SES accepted)', () => {
  it('lists each recipient with the retry link and campaign its tags carry', () => {
    expect(
      outboxRows(
        { messageId: 'm-2', to: [' Kim@Example.org'], tags: { mailing: 'spring', 'retry-of': 'm-1', 'retry-attempt': '2' }, sentAt: T0 },
        'mailing',
      ),
    ).toEqual([
      { messageId: 'm-2', to: 'kim@example.org', attempt: 2, originalMessageId: 'm-1', campaign: 'spring', sentAt: T0.toISOString() },
    ]);
    expect(
      outboxRows({ messageId: 'm-1', to: ['a@example.org', 'b@example.org'], tags: { campaign: '' }, sentAt: T0 }, 'campaign'),
    ).toEqual([
      { messageId: 'm-1', to: 'a@example.org', attempt: 0, originalMessageId: 'm-1', campaign: null, sentAt: T0.toISOString() },
      { messageId: 'm-1', to: 'b@example.org', attempt: 0, originalMessageId: 'm-1', campaign: null, sentAt: T0.toISOString() },
    ]);
  });

  it('reads oldest first, a retry after its original, and skips a line cut by a kill', async () => {
    const dir = await scratch();
    const outbox = await openOutbox(dir, { fresh: false, now: T0 });
    const later = new Date(T0.getTime() + 3600_000);
    const rows = [
      ...outboxRows(
        { messageId: 'm-2', to: ['kim@example.org'], tags: { 'retry-of': 'm-1', 'retry-attempt': '1' }, sentAt: T0 },
        'campaign',
      ),
      ...outboxRows({ messageId: 'm-3', to: ['lee@example.org'], tags: {}, sentAt: later }, 'campaign'),
      ...outboxRows({ messageId: 'm-1', to: ['kim@example.org'], tags: {}, sentAt: T0 }, 'campaign'),
    ];
    await outbox.append(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), false);
    await outbox.close();
    await appendFile(join(dir, OUTBOX_FILE), '{"messageId": "m-4", "to": "ann@exa');
    expect((await readOutbox(dir)).map((row) => [row.messageId, row.attempt])).toEqual([
      ['m-1', 0],
      ['m-2', 1],
      ['m-3', 0],
    ]);
  });

  it('a runtime in memory starts it empty; one on disk keeps what is younger than a retry lifetime', async () => {
    const dir = await scratch();
    const old = new Date(T0.getTime() - (RETRY_STATE_RETENTION_SECONDS + 60) * 1000);
    let outbox = await openOutbox(dir, { fresh: false, now: T0 });
    for (const [messageId, sentAt] of [
      ['old', old],
      ['recent', T0],
    ] as const) {
      await outbox.append(`${JSON.stringify(outboxRows({ messageId, to: ['kim@example.org'], tags: {}, sentAt }, 'campaign')[0])}\n`);
    }
    await outbox.close();
    outbox = await openOutbox(dir, { fresh: false, now: T0 });
    await outbox.close();
    expect((await readOutbox(dir)).map((row) => row.messageId)).toEqual(['recent']);
    outbox = await openOutbox(dir, { fresh: true, now: T0 });
    await outbox.close();
    expect(await readFile(join(dir, OUTBOX_FILE), 'utf8')).toBe('');
    expect(await readOutbox(await scratch())).toEqual([]);
  });
});
