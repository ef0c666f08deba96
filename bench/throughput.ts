import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { composeStores, documentClient } from '../shared/adapters/compose.js';
import { createProcessBatch, ADDRESS_CONCURRENCY } from '../shared/app/classify-batch.js';
import { noMetrics, silentLogger } from '../shared/app/ports.js';

/**
 * Bounces per second through the classify use case, hard and soft bounces of
 * 50 recipients per notification, every recipient a different address.
 * Before: one address after another (concurrency 1, as the use case applied
 * records until now). After: addresses in parallel. Compared on 20
 * notifications on plain dynalite (in this process, so CPU-bound) and with a
 * 10 ms delay added to every DynamoDB call (a network round trip, as on AWS);
 * then one maximal batch (100 × 50) as the function runs it.
 */
const RECIPIENTS = 50;
const ROUND_TRIP_MS = 10;

function batch(run: string, notifications: number): Array<{ id: string; body: string }> {
  return Array.from({ length: notifications }, (_, n) => {
    const hard = n % 2 === 0;
    const recipients = Array.from({ length: RECIPIENTS }, (_, r) => ({
      emailAddress: `${run}.${n}.${r}@${['gmail.com', 'yahoo.com', 'outlook.com', 'example.org'][r % 4]}`,
      action: 'failed',
      status: hard ? '5.1.1' : '4.2.2',
      diagnosticCode: hard ? 'smtp; 550 5.1.1 user unknown' : 'smtp; 452 4.2.2 Mailbox full',
    }));
    const body = {
      eventType: 'Bounce',
      mail: {
        timestamp: '2026-11-20T10:00:00.000Z',
        messageId: `${run}-m${n}`,
        source: 'news@mail.example.com',
        destination: recipients.map((r) => r.emailAddress),
        tags: { campaign: ['throughput'] },
      },
      bounce: {
        feedbackId: `${run}-f${n}`,
        bounceType: hard ? 'Permanent' : 'Transient',
        bounceSubType: 'General',
        timestamp: '2026-11-20T10:00:05.000Z',
        bouncedRecipients: recipients,
      },
    };
    return { id: `${run}-${n}`, body: JSON.stringify(body) };
  });
}

export async function benchThroughput(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const plain = documentClient(config);
  const delayed = documentClient(config);
  delayed.middlewareStack.add(
    (next) => async (args) => {
      await new Promise((resolve) => setTimeout(resolve, ROUND_TRIP_MS));
      return next(args);
    },
    { step: 'initialize', name: 'roundTrip' },
  );
  const raw = new DynamoDBClient(config);
  let table = 0;
  const measure = async (doc: typeof plain, notifications: number, concurrency: number): Promise<{ seconds: number; rate: number }> => {
    table++;
    const tables = { addressTable: `tp-addresses-${table}`, campaignTable: `tp-campaigns-${table}` };
    await ensureTables(raw, tables);
    const { addresses, campaigns } = composeStores(doc, tables);
    const processBatch = createProcessBatch({
      addresses,
      counters: campaigns,
      delays: campaigns,
      deadLetters: { send: async () => {} },
      logger: silentLogger,
      metrics: noMetrics,
      clock: () => new Date('2026-11-20T12:00:00Z'),
      addressConcurrency: concurrency,
    });
    const start = process.hrtime.bigint();
    const { failedIds } = await processBatch(batch(`t${table}`, notifications));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (failedIds.size > 0) throw new Error(`${failedIds.size} records failed`);
    return { seconds, rate: (notifications * RECIPIENTS) / seconds };
  };

  console.log(`
bounces/s through the classify use case (${RECIPIENTS} recipients per notification, every one a different address)`);
  console.log('  DynamoDB                     batch      before (1 at a time)   now (16 in parallel)   speed-up');
  for (const [label, doc] of [
    ['dynalite', plain],
    [`dynalite + ${ROUND_TRIP_MS} ms per call`, delayed],
  ] as const) {
    const before = await measure(doc, 20, 1);
    const now = await measure(doc, 20, ADDRESS_CONCURRENCY);
    console.log(
      `  ${label.padEnd(27)}  20 × ${RECIPIENTS}` +
        `   ${Math.round(before.rate).toLocaleString('en-US').padStart(9)}` +
        ` /s (${before.seconds.toFixed(1)}` +
        ` s)   ${Math.round(now.rate).toLocaleString('en-US').padStart(9)}` +
        ` /s (${now.seconds.toFixed(1)}` +
        ` s)   ${(now.rate / before.rate).toFixed(1)}×`,
    );
  }
  console.log('  target: ≥ 4× before');
  const maximal = await measure(delayed, 100, ADDRESS_CONCURRENCY);
  console.log(
    `  maximal batch (100 × ${RECIPIENTS}` +
      ` = ${(100 * RECIPIENTS).toLocaleString('en-US')}` +
      ` bounces, ${ROUND_TRIP_MS} ms per call): ${maximal.seconds.toFixed(1)} s (function timeout 30 s)`,
  );
  plain.destroy();
  delayed.destroy();
  raw.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
