import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { composeClassify, documentClient } from '../shared/adapters/compose.js';
import { sqsBatchHandler } from '../shared/adapters/inbound/sqs-batch.js';
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/corpus/notifications/${name}`, import.meta.url), 'utf8')) as Json;

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const BATCH = 100;
const EVENTS = 1000;

function notifications(kind: string): string[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const recipient = `user${i}@${['gmail.com', 'yahoo.com', 'outlook.com', 'example.org'][i % 4]}`;
    const base = (name: string) => fixture(name) as Json & { mail: Json };
    const mail = (n: Json & { mail: Json }) => ({ ...n.mail, messageId: `${kind}-${i}`, destination: [recipient] });
    switch (kind) {
      case 'send': {
        const n = base('event-send.json');
        return JSON.stringify({ ...n, mail: mail(n) });
      }
      case 'delivery': {
        const n = base('event-delivery.json') as Json & { mail: Json; delivery: Json };
        return JSON.stringify({ ...n, mail: mail(n), delivery: { ...n.delivery, recipients: [recipient] } });
      }
      case 'complaint': {
        const n = base('event-complaint.json') as Json & { mail: Json; complaint: Json };
        return JSON.stringify({
          ...n,
          mail: mail(n),
          complaint: { ...n.complaint, feedbackId: `c-${i}`, complainedRecipients: [{ emailAddress: recipient }] },
        });
      }
      default: {
        const n = base('event-bounce-permanent.json') as Json & { mail: Json; bounce: Json };
        const hard = kind === 'hard bounce';
        return JSON.stringify({
          ...n,
          mail: mail(n),
          bounce: {
            ...n.bounce,
            feedbackId: `b-${i}`,
            bounceType: hard ? 'Permanent' : 'Transient',
            bouncedRecipients: [
              hard
                ? { emailAddress: recipient, status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }
                : { emailAddress: recipient, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full' },
            ],
          },
        });
      }
    }
  });
}

const sqsRecord = (body: string, id: string) => ({
  messageId: id,
  receiptHandle: id,
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'bench', ApproximateFirstReceiveTimestamp: '0' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:1:bench',
  awsRegion: 'us-east-1',
});

export async function benchIngest(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } };
  const counts = { reads: 0, writes: 0 };
  const doc = documentClient(config);
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITES.has(context.commandName ?? '')) counts.writes++;
      else counts.reads++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const raw = new DynamoDBClient(config);

  console.log(`\ningestion through the classify handler against dynalite (batches of ${BATCH}, ${EVENTS} events per type)`);
  console.log('  event type     writes/event  reads/event  notifications/s');
  let run = 0;
  for (const kind of ['send', 'delivery', 'hard bounce', 'soft bounce', 'complaint']) {
    run++;
    const names = { addressTable: `bench-addresses-${run}`, campaignTable: `bench-campaigns-${run}` };
    await ensureTables(raw, names);
    const handler = sqsBatchHandler(
      composeClassify({
        dynamo: doc,
        tables: names,
        deadLetters: { send: async () => {} },
        clock: () => new Date('2026-11-20T12:00:00Z'),
        erasureKey: async () => 'bench-erasure-key'.repeat(4),
      }),
    );
    const bodies = notifications(kind);
    counts.reads = 0;
    counts.writes = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < bodies.length; i += BATCH) {
      const response = await handler({ Records: bodies.slice(i, i + BATCH).map((body, j) => sqsRecord(body, `${kind}-${i + j}`)) });
      if (response.batchItemFailures.length > 0) throw new Error(`${kind}: ${response.batchItemFailures.length} failures`);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(
      `  ${kind.padEnd(13)}` +
        `  ${(counts.writes / EVENTS).toFixed(3).padStart(12)}` +
        `  ${(counts.reads / EVENTS).toFixed(3).padStart(11)}` +
        `  ${Math.round(EVENTS / seconds)
          .toLocaleString('en-US')
          .padStart(15)}`,
    );
  }
  console.log('  targets: < 0.05 writes per send/delivery event, <= 3 per hard bounce');
  doc.destroy();
  raw.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
