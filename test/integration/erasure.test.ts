import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ingestCommand } from '../../cli/ingest-command.js';
import { ERASURE_KEY_FILE } from '../../local/erasure-key.js';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { startRuntime } from '../../local/runtime.js';
import { bounceFor } from '../support/batches.js';
import { bounce } from '../support/cli.js';
import { settled } from '../support/runtime-process.js';
import { RecordingLogger } from '../support/fakes.js';

const ERASED = 'erase.me@example.org';
const KEPT = 'keep.me@example.org';
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

async function scanText(file: RuntimeFile): Promise<string[]> {
  const client = new DynamoDBClient({
    region: file.region,
    endpoint: file.endpoints.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const doc = DynamoDBDocumentClient.from(client);
  const items: string[] = [];
  for (const table of [file.tables.addresses, file.tables.campaigns]) {
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: table }));
    items.push(...Items.map((item) => JSON.stringify(item)));
  }
  client.destroy();
  return items;
}

const erase = (apiUrl: string, email: string, body: unknown, query = '?erase=true') =>
  fetch(`${apiUrl}/suppressions/${encodeURIComponent(email)}${query}`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('erasure on the local runtime', () => {
  it('bounce erase and the API erase an address that stays suppressed, with the key kept across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-erasure-'));
    const logger = new RecordingLogger();
    const first = await startRuntime({ port: 0, dataDir, logger, healthEverySeconds: 0 });
    let second: Awaited<ReturnType<typeof startRuntime>> | null = null;
    try {
      const keyFile = join(dataDir, ERASURE_KEY_FILE);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = readFileSync(keyFile, 'utf8');
      expect(key).toMatch(/^[0-9a-f]{64}\n$/);

      const stream = [
        bounceFor(ERASED, { feedbackId: 'e-soft', status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full', at: hoursAgo(3) }),
        bounceFor(ERASED, {
          feedbackId: 'e-hard',
          status: '5.1.1',
          diagnosticCode: `smtp; 550 5.1.1 <${ERASED}>: no such user`,
          at: hoursAgo(2),
        }),
        bounceFor(KEPT, { feedbackId: 'k-hard', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 no such user', at: hoursAgo(2) }),
      ];
      const file = join(dataDir, 'stream.jsonl');
      writeFileSync(file, `${stream.map((n) => JSON.stringify(n)).join('\n')}\n`);
      const io = { stdin: new PassThrough(), stdout: new PassThrough().resume(), stderr: new PassThrough().resume() };
      expect(await ingestCommand({ sources: [file], dataDir }, io)).toBe(0);
      await settled(first);
      expect((await scanText(first.file)).filter((item) => item.includes('erase.me')).length).toBeGreaterThanOrEqual(3);

      // The API refuses a reason that holds an address, and any other value of `erase`.
      expect((await erase(first.file.apiUrl, ERASED, { reason: `asked by ${ERASED}` })).status).toBe(400);
      expect((await erase(first.file.apiUrl, ERASED, { reason: 'x' }, '?erase=yes')).status).toBe(400);

      const run = await bounce(['erase', ERASED, '--data', dataDir]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^erase\.me@example\.org: erased \d{4}-\d\d-\d\dT[\d:.]+Z$/);
      expect(lines[1]).toBe(
        '  deleted      1 record, 1 history entry, 1 soft bounce, 1 retry state, 0 sent message copies, 0 delivery delays',
      );
      expect(lines[2]).toMatch(/^ {2}kept {9}DO NOT MAIL: suppressed \(hard-bounce, invalid-address\), seen \S+ to \S+$/);
      expect(lines[3]).toBe('               under a keyed hash of the address (the address itself is not kept)');

      const items = await scanText(first.file);
      expect(items.filter((item) => item.includes('erase.me'))).toEqual([]);
      expect(items.some((item) => item.includes(KEPT))).toBe(true);

      const checked = await bounce(['check', '-', '--data', dataDir], { input: `${ERASED}\n${KEPT}\nnew@example.org\n` });
      expect(checked.stdout.trim().split('\n')).toEqual([
        'email,suppressed,status,reason',
        `${ERASED},true,suppressed,hard-bounce`,
        `${KEPT},true,suppressed,hard-bounce`,
        'new@example.org,false,,',
      ]);
      const exported = await bounce(['export', '--format', 'full', '--data', dataDir]);
      expect(exported.status).toBe(0);
      expect(exported.stdout).toContain(KEPT);
      expect(exported.stdout).not.toContain('erase.me');
      const sent = await first.send({
        to: ERASED,
        from: 'news@example.com',
        content: { kind: 'simple', subject: 'hello', text: 'hi' },
        tags: { campaign: 'erasure-test', batch: null, source: null },
      });
      expect(sent).toEqual({ to: ERASED, status: 'refused', reason: 'address-suppressed' });

      // Erasing again changes nothing; an address nothing is known of is a 404 (exit 1).
      const again = await bounce(['erase', ERASED, '--json', '--data', dataDir]);
      expect(JSON.parse(again.stdout)).toMatchObject({
        kept: true,
        status: 'suppressed',
        deleted: { records: 0, history: 0, softBounces: 0, retries: 0, sentMessages: 0, deliveryDelays: 0 },
      });
      const unknown = await bounce(['erase', 'nobody@example.org', '--data', dataDir]);
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/^bounce erase: no record for nobody@example\.org \(HTTP 404\)\n$/);

      // The runtime's log names the erasure by a hash prefix, never the address.
      expect(JSON.stringify(logger.entries)).not.toContain('erase.me');
      expect(logger.entries.filter((e) => e.message === 'Address erased')).toEqual([
        expect.objectContaining({ extra: expect.objectContaining({ key: expect.stringMatching(/^[0-9a-f]{12}$/), kept: true }) }),
        expect.objectContaining({ extra: expect.objectContaining({ key: expect.stringMatching(/^[0-9a-f]{12}$/), kept: true }) }),
      ]);

      await first.stop();
      second = await startRuntime({ port: 0, dataDir, logger: new RecordingLogger(), healthEverySeconds: 0 });
      // Same key file, so the same keyed hash: the erased address is still found suppressed.
      expect(readFileSync(keyFile, 'utf8')).toBe(key);
      const response = await fetch(`${second.file.apiUrl}/suppressions/${encodeURIComponent(ERASED)}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        suppressed: true,
        status: 'suppressed',
        reason: 'hard-bounce',
        history: [],
        erasedAt: expect.any(String),
      });
    } finally {
      await (second ?? first).stop();
      if (second) await first.stop();
    }
  }, 90_000);
});
