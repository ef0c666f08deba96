import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sendCommand } from '../../cli/send-command.js';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { parseWorldLog, WORLD_FILE } from '../../local/world-log.js';
import { retryStateFromItem } from '../../shared/adapters/outbound/retry-items.js';
import { RETRY_SK_PREFIX } from '../../shared/adapters/outbound/tables.js';
import type { RetryState } from '../../shared/domain/index.js';
import { startBounce, type StartedRuntime } from '../support/cli.js';
import { FULL } from '../support/worlds.js';

const SCALE = 3600;
const ADDRESSES = 40;
const address = (n: number) => `full${n}@ex6.test`;
const ENDED = ['delivered', 'skipped', 'gave-up', 'published'];

/** Every message the world accepted, by id: recipient, retry link, when, and the mailbox's answer (from the file's accepted lines). */
type Accepted = Map<string, { to: string; retryOf: string | null; attempt: string | null; sentAt: string; answer: string }>;

function collectAccepted(dataDir: string, into: Accepted): void {
  const path = join(dataDir, WORLD_FILE);
  if (!existsSync(path)) return;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    let entry: {
      accepted?: string;
      events?: Array<{
        event: { eventType?: string; mail?: { timestamp?: string; destination?: string[]; tags?: Record<string, string[]> } };
      }>;
    };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const mail = entry.events?.[0]?.event.mail;
    if (!entry.accepted || !mail) continue;
    into.set(entry.accepted, {
      to: mail.destination?.[0] ?? '',
      retryOf: mail.tags?.['retry-of']?.[0] ?? null,
      attempt: mail.tags?.['retry-attempt']?.[0] ?? null,
      sentAt: mail.timestamp ?? '',
      answer: entry.events?.[1]?.event.eventType ?? '',
    });
  }
}

async function retryStates(file: RuntimeFile): Promise<RetryState[]> {
  const client = new DynamoDBClient({
    region: file.region,
    endpoint: file.endpoints.dynamodb,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const dynamo = DynamoDBDocumentClient.from(client);
  try {
    const states: RetryState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new ScanCommand({
          TableName: file.tables.addresses,
          FilterExpression: 'begins_with(sk, :retry)',
          ExpressionAttributeValues: { ':retry': RETRY_SK_PREFIX },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      states.push(...(page.Items ?? []).map((item) => retryStateFromItem(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return states;
  } finally {
    client.destroy();
  }
}

/**
 * Freezes the runtime (SIGSTOP), reads what its world has on disk, and kills it (SIGKILL) only when
 * the world holds events it promised and has not published yet; otherwise lets it run a moment and
 * tries again. The frozen file is exactly what the kill leaves.
 */
async function killWhileEventsPending(runtime: StartedRuntime, dataDir: string, minAccepted: number): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    runtime.child.kill('SIGSTOP');
    const text = existsSync(join(dataDir, WORLD_FILE)) ? readFileSync(join(dataDir, WORLD_FILE), 'utf8') : '';
    const accepted = text.split('\n').filter((line) => line.startsWith('{"accepted"')).length;
    const pending = parseWorldLog(text).pending.size;
    if (pending > 0 && accepted >= minAccepted) {
      runtime.child.kill('SIGKILL');
      await new Promise((resolve) => runtime.child.once('close', resolve));
      return pending;
    }
    runtime.child.kill('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the world never had events pending');
}

describe('kill -9 of a runtime whose mailbox world has events scheduled', () => {
  it('every retry story ends, each response list goes on where it was, and no attempt is sent twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bounce-world-kill-'));
    const worldFile = join(dataDir, 'world.in.jsonl');
    // Two soft bounces, then delivered: three sends per address, whatever restarts happen in between.
    writeFileSync(
      worldFile,
      Array.from({ length: ADDRESSES }, (_, n) => JSON.stringify({ address: address(n), responses: [FULL, FULL, { deliver: true }] })).join(
        '\n',
      ),
    );
    const args = ['--port', '0', '--time-scale', String(SCALE), '--world', worldFile];
    const accepted: Accepted = new Map();
    const lines = Array.from({ length: ADDRESSES }, (_, n) =>
      JSON.stringify({ to: address(n), from: 'news@mail.example.com', subject: 'Hello', text: 'Hi', tags: { campaign: 'kill' } }),
    );
    let runtime = await startBounce(dataDir, args);
    try {
      // Kill 1: while the originals go out (each send's events just promised).
      const stdin = new PassThrough();
      const sending = sendCommand(
        { source: '-', dataDir },
        { stdin, stdout: new PassThrough().resume(), stderr: new PassThrough().resume() },
      );
      stdin.end(`${lines.join('\n')}\n`);
      const pendingAtKill1 = await killWhileEventsPending(runtime, dataDir, ADDRESSES / 2);
      await sending; // lines after the kill fail: their outcome is unknown
      expect(pendingAtKill1).toBeGreaterThan(0);
      collectAccepted(dataDir, accepted);
      const originals = [...accepted.values()].filter((m) => m.retryOf === null).length;
      if (originals < ADDRESSES) {
        // What the kill cut off is sent again (a user would), then the stories run.
        runtime = await startBounce(dataDir, args);
        const sentTo = new Set([...accepted.values()].map((m) => m.to));
        const rest = lines.filter((_, n) => !sentTo.has(address(n)));
        const more = new PassThrough();
        const resent = sendCommand(
          { source: '-', dataDir },
          { stdin: more, stdout: new PassThrough().resume(), stderr: new PassThrough().resume() },
        );
        more.end(`${rest.join('\n')}\n`);
        await resent;
      } else {
        runtime = await startBounce(dataDir, args);
      }
      // Kill 2: while retries go out.
      const pendingAtKill2 = await killWhileEventsPending(runtime, dataDir, 1);
      expect(pendingAtKill2).toBeGreaterThan(0);
      collectAccepted(dataDir, accepted);

      runtime = await startBounce(dataDir, args);
      const file = runtime.file;
      let states: RetryState[] = [];
      const deadline = Date.now() + 120_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 500));
        states = await retryStates(file);
      } while (Date.now() < deadline && (states.length < ADDRESSES || states.some((s) => !ENDED.includes(s.status))));
      expect(await runtime.stop()).toBe(0);
      collectAccepted(dataDir, accepted);

      // Every story ended (delivered, or given up when a busy machine let the 72 h window close first).
      const summary = states.map((s) => `${s.email} ${s.status} ${s.attempt} ${s.reason ?? ''}`).join('\n');
      expect(states.filter((s) => !ENDED.includes(s.status)).map((s) => `${s.status} at attempt ${s.attempt}`)).toEqual([]);
      expect(states.length, summary).toBe(new Set([...accepted.values()].map((m) => m.to)).size);
      // Each mailbox's answers went on across the kills: full, full, then delivered (a list restarted answers full a third time).
      const answersTo = new Map<string, string[]>();
      for (const m of [...accepted.values()].sort((a, b) => a.sentAt.localeCompare(b.sentAt))) {
        answersTo.set(m.to, [...(answersTo.get(m.to) ?? []), m.answer]);
      }
      const expected = ['Bounce', 'Bounce', 'Delivery'];
      const wrong = [...answersTo].filter(([, answers]) => answers.some((answer, i) => answer !== expected[i]));
      expect(wrong, summary).toEqual([]);
      // A delivered story took three sends: its delivery answered attempt 2.
      const delivered = states.filter((s) => s.status === 'delivered');
      expect(delivered.length, summary).toBeGreaterThan(0);
      expect(new Set(delivered.map((s) => s.attempt))).toEqual(new Set([2]));
      for (const s of delivered) expect(answersTo.get(s.email), s.email).toEqual(expected);

      // No attempt went out twice.
      const attempts = [...accepted.values()].filter((m) => m.retryOf !== null).map((m) => `${m.retryOf}#${m.attempt}`);
      expect(attempts.length).toBeGreaterThan(0);
      expect(attempts.filter((key, i) => attempts.indexOf(key) !== i)).toEqual([]);
    } finally {
      if (runtime.child.exitCode === null && runtime.child.signalCode === null) runtime.child.kill('SIGKILL');
    }
  }, 300_000);
});
