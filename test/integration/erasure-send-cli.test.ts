import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { clientConfigFor } from '../../local/runtime-file.js';
import { startRuntime } from '../../local/runtime.js';
import { bounceFor, complaintFor } from '../support/batches.js';
import { bounce } from '../support/cli.js';
import { settled } from '../support/runtime-process.js';
import { RecordingLogger } from '../support/fakes.js';

const HARD = 'zed.erasable@example.org';
const COMPLAINED = 'amy.complained@example.org';

describe('bounce send after bounce erase', () => {
  it('refuses both erased addresses, plain and with a display name, and keeps no plaintext of them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-erase-send-'));
    const runtime = await startRuntime({ port: 0, dataDir, logger: new RecordingLogger(), healthEverySeconds: 0 });
    try {
      const at = new Date(Date.now() - 3600_000).toISOString();
      const stream = join(dataDir, 'stream.jsonl');
      const events = [
        bounceFor(HARD, { feedbackId: 'fb-hard', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown', at }),
        complaintFor(COMPLAINED, { feedbackId: 'fb-complaint', at }),
      ];
      writeFileSync(stream, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
      expect((await bounce(['ingest', stream, '--data', dataDir])).status).toBe(0);
      await settled(runtime);
      for (const email of [HARD, COMPLAINED]) {
        const erased = await bounce(['erase', email, '--data', dataDir]);
        expect(erased.stderr).toBe('');
        expect(erased.stdout).toContain('DO NOT MAIL: suppressed');
      }

      const message = (to: string) =>
        JSON.stringify({ to, from: 'news@mail.example.com', subject: 'hi', text: 'x', tags: { campaign: 'r3' } });
      const lines = [HARD, 'Zed <zed.erasable@example.org>', COMPLAINED, '"Amy C" <Amy.Complained@Example.org>'].map(message);
      const sent = await bounce(['send', '-', '--data', dataDir], { input: `${lines.join('\n')}\n` });
      expect(sent.stderr).toBe('send: 0 sent, 4 refused, 0 errors\n');
      const answers = sent.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { status: string; reason?: string });
      expect(answers).toHaveLength(4);
      for (const answer of answers) expect(answer).toMatchObject({ status: 'refused', reason: 'address-suppressed' });

      await settled(runtime);
      const outbox = await bounce(['outbox', '--json', '--data', dataDir]);
      expect(outbox.stdout).toBe('');
      // No item of either table holds either address in clear (the outbound items included).
      const client = new DynamoDBClient(clientConfigFor(runtime.file, 'dynamodb'));
      const doc = DynamoDBDocumentClient.from(client);
      for (const table of [runtime.file.tables.addresses, runtime.file.tables.campaigns]) {
        const text = JSON.stringify((await doc.send(new ScanCommand({ TableName: table }))).Items ?? []).toLowerCase();
        expect(text).not.toContain('zed.erasable');
        expect(text).not.toContain('amy.complained');
      }
      client.destroy();
    } finally {
      await runtime.stop();
    }
  }, 90_000);
});
