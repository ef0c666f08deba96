import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import dynalite from 'dynalite';
import { ensureTables } from '../../shared/adapters/outbound/create-tables.js';
import { composeStores, documentClient } from '../../shared/adapters/compose.js';
import { createProcessBatch } from '../../shared/app/classify-batch.js';
import { noMetrics, silentLogger } from '../../shared/app/ports.js';

/**
 * One hot campaign-hour through the real classify path on dynalite, with
 * CONSUMERS batches in flight as concurrent Lambda instances, and a queue that
 * behaves as SQS with a redrive policy: a record the batch fails back is
 * received again, and after MAX_RECEIVES receives it goes to the DLQ.
 */
export const MAX_RECEIVES = 5;

type Part = Record<string, unknown>;
interface Notification {
  mail: Part;
  delivery: Part;
  bounce: Part;
}

export const HOT_CAMPAIGN = 'hour-bench';
export const HOT_HOUR = '2026-11-20T10';

const template = (name: string, edit: (n: Notification) => void): string => {
  const n = JSON.parse(readFileSync(new URL(`../fixtures/corpus/notifications/${name}`, import.meta.url), 'utf8')) as Notification;
  n.mail.messageId = '__MSG__';
  n.mail.destination = ['__RCPT__'];
  n.mail.timestamp = `${HOT_HOUR}:00:00.000Z`;
  n.mail.tags = { campaign: [HOT_CAMPAIGN], batch: ['import-1'], source: ['signup'] };
  delete n.mail.headers;
  delete n.mail.commonHeaders;
  edit(n);
  return JSON.stringify(n);
};
const SEND = template('event-send.json', () => {});
const DELIVERY = template('event-delivery.json', (n) => {
  n.delivery.recipients = ['__RCPT__'];
});
const BOUNCE = template('event-bounce-permanent.json', (n) => {
  n.bounce.feedbackId = 'fb-__MSG__';
  n.bounce.bounceType = 'Permanent';
  n.bounce.bouncedRecipients = [{ emailAddress: '__RCPT__', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }];
});

export const HARD_BOUNCE_RATE = 0.02;
const recipient = (i: number) => `user${i}@${['gmail.com', 'yahoo.com', 'outlook.com', 'example.org'][i % 4]}`;
/** Whether the i-th send of the hour hard-bounces (2 %); the others are delivered. */
export const bounced = (i: number): boolean => i % Math.round(1 / HARD_BOUNCE_RATE) === 7;
/** The SES notification of the i-th send of the hot hour, or of its outcome (delivery or hard bounce). */
export const hourEvent = (kind: 'send' | 'outcome', i: number): string =>
  (kind === 'send' ? SEND : bounced(i) ? BOUNCE : DELIVERY).replaceAll('__MSG__', `msg-${i}`).replaceAll('__RCPT__', recipient(i));

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const WRITES_DOC = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);

/** What the DynamoDB client sent, as DynamoDB bills and counts it. */
export interface Metered {
  /** Every request, by command name. */
  readonly requests: Map<string, number>;
  writeRequests: number;
  /** Write capacity units, failed conditions included (DynamoDB bills them: 1 unit for an item under 1 KB). */
  writeUnits: number;
  /** Counter writes (items of the `COUNT#` partitions), successful or not. */
  counterWrites: number;
  /** Of those, the ones whose version condition failed. */
  counterConflicts: number;
}

export const newMeter = (): Metered => ({ requests: new Map(), writeRequests: 0, writeUnits: 0, counterWrites: 0, counterConflicts: 0 });

export interface Emulated {
  readonly doc: ReturnType<typeof documentClient>;
  /** Another metered client (one per container: each has its own sockets). */
  client(): ReturnType<typeof documentClient>;
  readonly tables: { readonly addressTable: string; readonly campaignTable: string };
  readonly meter: Metered;
  stop(): Promise<void>;
}

/** An SDK middleware that counts what a client sends into `meter`. */
function metering(meter: Metered, latencyMs: number): InitializeMiddleware<object, MetadataBearer> {
  return (next, context) => async (args) => {
    const name = context.commandName ?? '?';
    meter.requests.set(name, (meter.requests.get(name) ?? 0) + 1);
    // A round trip to DynamoDB in a region takes a few milliseconds; dynalite answers in well under one.
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (!WRITES.has(name) && !WRITES_DOC.has(name)) return next(args);
    const input = args.input as Record<string, unknown>;
    input.ReturnConsumedCapacity = 'TOTAL';
    meter.writeRequests++;
    const item = input.Item as Record<string, unknown> | undefined;
    const counter = typeof item?.pk === 'string' && item.pk.startsWith('COUNT#') && input.ConditionExpression !== undefined;
    if (counter) meter.counterWrites++;
    let result;
    try {
      result = await next(args);
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        meter.writeUnits += 1;
        if (counter) meter.counterConflicts++;
      }
      throw error;
    }
    const capacity = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
    for (const c of Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) meter.writeUnits += c.CapacityUnits ?? 0;
    return result;
  };
}

/** dynalite in process, its tables, and a document client that meters every request (an SDK middleware). */
export async function meteredDynamo(latencyMs = 0): Promise<Emulated> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const meter = newMeter();
  const clients: Array<ReturnType<typeof documentClient>> = [];
  const client = () => {
    const doc = documentClient(config);
    doc.middlewareStack.add(metering(meter, latencyMs), { step: 'initialize', name: 'meter' });
    clients.push(doc);
    return doc;
  };
  const raw = new DynamoDBClient(config);
  const tables = { addressTable: 'hot-addresses', campaignTable: 'hot-campaigns' };
  await ensureTables(raw, tables);
  return {
    doc: client(),
    client,
    tables,
    meter,
    stop: async () => {
      for (const doc of clients) doc.destroy();
      raw.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ContentionRun {
  readonly events: number;
  readonly batches: number;
  readonly counterWrites: number;
  readonly counterConflicts: number;
  /** Failed conditions over successful counter writes: the write units conflicts add. */
  readonly extraWriteShare: number;
  /** Record deliveries failed back to the queue (each one a receive more). */
  readonly failedBack: number;
  /** Records that reached MAX_RECEIVES receives and went to the DLQ. */
  readonly deadLettered: number;
  readonly writeUnits: number;
  readonly seconds: number;
}

/**
 * Runs these records through CONSUMERS concurrent classify "instances" (each
 * its own client and repository, as Lambda containers are), batches of
 * `batchSize`, failing records back to the queue until MAX_RECEIVES.
 */
export async function runHot(
  world: Emulated,
  records: ReadonlyArray<{ readonly id: string; readonly body: string }>,
  options: { readonly consumers: number; readonly batchSize?: number; readonly shards?: number },
): Promise<ContentionRun> {
  const batchSize = options.batchSize ?? 100;
  const before = { ...world.meter };
  const start = process.hrtime.bigint();
  const queue = records.map((record) => ({ ...record, receives: 0 }));
  let inFlight = 0;
  let failedBack = 0;
  let deadLettered = 0;
  let batches = 0;
  const consumer = async () => {
    // Each consumer is a container: its own repositories (and so its own per-container state).
    const { addresses, campaigns } = composeStores(world.client(), world.tables);
    const processBatch = createProcessBatch({
      addresses,
      counters: campaigns,
      delays: campaigns,
      deadLetters: { send: async () => {} },
      clock: () => new Date('2026-11-20T12:00:00Z'),
      logger: silentLogger,
      metrics: noMetrics,
      ...(options.shards === undefined ? {} : { counterShards: options.shards }),
    });
    for (;;) {
      if (queue.length === 0) {
        if (inFlight === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const batch = queue.splice(0, batchSize);
      inFlight++;
      batches++;
      for (const record of batch) record.receives++;
      const { failedIds } = await processBatch(batch.map(({ id, body }) => ({ id, body })));
      for (const record of batch) {
        if (!failedIds.has(record.id)) continue;
        failedBack++;
        if (record.receives >= MAX_RECEIVES) deadLettered++;
        else queue.push(record);
      }
      inFlight--;
    }
  };
  await Promise.all(Array.from({ length: options.consumers }, consumer));
  const counterWrites = world.meter.counterWrites - before.counterWrites;
  const counterConflicts = world.meter.counterConflicts - before.counterConflicts;
  return {
    events: records.length,
    batches,
    counterWrites,
    counterConflicts,
    extraWriteShare: counterConflicts / Math.max(1, counterWrites - counterConflicts),
    failedBack,
    deadLettered,
    writeUnits: world.meter.writeUnits - before.writeUnits,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
  };
}

/** The hot hour's totals as the read side sees them. */
export async function hotTotals(world: Emulated): Promise<Record<string, number>> {
  return (await composeStores(world.doc, world.tables).campaigns.totals(HOT_CAMPAIGN, [HOT_HOUR])).counts;
}

/** The sends (or outcomes) of the hot hour from `from` up to `to`, as queue records. */
export const hotRecords = (kind: 'send' | 'outcome', from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => ({ id: `${kind}-${from + k}`, body: hourEvent(kind, from + k) }));
