import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataDirMeter } from '../local/meter-file.js';
import { startRuntime } from '../local/runtime.js';
import type { WorldEntry } from '../local/mailbox-world.js';
import { parseSendLine } from '../shared/adapters/inbound/send-request.js';
import { silentLogger } from '../shared/app/ports.js';
import { COST_TARGET_PER_MILLION_EVENTS, meterTotals, priceMeter } from '../shared/app/cost.js';

const SENDS = Number(process.env.BENCH_COST_SENDS ?? 1000);
const CAMPAIGNS = 40;

/** The issue's mix: 2 % dead, 5 % mailbox full then delivered, 0.1 % complaints, the rest delivered. */
function world(sends: number): { entries: WorldEntry[]; lines: string[] } {
  const entries: WorldEntry[] = [];
  const lines: string[] = [];
  for (let i = 0; i < sends; i++) {
    const address = `m${String(i).padStart(5, '0')}@ex${i % 7}.test`;
    if (i % 50 === 0) {
      entries.push({
        address,
        responses: [
          {
            bounce: { bounceType: 'Permanent', bounceSubType: 'General', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
          },
        ],
      });
    } else if (i % 20 === 1) {
      const full = {
        bounceType: 'Transient' as const,
        bounceSubType: 'MailboxFull',
        status: '4.2.2',
        diagnosticCode: 'smtp; 452 4.2.2 Mailbox full',
      };
      entries.push({ address, responses: [{ bounce: full }, { deliver: true }] });
    } else if (i === 777) entries.push({ address, responses: [{ complaint: true }] });
    const tags = { campaign: `c${String(i % CAMPAIGNS).padStart(2, '0')}` };
    lines.push(JSON.stringify({ to: address, from: 'news@mail.example.com', subject: 'Hello', text: 'x'.repeat(2000), tags }));
  }
  return { entries, lines };
}

const pad = (text: string, width: number) => text.padEnd(width);

/**
 * The requests the price is built on: a world run in process (the local
 * runtime with its mailbox world at 3600x, the same mix as the cost check),
 * metered by the request meter; requests per SES event by service and
 * operation, then the projected price per million SES events at 1 M sends a
 * day beside the target.
 */
export async function benchCost(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bounce-bench-cost-'));
  const { entries, lines } = world(SENDS);
  const runtime = await startRuntime({
    port: 0,
    dataDir,
    memory: true,
    timeScale: 3600,
    world: entries,
    healthEverySeconds: 0,
    logger: silentLogger,
  });
  try {
    const started = Date.now();
    for (const line of lines) {
      const parsed = parseSendLine(line);
      if (parsed.ok) await runtime.send(parsed.request);
    }
    // Play the story out: SES events, classification, retries (a 3600x clock: hours in seconds).
    while ((await runtime.pendingWork()) > 0 && Date.now() - started < 180_000) await runtime.drain();
    await runtime.checkHealth();
    await runtime.drain();
  } finally {
    await runtime.stop(5);
  }
  const meter = await readDataDirMeter(dataDir);
  await rm(dataDir, { recursive: true, force: true });
  if (!meter) throw new Error('bench cost: nothing metered');
  const totals = meterTotals(meter);
  console.log(
    `\nCost: ${totals.sends} sends, ${totals.events} SES events (${(totals.events / totals.sends).toFixed(3)} per send), metered`,
  );
  console.log(
    `  ${pad('service', 12)} ${pad('operation', 28)} ${pad('function', 9)} ${'per event'.padStart(10)} ${'units/event'.padStart(12)}`,
  );
  const rows = meter.requests
    .filter((row) => row.function !== 'local' && row.operation !== 'ReceiveMessage (empty)')
    .sort((a, b) => b.count - a.count);
  for (const row of rows) {
    const units = row.service === 'DynamoDB' ? ((row.readUnits + row.writeUnits) / totals.events).toFixed(3) : '';
    const perEvent = (row.count / totals.events).toFixed(3).padStart(10);
    console.log(`  ${pad(row.service, 12)} ${pad(row.operation, 28)} ${pad(row.function, 9)} ${perEvent} ${units.padStart(12)}`);
  }
  for (const [fn, entry] of Object.entries(meter.invocations)) {
    console.log(
      `  ${pad('Lambda', 12)} ${pad('handler calls', 28)} ${pad(fn, 9)} ${(entry.calls / totals.events).toFixed(3).padStart(10)}`,
    );
  }
  const report = priceMeter(meter, { sendsPerDay: 1_000_000 });
  const verdict = report.met ? 'met' : 'missed';
  console.log(
    `  at 1,000,000 sends a day: $${report.perMillionEvents.toFixed(2)} per million SES events ` +
      `(target <= $${COST_TARGET_PER_MILLION_EVENTS.toFixed(2)}: ${verdict}), $${report.monthly.toFixed(2)} a month; largest items:`,
  );
  for (const item of report.items.slice(0, 8)) {
    console.log(
      `    $${item.dollars.toFixed(2).padStart(8)}  ${item.service} ${item.operation}${item.function ? ` (${item.function})` : ''}`,
    );
  }
}
