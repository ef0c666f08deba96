import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOCK_FILE, CLOCK_KILL_MARGIN_SECONDS, startRuntimeClock } from '../../local/runtime-clock.js';
import type { RuntimeFile } from '../../local/runtime-file.js';
import { bounceFor } from '../support/batches.js';
import { bounce, startBounce } from '../support/cli.js';
import { notificationsSettled } from '../support/runtime-process.js';

const HOUR = 3600_000;
const SCALE = 36_000; // 10 simulated hours per real second: a few seconds take the clock past the 1-day "future" line

/** What a runtime's clock reads now, from its runtime.json (as `bounce send` reads it). */
function clockOf(file: RuntimeFile): number {
  const origin = file.clockOrigin ?? { real: file.startedAt, simulated: file.startedAt };
  return Date.parse(origin.simulated) + (Date.now() - Date.parse(origin.real)) * file.timeScale;
}

const dirOf = () => mkdtempSync(join(tmpdir(), 'bounce-clock-'));

describe('the runtime clock never runs backwards', () => {
  it('starts from real time, from a clean stop’s instant, or past a killed run’s last save by the margin', async () => {
    const fresh = dirOf();
    const before = Date.now();
    const first = await startRuntimeClock(fresh, 3600, true);
    expect(first.origin.simulated).toBeGreaterThanOrEqual(before);
    expect(first.origin.simulated).toBeLessThanOrEqual(Date.now());

    const ahead = new Date(Date.now() + 50 * HOUR).toISOString();
    const clean = dirOf();
    writeFileSync(
      join(clean, CLOCK_FILE),
      JSON.stringify({ version: 1, simulatedAt: ahead, realAt: ahead, timeScale: 3600, running: false }),
    );
    expect((await startRuntimeClock(clean, 3600, true)).origin.simulated).toBe(Date.parse(ahead));

    const killed = dirOf();
    writeFileSync(
      join(killed, CLOCK_FILE),
      JSON.stringify({ version: 1, simulatedAt: ahead, realAt: ahead, timeScale: 3600, running: true }),
    );
    const restarted = await startRuntimeClock(killed, 3600, true);
    expect(restarted.origin.simulated).toBe(Date.parse(ahead) + CLOCK_KILL_MARGIN_SECONDS * 3600 * 1000);
    await restarted.save(false);
    const saved = JSON.parse(readFileSync(join(killed, CLOCK_FILE), 'utf8')) as { simulatedAt: string; running: boolean };
    expect(Date.parse(saved.simulatedAt)).toBeGreaterThanOrEqual(restarted.origin.simulated);
    expect(saved.running).toBe(false);

    // A run in memory keeps nothing: real time, nothing saved.
    const memory = await startRuntimeClock(killed, 3600, false);
    expect(memory.origin.simulated).toBeLessThanOrEqual(Date.now());
  });

  it('after kill -9 at --time-scale 36000 the restarted clock reads past the old one, and its events are not "in the future"', async () => {
    const dataDir = dirOf();
    // A persisted store (no --memory): the clock is saved only for a folder whose state survives.
    const args = ['--port', '0', '--time-scale', String(SCALE)];
    const first = await startBounce(dataDir, args);
    let second: Awaited<ReturnType<typeof startBounce>> | null = null;
    try {
      // Run until the clock is more than a day ahead of real time (and saved at least once since).
      while (clockOf(first.file) - Date.now() < 30 * HOUR) await new Promise((resolve) => setTimeout(resolve, 200));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const stamped = clockOf(first.file); // an event the old clock dates now
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('close', resolve));
      const lastOld = clockOf(first.file); // past anything the killed clock gave out

      second = await startBounce(dataDir, args);
      expect(Date.parse(second.file.clockOrigin?.simulated ?? second.file.startedAt)).toBeGreaterThanOrEqual(lastOld);
      expect(clockOf(second.file)).toBeGreaterThan(lastOld);

      // A notification the old clock stamped, delivered again after the restart: processed, not dead-lettered.
      const at = new Date(stamped).toISOString();
      const file = join(dataDir, 'replayed.jsonl');
      const event = bounceFor('replayed@example.org', { feedbackId: 'fb-clock', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1', at });
      writeFileSync(file, `${JSON.stringify({ ...event, mail: { ...(event.mail as object), timestamp: at } })}\n`);
      expect((await bounce(['ingest', file, '--data', dataDir])).status).toBe(0);
      // Classified once its queue is empty (polled over SQS: a CLI process per poll costs ~0.4 s of CPU).
      expect(await notificationsSettled(second.file)).toBe(true);
      let looked = await bounce(['lookup', 'replayed@example.org', '--json', '--data', dataDir]);
      for (let i = 0; i < 100 && looked.status !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        looked = await bounce(['lookup', 'replayed@example.org', '--json', '--data', dataDir]);
      }
      expect(JSON.parse(looked.stdout)).toMatchObject({ status: 'suppressed' });
      const dlq = await bounce(['dlq', '--json', '--data', dataDir]);
      expect(dlq.stdout).not.toContain('in the future');

      // A clean stop saves the last instant: the next start reads on from it.
      const beforeStop = clockOf(second.file);
      expect(await second.stop()).toBe(0);
      const third = await startBounce(dataDir, args);
      second = third;
      expect(Date.parse(third.file.clockOrigin?.simulated ?? third.file.startedAt)).toBeGreaterThanOrEqual(beforeStop);
    } finally {
      await second?.stop();
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill('SIGKILL');
    }
  }, 180_000);
});
