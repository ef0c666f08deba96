import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, type PutEventsCommandInput, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import dynalite from 'dynalite';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { composeStores, documentClient } from '../shared/adapters/compose.js';
import { EventBridgeDecisionEvents } from '../shared/adapters/outbound/decision-event-sinks.js';
import { DynamoRetryStateRepository } from '../shared/adapters/outbound/dynamo-retry-stores.js';
import { createProcessBatch, ADDRESS_CONCURRENCY, TIME_RESERVE_MS } from '../shared/app/classify-batch.js';
import type { AddressRepository, CampaignCounterRepository, DeliveryDelayRepository } from '../shared/app/ports.js';
import { noMetrics, silentLogger } from '../shared/app/ports.js';
import { createRetryScheduler, type RetryScheduler } from '../shared/app/retry-scheduler.js';
import type { RetryStateRepository, RetryTimerQueue } from '../shared/app/retry-ports.js';
import { FakeAddresses, FakeCampaigns } from '../test/support/fakes.js';
import { FakeRetryStates } from '../test/support/retry-fakes.js';

/**
 * Bounces per second through the classify use case: alternating hard and soft
 * bounces, 50 recipients per notification, every recipient a different
 * address. Before: the path this project had (one address after another,
 * every event reading its record and writing its history itself). Now: read
 * ahead and batched history, ADDRESS_CONCURRENCY addresses at a time.
 *
 * Every DynamoDB call gets 10 ms added (a network round trip, as on AWS), on
 * three stores: dynalite in this process (it then competes with the use case
 * for one core), dynalite in a child process (its own core, when the machine
 * has one free), and a latency-only in-memory store (the use case's own
 * concurrency, with no server CPU at all). Then one maximal batch (100 × 50)
 * as the deployed function runs it, with retries scheduled.
 */
const RECIPIENTS = 50;
const ROUND_TRIP_MS = 10;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const clock = () => new Date('2026-11-20T12:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Processor seconds a process has used (Linux /proc; 0 elsewhere). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

interface Server {
  readonly endpoint: string;
  /** CPU seconds used by the server, when it runs in its own process. */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

async function dynaliteHere(): Promise<Server> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cpuSeconds: () => null,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function dynaliteChild(): Promise<Server> {
  const script =
    "const server = require('dynalite')({ createTableMs: 0 });" +
    "server.listen(0, '127.0.0.1', () => console.log(server.address().port));";
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  // Never outlives the bench, even when the bench fails.
  const stopChild = () => child.kill();
  process.once('exit', stopChild);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()));
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    cpuSeconds: () => (child.pid === undefined ? null : cpuSecondsOf(child.pid)),
    stop: async () => {
      process.off('exit', stopChild);
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Counts DynamoDB calls by operation, and adds a round trip to each. */
class CallLog {
  readonly calls = new Map<string, number>();
  add(name: string) {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }
  reset() {
    this.calls.clear();
  }
}

function dynamoClient(endpoint: string, log: CallLog, roundTripMs: number): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      log.add((context.commandName ?? '?').replace(/Command$/, ''));
      if (roundTripMs > 0) await sleep(roundTripMs);
      return next(args);
    },
    { step: 'initialize', name: 'roundTrip' },
  );
  return client;
}

/** An EventBridge client whose PutEvents calls are counted, wait one round trip, and take every entry. */
function eventBridgeClient(log: CallLog, roundTripMs: number): EventBridgeClient {
  const client = new EventBridgeClient({ region: 'us-east-1', credentials });
  client.middlewareStack.add(
    () => async (args) => {
      log.add('EventBridge.PutEvents');
      if (roundTripMs > 0) await sleep(roundTripMs);
      const entries = (args.input as PutEventsCommandInput).Entries ?? [];
      const output: PutEventsCommandOutput = { $metadata: {}, FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e${i}` })) };
      return { output, response: {} };
    },
    { step: 'initialize', name: 'takeEverything' },
  );
  return client;
}

/** Every port call waits one round trip, then runs in memory: no server CPU at all. */
function latencyOnly<T extends object>(inner: T, log: CallLog, kind: string, roundTripMs: number): T {
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        log.add(`${kind}.${String(name)}`);
        await sleep(roundTripMs);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The retry queue: an SQS SendMessage per timer, modelled as one round trip. */
class SleepingTimers implements RetryTimerQueue {
  readonly maxDelaySeconds = 900;
  constructor(
    private readonly log: CallLog,
    private readonly roundTripMs: number,
  ) {}
  async enqueue() {
    this.log.add('SQS.SendMessage');
    await sleep(this.roundTripMs);
  }
}

interface Stores {
  readonly addresses: AddressRepository;
  readonly counters: CampaignCounterRepository & DeliveryDelayRepository;
  readonly retryStates: RetryStateRepository;
}

type StoreKind = 'here' | 'child' | 'latency';

interface Run {
  readonly seconds: number;
  /** Records failed back by the time budget (only with a timeout). */
  readonly failedBack: number;
  readonly rate: number;
  readonly callsPerBounce: Map<string, number>;
  readonly benchCpuMsPerBounce: number;
  readonly serverCpuMsPerBounce: number | null;
}

export async function benchThroughput(): Promise<void> {
  const servers: Partial<Record<StoreKind, Server>> = { here: await dynaliteHere(), child: await dynaliteChild() };
  const log = new CallLog();
  const clients: DynamoDBClient[] = [];
  let table = 0;

  const storesFor = async (kind: StoreKind, roundTripMs: number): Promise<Stores> => {
    if (kind === 'latency') {
      return {
        addresses: latencyOnly(new FakeAddresses(), log, 'addresses', roundTripMs),
        counters: latencyOnly(new FakeCampaigns(), log, 'campaigns', roundTripMs),
        retryStates: latencyOnly(new FakeRetryStates(), log, 'retries', roundTripMs),
      };
    }
    const server = servers[kind] as Server;
    const raw = new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
    table++;
    const tables = { addressTable: `tp-addresses-${table}`, campaignTable: `tp-campaigns-${table}` };
    await ensureTables(raw, tables);
    raw.destroy();
    const client = dynamoClient(server.endpoint, log, roundTripMs);
    clients.push(client);
    const doc = documentClient(client);
    const { addresses, campaigns } = composeStores(doc, tables);
    return { addresses, counters: campaigns, retryStates: new DynamoRetryStateRepository(doc, tables.addressTable) };
  };

  const measure = async (
    kind: StoreKind,
    options: {
      notifications: number;
      concurrency: number;
      readAhead: boolean;
      retries?: boolean;
      roundTripMs?: number;
      /** Run as a Lambda invocation with this timeout (its time budget applies); none: no budget. */
      timeoutMs?: number;
      /** Publish address changes as decision events (the EventBridge sink; each PutEvents call one round trip). */
      events?: boolean;
    },
  ): Promise<Run> => {
    const roundTripMs = options.roundTripMs ?? ROUND_TRIP_MS;
    const stores = await storesFor(kind, roundTripMs);
    const retries: RetryScheduler | undefined = options.retries
      ? createRetryScheduler({
          retries: stores.retryStates,
          timers: new SleepingTimers(log, roundTripMs),
          addresses: stores.addresses,
          delays: stores.counters,
          logger: silentLogger,
        })
      : undefined;
    const processBatch = createProcessBatch({
      addresses: stores.addresses,
      counters: stores.counters,
      delays: stores.counters,
      deadLetters: { send: async () => {} },
      logger: silentLogger,
      metrics: noMetrics,
      clock,
      addressConcurrency: options.concurrency,
      readAhead: options.readAhead,
      ...(retries ? { retries } : {}),
      ...(options.events ? { events: new EventBridgeDecisionEvents(eventBridgeClient(log, roundTripMs), 'bench') } : {}),
    });
    const records = batch(`t${++table}`, options.notifications);
    const server = servers[kind];
    log.reset();
    const serverCpuBefore = server?.cpuSeconds() ?? null;
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const elapsedMs = () => Number(process.hrtime.bigint() - start) / 1e6;
    const timeoutMs = options.timeoutMs;
    const { failedIds } = await processBatch(records, timeoutMs === undefined ? {} : { remainingMs: () => timeoutMs - elapsedMs() });
    const seconds = elapsedMs() / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuAfter = server?.cpuSeconds() ?? null;
    if (failedIds.size > 0 && timeoutMs === undefined) throw new Error(`${failedIds.size} records failed`);
    const bounces = options.notifications * RECIPIENTS;
    return {
      seconds,
      failedBack: failedIds.size,
      rate: bounces / seconds,
      callsPerBounce: new Map([...log.calls].map(([name, count]) => [name, count / bounces])),
      benchCpuMsPerBounce: (cpu.user + cpu.system) / 1000 / bounces,
      serverCpuMsPerBounce:
        serverCpuBefore === null || serverCpuAfter === null ? null : ((serverCpuAfter - serverCpuBefore) * 1000) / bounces,
    };
  };

  const num = (value: number, digits = 0) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const rateCell = (run: Run) => `${num(run.rate).padStart(6)} /s (${num(run.seconds, 1).padStart(4)} s)`;
  const cpuCell = (run: Run) =>
    `${num(run.benchCpuMsPerBounce, 1).padStart(5)}` +
    ` + ${run.serverCpuMsPerBounce === null ? '   —' : num(run.serverCpuMsPerBounce, 1).padStart(4)}`;

  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
  console.log(`
classify throughput: alternating hard and soft bounces, ${RECIPIENTS} recipients per notification, every one a different address
  (this machine: load average ${load} on its cores; CPU figures below are CPU time, not wall time)`);

  // Where the time goes: round trips per bounce by operation.
  const callsBefore = await measure('child', { notifications: 4, concurrency: 1, readAhead: false, roundTripMs: 0 });
  const callsNow = await measure('child', { notifications: 4, concurrency: ADDRESS_CONCURRENCY, readAhead: true, roundTripMs: 0 });
  const operations = ['GetItem', 'BatchGetItem', 'PutItem', 'BatchWriteItem', 'Query'];
  const callsRow = (label: string, run: Run) => {
    const cells = operations.map((op) => num(run.callsPerBounce.get(op) ?? 0, 2).padStart(op.length));
    const total = [...run.callsPerBounce.values()].reduce((sum, n) => sum + n, 0);
    return `  ${label.padEnd(40)}${cells.join('  ')}  ${num(total, 2).padStart(5)}`;
  };
  console.log('  DynamoDB calls per bounce (hard bounce: state + history; soft bounce: state + window item + window query)');
  console.log(`  ${''.padEnd(40)}${operations.join('  ')}  total`);
  console.log(callsRow('before (per-event reads and writes)', callsBefore));
  console.log(callsRow('now (read ahead, batched history)', callsNow));

  console.log(`
  bounces/s with ${ROUND_TRIP_MS} ms added to every DynamoDB call; CPU ms per bounce = this process + dynalite's own process
  store                          before: 1 at a time, per-event I/O     now: ${ADDRESS_CONCURRENCY} at a time, batched I/O       speed-up`);
  const rows: Array<[string, StoreKind]> = [
    ['dynalite in this process', 'here'],
    ['dynalite in a child process', 'child'],
    ['latency only (in memory)', 'latency'],
  ];
  for (const [label, kind] of rows) {
    const before = await measure(kind, { notifications: 6, concurrency: 1, readAhead: false });
    const now = await measure(kind, { notifications: 20, concurrency: ADDRESS_CONCURRENCY, readAhead: true });
    console.log(
      `  ${label.padEnd(29)}  ${rateCell(before)}, CPU ${cpuCell(before)}   ${rateCell(now)}, CPU ${cpuCell(now)}` +
        `   ${num(now.rate / before.rate, 1).padStart(4)}×`,
    );
  }
  console.log('  target: ≥ 4× before');

  console.log(
    `
  maximal batch: 100 × ${RECIPIENTS} = ${num(100 * RECIPIENTS)} bounces, ${ROUND_TRIP_MS} ms per call` +
      ` (function timeout 30 s; no new address is started with < ${TIME_RESERVE_MS / 1000} s left)`,
  );
  for (const [label, kind, retries, timeoutMs, events] of [
    ['dynalite in a child process', 'child', false, undefined, false],
    ['dynalite in a child process, with retries', 'child', true, undefined, false],
    ['the same as a 30 s invocation (time budget on)', 'child', true, 30_000, false],
    ['latency only, with retries', 'latency', true, undefined, false],
    ['latency only, with retries and decision events', 'latency', true, undefined, true],
    ['dynalite child, retries and decision events', 'child', true, undefined, true],
  ] as const) {
    const run = await measure(kind, { notifications: 100, concurrency: ADDRESS_CONCURRENCY, readAhead: true, retries, timeoutMs, events });
    const calls = [...run.callsPerBounce.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `  ${label.padEnd(47)}  ${num(run.seconds, 1).padStart(5)} s` +
        (timeoutMs === undefined
          ? `  (${num(calls, 2)} calls per bounce` +
            (events ? `, ${num(run.callsPerBounce.get('EventBridge.PutEvents') ?? 0, 3)} of them PutEvents` : '') +
            `, CPU ${cpuCell(run)} ms per bounce)`
          : `  (${run.failedBack} of 100 records failed back for the redelivery; ${run.seconds <= 30 ? 'inside' : 'OVER'} the 30 s)`),
    );
  }
  console.log('  target: well inside 30 s');

  for (const client of clients) client.destroy();
  for (const server of Object.values(servers)) await server?.stop();
}
