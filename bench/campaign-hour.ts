import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { composeClassify, documentClient } from '../shared/adapters/compose.js';

/**
 * Consumed write capacity (ReturnConsumedCapacity, as DynamoDB bills it: item
 * size in 1 KB units) for one campaign-hour of SENDS sends with 2 % hard
 * bounces, the rest delivered, through the classify use case in batches of
 * 100 with CONCURRENCY batches in flight (as concurrent Lambda instances).
 * Then the same hour replayed in part (10 % of every event type) to show that
 * a replay changes no count.
 */
// 100,000 by default (minutes); BENCH_CAMPAIGN_SENDS=1000000 gives the million-send hour docs/performance.md quotes (about an hour).
const SENDS = Number(process.env.BENCH_CAMPAIGN_SENDS ?? 100_000);
const HARD_BOUNCE_RATE = 0.02;
const BATCH = 100;
const CONCURRENCY = 2;
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
]);

type Part = Record<string, unknown>;
interface Notification {
  mail: Part;
  delivery: Part;
  bounce: Part;
}
const template = (name: string, edit: (n: Notification) => void): string => {
  const n = JSON.parse(readFileSync(new URL(`../test/fixtures/corpus/notifications/${name}`, import.meta.url), 'utf8')) as Notification;
  n.mail.messageId = '__MSG__';
  n.mail.destination = ['__RCPT__'];
  n.mail.timestamp = '2026-11-20T10:00:00.000Z';
  n.mail.tags = { campaign: ['hour-bench'], batch: ['import-1'], source: ['signup'] };
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

const recipient = (i: number) => `user${i}@${['gmail.com', 'yahoo.com', 'outlook.com', 'example.org'][i % 4]}`;
const bounced = (i: number) => i % Math.round(1 / HARD_BOUNCE_RATE) === 7;
const body = (kind: 'send' | 'outcome', i: number): string =>
  (kind === 'send' ? SEND : bounced(i) ? BOUNCE : DELIVERY).replaceAll('__MSG__', `msg-${i}`).replaceAll('__RCPT__', recipient(i));

export async function benchCampaignHour(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const consumed = { writeUnits: 0, writeRequests: 0 };
  const doc = documentClient(config);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? '')) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      consumed.writeRequests++;
      let result;
      try {
        result = await next(args);
      } catch (error) {
        // DynamoDB bills a failed conditional write too (the item is under 1 KB: 1 unit); dynalite reports nothing.
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') consumed.writeUnits += 1;
        throw error;
      }
      const capacity = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      for (const c of Array.isArray(capacity) ? capacity : capacity ? [capacity] : []) consumed.writeUnits += c.CapacityUnits ?? 0;
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  const raw = new DynamoDBClient(config);
  const tables = { addressTable: 'hour-addresses', campaignTable: 'hour-campaigns' };
  await ensureTables(raw, tables);
  const processBatch = composeClassify({
    dynamo: doc,
    tables,
    deadLetters: { send: async () => {} },
    clock: () => new Date('2026-11-20T12:00:00Z'),
    erasureKey: async () => 'bench-erasure-key'.repeat(4),
  });

  async function run(kind: 'send' | 'outcome', indexes: readonly number[]): Promise<{ units: number; requests: number; seconds: number }> {
    const before = { ...consumed };
    const start = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < indexes.length) {
        const slice = indexes.slice(next, next + BATCH);
        next += BATCH;
        if (next % 100_000 === 0 && process.env.BENCH_PROGRESS)
          console.log(`    ${kind} ${next} ${Math.round(Number(process.hrtime.bigint() - start) / 1e9)} s`);
        const { failedIds } = await processBatch(slice.map((i) => ({ id: `${kind}-${i}`, body: body(kind, i) })));
        if (failedIds.size > 0) throw new Error(`${failedIds.size} records failed`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return {
      units: consumed.writeUnits - before.writeUnits,
      requests: consumed.writeRequests - before.writeRequests,
      seconds: Number(process.hrtime.bigint() - start) / 1e9,
    };
  }

  const all = Array.from({ length: SENDS }, (_, i) => i);
  const hard = all.filter(bounced).length;
  console.log(
    `\none campaign-hour: ${SENDS.toLocaleString('en-US')} sends, ${hard.toLocaleString('en-US')} hard bounces (2 %), the rest delivered`,
  );
  console.log(
    `  (classify use case on dynalite, batches of ${BATCH}, ${CONCURRENCY} in flight; write capacity units as DynamoDB reports them)`,
  );
  const sends = await run('send', all);
  const outcomes = await run('outcome', all);
  const deliveries = SENDS - hard;
  const totals = async () => {
    const { composeSuppressions } = await import('../shared/adapters/compose.js');
    return (
      await composeSuppressions({ dynamo: doc, tables, erasureKey: async () => 'bench-erasure-key'.repeat(4) }).campaigns.totals(
        'hour-bench',
        ['2026-11-20T10'],
      )
    ).counts;
  };
  const counted = await totals();
  const f = (n: number) => n.toFixed(4);
  console.log('  phase                       WCU total   WCU/event  requests/event  seconds');
  console.log(
    `  sends                    ${Math.round(sends.units).toLocaleString('en-US').padStart(12)}` +
      `   ${f(sends.units / SENDS).padStart(9)}` +
      `  ${f(sends.requests / SENDS).padStart(14)}` +
      `  ${sends.seconds.toFixed(0).padStart(7)}`,
  );
  console.log(
    `  deliveries + hard bounces ${Math.round(outcomes.units).toLocaleString('en-US').padStart(11)}` +
      `   ${f(outcomes.units / SENDS).padStart(9)}` +
      `  ${f(outcomes.requests / SENDS).padStart(14)}` +
      `  ${outcomes.seconds.toFixed(0).padStart(7)}`,
  );
  console.log(`  whole hour: ${f((sends.units + outcomes.units) / SENDS)} WCU per send (target: send/delivery events < 0.05 writes each)`);
  console.log(
    `  counted: sends ${counted.sends} (true ${SENDS}` +
      `), deliveries ${counted.deliveries} (true ${deliveries}` +
      `), hard bounces ${counted.hardBounces} (true ${hard})`,
  );
  const replay = all.filter((i) => i % 10 === 3);
  const replayed = { sends: await run('send', replay), outcomes: await run('outcome', replay) };
  const after = await totals();
  const moved = Object.keys({ ...counted, ...after }).filter((name) => counted[name] !== after[name]);
  console.log(
    `  10 % of the hour replayed: ${moved.length === 0 ? 'no count moved' : `MOVED: ${moved.join(', ')}`}` +
      `; replay cost ${f((replayed.sends.units + replayed.outcomes.units) / (2 * replay.length))} WCU per replayed event`,
  );
  doc.destroy();
  raw.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
