import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../local/journal.js';
import { startRuntime } from '../../local/runtime.js';
import { silentLogger } from '../../shared/app/ports.js';

describe('the mailbox world publishes through the crash journal', () => {
  it('a Send event of what the local SES accepted is on disk before it is queued (a kill -9 cannot lose the proof of a send)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-world-journal-'));
    const runtime = await startRuntime({ port: 0, dataDir, world: [], healthEverySeconds: 0, logger: silentLogger });
    try {
      const sent = await runtime.send({
        to: 'kim@example.org',
        from: 'news@mail.example.com',
        content: { kind: 'simple', subject: 'Hello', text: 'Hi' },
        tags: { campaign: 'journal', batch: null, source: null },
      });
      if (sent.status !== 'sent') throw new Error(`not sent: ${JSON.stringify(sent)}`);
      let journalled: { eventType?: string; mail?: { messageId?: string } }[] = [];
      for (let i = 0; i < 100 && !journalled.some((e) => e.eventType === 'Send'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const text = (() => {
          try {
            return readFileSync(join(dataDir, JOURNAL_FILE), 'utf8');
          } catch {
            return '';
          }
        })();
        journalled = text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse((JSON.parse(line) as { message: string }).message) as (typeof journalled)[number]);
      }
      expect(journalled.filter((e) => e.mail?.messageId === sent.messageId).map((e) => e.eventType)).toContain('Send');
    } finally {
      await runtime.stop();
    }
  }, 60_000);
});
