import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TTL_ATTRIBUTE } from '../shared/adapters/outbound/tables.js';
import type { ProcessBatch } from '../shared/app/classify-batch.js';
import { emptyMeter, mergeMeters, meterTotals, type MeterSnapshot } from '../shared/app/cost.js';
import { itemBytes, LOCAL_FUNCTION, RequestMeter } from '../shared/adapters/request-meter.js';

/** The runtime's meter file; other processes that meter for it (`bounce send`) write `meter-<name>.json` beside it. */
export const METER_FILE = 'meter.json';

export async function readMeterFile(path: string): Promise<MeterSnapshot | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as MeterSnapshot;
    return parsed.version === 1 ? parsed : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${path} is not a meter file: ${(error as Error).message}`);
  }
}

/** Every meter file of a data folder, added up (null: none). */
export async function readDataDirMeter(dataDir: string): Promise<MeterSnapshot | null> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  let total: MeterSnapshot | null = null;
  for (const name of names.filter((n) => n === METER_FILE || /^meter-[\w-]+\.json$/.test(n)).sort()) {
    const meter = await readMeterFile(join(dataDir, name));
    if (meter) total = total ? mergeMeters(total, meter) : meter;
  }
  return total;
}

let meterWrites = 0;

/**
 * Written whole, then renamed: a reader never sees half a file. Each write has its own temporary file, so two
 * writes at once (the periodic one and the one on stop) cannot interleave their bytes. With the totals, for a
 * person reading it.
 */
export async function writeMeterFile(path: string, meter: MeterSnapshot): Promise<void> {
  const { sends, sesEvents, notifications } = meterTotals(meter);
  const totals = { sendsRequested: sends, sesEventsPublished: sesEvents, notificationsReceived: notifications };
  const temporary = `${path}.${process.pid}-${(meterWrites += 1)}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ ...meter, totals }, null, 1)}\n`);
  await rename(temporary, path);
}

/** A meter that adds to what `path` holds (counts survive restarts). */
export async function meterFor(path: string, now: () => Date = () => new Date()): Promise<RequestMeter> {
  const base = (await readMeterFile(path)) ?? emptyMeter(now().toISOString());
  return new RequestMeter({ ...base, runtimeStartedAt: now().toISOString() }, now);
}

/** A month, the longest an item is counted for: storage is priced as a month of sends' items. */
const MONTH_SECONDS = 30 * 24 * 3600;

/**
 * The share of a month an item (as a Scan returns it) stays stored: until its TTL (`expiresAt`, epoch
 * seconds on the runtime's clock) for an item that has one (a sent message 10 days, a soft-bounce window
 * 72 hours), else all of it.
 */
export function storedShareOfMonth(item: Readonly<Record<string, { readonly N?: string } | undefined>>, nowMs: number): number {
  const expiresAt = Number(item[TTL_ATTRIBUTE]?.N);
  if (!Number.isFinite(expiresAt) || expiresAt <= 0) return 1;
  return Math.min(1, Math.max(0, (expiresAt - nowMs / 1000) / MONTH_SECONDS));
}

/**
 * Bytes each table holds, each item weighted by the share of a month it stays (a scan, metered as the
 * runtime's own request: not priced). `now` is the runtime's clock, which the items' TTLs are set on.
 */
export async function measureTables(
  meter: RequestMeter,
  dynamo: DynamoDBClient,
  tables: readonly string[],
  now: () => Date = () => new Date(),
): Promise<Record<string, number>> {
  return meter.within(LOCAL_FUNCTION, async () => {
    const sizes: Record<string, number> = {};
    for (const table of tables) {
      let bytes = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: table,
            ...(start ? { ExclusiveStartKey: start as ScanCommand['input']['ExclusiveStartKey'] } : {}),
          }),
        );
        // DynamoDB adds 100 bytes of overhead per item to what it bills as storage.
        const nowMs = now().getTime();
        for (const item of page.Items ?? []) bytes += (itemBytes(item) + 100) * storedShareOfMonth(item, nowMs);
        start = page.LastEvaluatedKey;
      } while (start);
      sizes[table] = bytes;
    }
    return sizes;
  });
}

/** A batch use case metered as its Lambda: one invocation per batch. */
export const meteredBatches =
  (meter: RequestMeter, fn: string, process: ProcessBatch): ProcessBatch =>
  (records, limits) =>
    meter.call(fn, records.length, () => process(records, limits));
