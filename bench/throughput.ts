import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { composeStores, documentClient } from '../shared/adapters/compose.js';
import { createProcessBatch, ADDRESS_CONCURRENCY } from '../shared/app/classify-batch.js';
import { noMetrics, silentLogger } from '../shared/app/ports.js';

/**
 * Bounces per second through the classify use case for one maximal batch:
 * 100 notifications × 50 recipients, hard and soft bounces, every recipient a
 * different address. Before: one address after another (concurrency 1, as the
 * use case applied records until now). After: addresses in parallel.
 */
const NOTIFICATIONS = 100;
const RECIPIENTS = 50;

function batch(run: string): Array<{ id: string; body: string }> {
  return Array.from({ length: NOTIFICATIONS }, (_, n) => {
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
  const doc = documentClient(config);
  const raw = new DynamoDBClient(config);
  console.log(`\nmaximal batch through the classify use case on dynalite: ${NOTIFICATIONS} notifications × ${RECIPIENTS} recipients`);
  console.log('  addresses in parallel   seconds   bounces/s');
  const results: number[] = [];
  for (const [label, concurrency] of [
    ['1 (before)', 1],
    [`${ADDRESS_CONCURRENCY} (now)`, ADDRESS_CONCURRENCY],
  ] as const) {
    const tables = { addressTable: `tp-addresses-${concurrency}`, campaignTable: `tp-campaigns-${concurrency}` };
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
    const { failedIds } = await processBatch(batch(`c${concurrency}`));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (failedIds.size > 0) throw new Error(`${failedIds.size} records failed`);
    const rate = (NOTIFICATIONS * RECIPIENTS) / seconds;
    results.push(rate);
    console.log(`  ${label.padEnd(22)}  ${seconds.toFixed(1).padStart(7)}   ${Math.round(rate).toLocaleString('en-US').padStart(9)}`);
  }
  console.log(`  speed-up ${((results[1] ?? 0) / (results[0] ?? 1)).toFixed(1)}× (target ≥ 4×)`);
  doc.destroy();
  raw.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
