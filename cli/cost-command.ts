import { join } from 'node:path';
import { priceMeter, type CostReport } from '../shared/app/cost.js';
import { readDataDirMeter } from '../local/meter-file.js';
import { DEFAULT_DATA_DIR } from '../local/runtime-file.js';
import type { CommandIo } from './suppression-commands.js';
import { terminalSafe } from './terminal-text.js';

export interface CostCommandOptions {
  readonly dataDir?: string;
  readonly sendsPerDay: number;
  readonly json: boolean;
}

/** The default volume: the target is set at 1 M sends a day. */
export const DEFAULT_SENDS_PER_DAY = 1_000_000;

const money = (dollars: number) => `$${dollars < 1 ? dollars.toFixed(4) : dollars.toFixed(2)}`;
const amount = (count: number) => (count >= 100 ? Math.round(count).toLocaleString('en-US') : String(count));

/** The readable table: the total and per-million figure beside the target, then each item. */
export function costTable(report: CostReport): string {
  const verdict = report.met ? 'MET' : 'MISSED';
  const lines = [
    `Projected AWS cost at ${report.sendsPerDay.toLocaleString('en-US')} sends a day (us-east-1 prices of ${report.pricesAsOf})`,
    `  per million SES events  ${money(report.perMillionEvents)}   target ${money(report.target)}: ${verdict}`,
    `  per month               ${money(report.monthly)}   (${report.monthlyEvents.toLocaleString('en-US')} SES events)`,
    `  metered since ${report.metered.since}: ${report.metered.sends} sends, ${report.metered.sesEvents} SES events, ` +
      `${report.metered.notificationsReceived} notifications classified`,
    '',
  ];
  const rows = report.items.map((item) => [
    item.service,
    item.operation,
    item.function ?? '',
    `${amount(item.count)} ${item.unit}`,
    money(item.dollars),
    item.basis,
  ]);
  const header = ['service', 'operation', 'function', 'count / month', 'dollars', 'basis'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === 3 || i === 4 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  lines.push(format(header), ...rows.map(format), '', 'Assumptions:', ...report.assumptions.map((a) => `  - ${a}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `bounce cost`: prices what the local runtime metered in DIR (meter.json, and
 * the send command's meter-send.json), projected to --sends-per-day. Works
 * with or without a running runtime: a running one rewrites its file every 2 s.
 */
export async function costCommand(options: CostCommandOptions, io: CommandIo): Promise<number> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  try {
    const meter = await readDataDirMeter(dataDir);
    if (!meter) {
      io.stderr.write(
        `bounce cost: nothing metered in ${join(dataDir, 'meter.json')}: start the runtime (bounce start) and send through it\n`,
      );
      return 1;
    }
    const report = priceMeter(meter, { sendsPerDay: options.sendsPerDay });
    io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : costTable(report));
    return 0;
  } catch (error) {
    io.stderr.write(`bounce cost: ${terminalSafe((error as Error).message)}\n`);
    return 1;
  }
}
