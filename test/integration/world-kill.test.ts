import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sendCommand } from '../../cli/send-command.js';
import type { RetryState } from '../../shared/domain/index.js';
import { startBounce } from '../support/cli.js';
import { collectAccepted, ENDED, killWhileEventsPending, retryStates, type Accepted } from '../support/world-chaos.js';
import { FULL } from '../support/worlds.js';

const SCALE = 3600;
const ADDRESSES = 40;
const address = (n: number) => `full${n}@ex6.test`;

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
