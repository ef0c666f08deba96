import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import dynalite from 'dynalite';
import { startLocalSes } from '../local/ses-server.js';
import { composeErasure, composeSend, documentClient } from '../shared/adapters/compose.js';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import {
  DynamoDueRetryIndex,
  DynamoMessageStore,
  DynamoOutboundStore,
  DynamoRetryStateRepository,
} from '../shared/adapters/outbound/dynamo-retry-stores.js';
import { messageHash } from '../shared/adapters/outbound/message-bodies.js';
import { DynamoAddressRepository } from '../shared/adapters/outbound/dynamo-address-repository.js';
import { DynamoPauseStore } from '../shared/adapters/outbound/dynamo-health-stores.js';
import { SesEmailSender } from '../shared/adapters/outbound/ses-sender.js';
import { silentLogger } from '../shared/app/ports.js';
import { createRetryRunner } from '../shared/app/retry-runner.js';
import { createRetryScheduler } from '../shared/app/retry-scheduler.js';
import { createRetrySweeper } from '../shared/app/retry-sweeper.js';
import type { RetryTimerQueue } from '../shared/app/retry-ports.js';
import { classifyRecord } from '../shared/app/ingest.js';
import { DEFAULT_TAG_NAMES, planRetry, SWEEP_EVERY_SECONDS, type RecipientOutcome, type RetryTimer } from '../shared/domain/index.js';

/** List prices, us-east-1, on-demand (checked for this bench; change here when they move). */
const PRICES = {
  dynamoReadUnit: 0.125 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  sqsRequest: 0.4 / 1e6,
  sesEmail: 0.1 / 1000,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
};
/** Assumed, not measured here: a retry invocation's duration and memory on Lambda. */
const LAMBDA_MS_PER_TIMER = 50;
const LAMBDA_GB = 0.5;
/** The event source's receive and delete per timer message (batch of 1: the upper bound). */
const SQS_REQUESTS_PER_TIMER_CONSUMED = 2;

const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const tables = { addressTable: 'addresses', campaignTable: 'campaigns' };
/** Every send and due retry reads tombstones, as deployed. */
const erasureKey = async (): Promise<string> => 'bench-erasure-key'.repeat(4);

class CountingTimers implements RetryTimerQueue {
  readonly maxDelaySeconds = 900;
  readonly queued: { timer: RetryTimer; visibleAt: number }[] = [];
  sends = 0;
  constructor(private readonly clock: () => Date) {}
  async enqueue(timer: RetryTimer, delaySeconds: number) {
    this.sends++;
    this.queued.push({ timer, visibleAt: this.clock().getTime() + delaySeconds * 1000 });
  }
}

function bounceOutcome(messageId: string, to: string, at: Date, retryAfterSeconds: number): RecipientOutcome {
  const body = JSON.stringify({
    eventType: 'Bounce',
    bounce: {
      feedbackId: `fb-${messageId}`,
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      bouncedRecipients: [{ emailAddress: to, status: '4.2.2', diagnosticCode: 'smtp; 452 4.2.2 Mailbox full' }],
      timestamp: at.toISOString(),
    },
    mail: { messageId, timestamp: at.toISOString(), destination: [to], tags: { campaign: ['bench'] } },
  });
  const result = classifyRecord(body);
  if (result.status !== 'processed' || !result.outcomes[0]) throw new Error('bench bounce did not classify');
  const outcome = result.outcomes[0];
  return { ...outcome, decision: { ...outcome.decision, retryAfterSeconds } };
}

function sendOutcome(messageId: string, to: string, at: Date): RecipientOutcome {
  const result = classifyRecord(
    JSON.stringify({ eventType: 'Send', send: {}, mail: { messageId, timestamp: at.toISOString(), destination: [to] } }),
  );
  if (result.status !== 'processed' || !result.outcomes[0]) throw new Error('bench send did not classify');
  return result.outcomes[0];
}

/**
 * Requests on the retry path per retry, counted on the real adapters
 * (dynalite, aws-ses-v2-local) with the timer queue counted in process, for
 * retries due after 15 min, 4 h and 30 h; then the cost per 1,000 retries at
 * list prices.
 */
export async function benchRetries(): Promise<void> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const dynamoClient = new DynamoDBClient({
    region: 'us-east-1',
    credentials,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
  await ensureTables(dynamoClient, tables);
  const counts = new Map<string, number>();
  // Off while the periodic sweeps run: they cost the same whatever the retries (counted below, per run).
  let counting = true;
  dynamoClient.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      if (counting) counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const ses = await startLocalSes();
  const sesClient = new SESClient({ region: 'us-east-1', credentials, endpoint: ses.url });
  const doc = documentClient(dynamoClient);
  const html = `<html><body>${'<p>Spring offers for you.</p>'.repeat(280)}</body></html>`; // ~8 KB
  const contentKb = html.length / 1024;

  console.log('\nretry path (real DynamoDB and SES adapters; per retry, scheduling to confirmed send; sweeps every 5 min):');
  console.log('  delay     SQS messages per attempt (target <= 2; hop chains: 1/16/120)  DynamoDB reads  writes  SES sends');
  const rows: { label: string; reads: number; writes: number; sqs: number; ses: number; invocations: number }[] = [];
  for (const [label, delay] of [
    ['15 min', 900],
    ['4 h', 4 * 3600],
    ['30 h', 30 * 3600],
  ] as const) {
    let now = new Date('2026-11-20T12:00:00.000Z');
    const clock = () => now;
    const timers = new CountingTimers(clock);
    const sender = new SesEmailSender(sesClient, 'bench', DEFAULT_TAG_NAMES);
    const ports = {
      addresses: new DynamoAddressRepository(doc, tables.addressTable),
      retries: new DynamoRetryStateRepository(doc, tables.addressTable),
      messages: new DynamoMessageStore(doc, tables.addressTable, clock),
      outbound: new DynamoOutboundStore(doc, tables.addressTable, clock),
      pauses: new DynamoPauseStore(doc, tables.campaignTable),
      logger: silentLogger,
      erasure: composeErasure(doc, tables, erasureKey),
    };
    const to = `bench-${delay}@example.org`;
    const message = { from: 'news@mail.example.com', content: { kind: 'simple', subject: 'Spring', html } } as const;
    const sent = await composeSend({ dynamo: doc, tables, ses: { ses: sesClient, configurationSetName: 'bench' }, clock, erasureKey })(
      { to, ...message, tags: { campaign: 'bench', batch: null, source: null } },
      now,
    );
    if (sent.status !== 'sent') throw new Error('bench send refused');
    // Each row replays the same morning: its sweeps start afresh.
    await new DynamoDueRetryIndex(doc, tables.addressTable).markSweptUntil(now, { reset: true });
    counts.clear();
    const scheduler = createRetryScheduler({ ...ports, timers });
    const runner = createRetryRunner({ ...ports, timers, sender, retryDue: { publish: async () => {} } });
    const sweep = createRetrySweeper({ due: new DynamoDueRetryIndex(doc, tables.addressTable), timers, logger: silentLogger });
    // The bounce brings back the send's `retry-body` tag: the key of the message it stored.
    await scheduler.afterOutcomes([bounceOutcome(sent.messageId, to, now, delay)], null, now, { bodyHash: messageHash(message) });
    let result = '';
    let invocations = 0;
    let nextSweep = now.getTime();
    while (result !== 'sent') {
      const next = timers.queued[0];
      if (next && next.visibleAt <= nextSweep) {
        timers.queued.shift();
        now = new Date(Math.max(now.getTime(), next.visibleAt));
        result = await runner(next.timer, now);
        invocations++;
        continue;
      }
      if (nextSweep > Date.parse('2026-11-20T12:00:00.000Z') + (delay + 3600) * 1000) throw new Error(`no timer came (${result})`);
      now = new Date(nextSweep);
      counting = false;
      await sweep(now);
      counting = true;
      nextSweep += SWEEP_EVERY_SECONDS * 1000;
    }
    // The retry's MessageId from the local SES's store (a DynamoDB read here would be counted).
    const retryId = (await ses.emails()).filter((e) => e.destination.to.includes(to)).at(-1)?.messageId ?? '';
    await scheduler.afterOutcomes([sendOutcome(retryId, to, now)], { originalMessageId: sent.messageId, attempt: 1 }, now);
    const reads = (counts.get('GetCommand') ?? 0) + (counts.get('GetItemCommand') ?? 0);
    const writes = (counts.get('PutCommand') ?? 0) + (counts.get('PutItemCommand') ?? 0) + (counts.get('UpdateCommand') ?? 0);
    rows.push({ label, reads, writes, sqs: timers.sends, ses: 1, invocations });
    console.log(
      `  ${label.padEnd(8)} ${String(timers.sends).padStart(62)}` +
        `  ${String(reads).padStart(14)}  ${String(writes).padStart(6)}  ${String(1).padStart(9)}`,
    );
  }

  console.log('\nretry sweep, one run (real DynamoDB adapter; N attempts due in the next 15 minutes):');
  console.log('  due attempts  DynamoDB requests (Query pages + cursor get/put)  SQS messages');
  for (const n of [0, 100, 1000]) {
    const now = new Date(`2026-11-2${n === 0 ? 1 : n === 100 ? 2 : 3}T12:00:00.000Z`);
    const timers = new CountingTimers(() => now);
    const repo = new DynamoRetryStateRepository(doc, tables.addressTable);
    const sweep = createRetrySweeper({ due: new DynamoDueRetryIndex(doc, tables.addressTable), timers, logger: silentLogger });
    // The previous run, 5 minutes before: the cursor is where a running schedule leaves it (now + 10 min).
    await sweep(new Date(now.getTime() - SWEEP_EVERY_SECONDS * 1000), { full: true });
    // N attempts due in the 5 minutes this run adds to what the previous one covered.
    for (let i = 0; i < n; i++) {
      const plan = planRetry(null, {
        email: `sweep-${n}-${i}@example.org`,
        messageId: `m-${n}-${i}`,
        link: null,
        category: 'mailbox-full',
        retryAfterSeconds: 6 * 3600,
        occurredAt: new Date(now.getTime() - 6 * 3600 * 1000 + (600 + (i % 300)) * 1000).toISOString(),
        campaign: 'bench',
        batch: null,
        source: null,
        bodyHash: null,
      });
      if (plan.kind === 'schedule') await repo.put(plan.state, 0);
    }
    counts.clear();
    timers.sends = 0;
    await sweep(now);
    const requests = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(`  ${String(n).padStart(12)}  ${String(requests).padStart(48)}  ${String(timers.sends).padStart(12)}`);
  }

  // The outbound read is the one large item: it costs one read unit per 4 KB of message.
  const outboundReadUnits = Math.ceil((contentKb + 0.5) / 4);
  console.log(
    `\ncost per 1,000 retries at list prices (us-east-1 on-demand; message ~${contentKb.toFixed(1)}` +
      ` KB, so its read is ${outboundReadUnits} read units):`,
  );
  for (const row of rows) {
    const readUnits = row.reads - 1 + outboundReadUnits;
    const dynamo = readUnits * PRICES.dynamoReadUnit + row.writes * PRICES.dynamoWriteUnit;
    const sqs = row.sqs * (1 + SQS_REQUESTS_PER_TIMER_CONSUMED) * PRICES.sqsRequest;
    const lambda = row.invocations * (PRICES.lambdaRequest + (LAMBDA_MS_PER_TIMER / 1000) * LAMBDA_GB * PRICES.lambdaArmGbSecond);
    const sesCost = row.ses * PRICES.sesEmail;
    const total = (dynamo + sqs + lambda + sesCost) * 1000;
    console.log(
      `  ${row.label.padEnd(8)} $${total.toFixed(4)}` +
        `  (SES $${(sesCost * 1000).toFixed(4)}` +
        `, DynamoDB $${(dynamo * 1000).toFixed(4)}` +
        `, SQS $${(sqs * 1000).toFixed(4)}` +
        `, Lambda $${(lambda * 1000).toFixed(4)})`,
    );
  }
  console.log(
    `  (SQS: each timer message is 1 send + ${SQS_REQUESTS_PER_TIMER_CONSUMED}` +
      ` event-source requests at batch size 1, an upper bound; Lambda: ${LAMBDA_MS_PER_TIMER}` +
      ` ms at ${LAMBDA_GB * 1024} MB arm64 per timer, assumed)`,
  );

  sesClient.destroy();
  dynamoClient.destroy();
  await ses.close();
  await new Promise<void>((done) => server.close(() => done()));
}
