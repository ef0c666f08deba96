import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import type { LoggerPort } from '../shared/app/ports.js';
import { DEFAULT_TAG_NAMES, type TagNames } from '../shared/domain/index.js';
import { CLASSIFY_EVENT_SOURCE } from '../shared/domain/aws-prices.js';
import { composeApi, composeClassify, documentClient } from '../shared/adapters/compose.js';
import { localErasureKey } from './erasure-key.js';
import { streamLogger } from '../shared/adapters/outbound/console-logger.js';
import { ensureTables } from '../shared/adapters/outbound/create-tables.js';
import { backfillLocalCampaignPeriods, migrateLocalCounterKeys } from '../shared/adapters/outbound/dynamo-campaign-repository.js';
import { backfillLocalStatusShards } from '../shared/adapters/outbound/dynamo-address-repository.js';
import { ensureMessaging, type Messaging } from '../shared/adapters/outbound/messaging.js';
import { isProcessAlive, readRuntimeFile, runtimeFilePath, type RuntimeFile } from './runtime-file.js';
import { serveApi, type LocalApiServer } from './http-server.js';
import { SqsPoller } from './sqs-poller.js';
import { findHoursFor, localDecisionEvents, localHealthJob } from './health-timer.js';
import { withWebPage } from './web-page.js';
import type { SendRequest, SendResult } from '../shared/app/send.js';
import type { WorldEntry } from './mailbox-world.js';
import { LOCAL_RETRY_NAMES, queueDepth, startLocalRetries, type LocalRetries } from './local-retries.js';
import { CLOCK_SAVE_SECONDS, startRuntimeClock } from './runtime-clock.js';
import { DeadLetterFile, readDeadLetters, type QueuedMessage } from './dead-letters.js';
import { startPublishJournal } from './journal.js';
import { faultsFromEnvironment } from './fault-injection.js';
import { closeDynaliteIterators } from './dynalite-iterators.js';
import { measureTables, meteredBatches, meterFor, METER_FILE, writeMeterFile } from './meter-file.js';
import type { RequestMeter } from '../shared/adapters/request-meter.js';
import { noMetrics } from '../shared/app/ports.js';

/** Resource names of the local pipeline (the CDK app lets CloudFormation name its own). */
export const LOCAL_NAMES = {
  addressTable: 'bounce-addresses',
  campaignTable: 'bounce-campaigns',
  topic: 'bounce-ses-notifications',
  queue: 'bounce-notifications',
  deadLetterQueue: 'bounce-notifications-dlq',
} as const;

export interface RuntimeOptions {
  /** API port on 127.0.0.1 (0: any free port). */
  readonly port: number;
  /** Where the store, the queue snapshot and runtime.json live. */
  readonly dataDir: string;
  /** Keep the DynamoDB store in memory (a throwaway run). */
  readonly memory?: boolean;
  /** Use the endpoints the environment names (AWS_ENDPOINT_URL*, region, credentials) instead of embedded emulators. */
  readonly external?: boolean;
  /** Seconds before a failed record is retried locally (Lambda would wait the visibility timeout). */
  readonly retrySeconds?: number;
  /** Seconds between health checks of the active campaigns (0: never). */
  readonly healthEverySeconds?: number;
  /** Names of the SES message tags that carry campaign, batch and source (default: those names). */
  readonly tagNames?: TagNames;
  readonly logger?: LoggerPort;
  /** The runtime's clock runs this many times faster than real time; SQS delays are divided by it. @default 1 */
  readonly timeScale?: number;
  /** Mailboxes of the simulated world (unlisted addresses are delivered). */
  readonly world?: readonly WorldEntry[];
}

export interface Runtime {
  readonly file: RuntimeFile;
  /** Records the previous run saved (DIR/queues.json) and this start put back on the queues. */
  readonly restored: RestoredCounts;
  /** Process everything queued now (for tests and the demo). */
  drain(): Promise<void>;
  /** Run the health job now (it also runs on its timer). */
  checkHealth(): Promise<void>;
  /** The send path (refuses suppressed, held and paused; keeps the message for retries). */
  send(request: SendRequest): Promise<SendResult>;
  /** The runtime's clock (sped up by the time scale). */
  readonly clock: () => Date;
  /**
   * Work still ahead, without waiting for it: the mailbox world's events of every message SES accepted
   * are published first, then the notifications and retry-timer messages queued, in flight or delayed are
   * counted. 0 means the story has played out (no event to classify, no retry ahead).
   */
  pendingWork(): Promise<number>;
  /** Finish the batch in hand, process what is queued for up to `drainSeconds` (default 20), keep the rest. */
  stop(drainSeconds?: number): Promise<void>;
}

export interface RestoredCounts {
  readonly notifications: number;
  readonly deadLetters: number;
  /** Bodies on the retry timer queue's DLQ (not timers), put back on it. */
  readonly retryDeadLetters: number;
}

/** The log line of records the classify use case failed back to the queue (read by tests; do not reword lightly). */
export const RECORDS_FAILED_BACK = 'Records failed back to the queue';

/**
 * The local event source closes a classify batch after this long without a new notification (or at the
 * deployed batch size or window): a stream of events fills batches as on AWS, which is what the meter
 * prices, and a file ingested by hand is processed a tenth of a second after its last line.
 */
const CLASSIFY_IDLE_GAP_MS = 100;
/** The longest a local batch may gather, in the runtime clock's milliseconds (15 minutes). */
const FAST_CLOCK_WINDOW_MS = 15 * 60 * 1000;

const FAKE_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const SNAPSHOT = 'queues.json';

/**
 * One runtime per data folder: an exclusive lock file, taken atomically. A
 * lock whose process is gone (or is this process) is taken over.
 */
async function acquireLock(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = join(dataDir, 'runtime.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lockPath, 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
        throw new Error(`a runtime is already running on ${dataDir} (pid ${holder})`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`cannot lock ${dataDir}`);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Undo actions of what has started so far, run in reverse order (last started, first stopped). */
class StopList {
  private readonly actions: Array<() => Promise<void>> = [];
  add(action: () => Promise<void>): void {
    this.actions.push(action);
  }
  /** Runs every action even if one fails (a failing stop must not leave the others running). */
  async runAll(): Promise<void> {
    for (const action of this.actions.splice(0).reverse()) await action().catch(() => undefined);
  }
}

/** Endpoints of the services the runtime talks to; `inspect` reads an embedded queue without touching it. */
interface Services {
  readonly region: string;
  readonly dynamoEndpoint?: string;
  readonly messagingEndpoint?: string;
  readonly inspect: ((queue: string) => Array<Omit<QueuedMessage, 'queue'>>) | null;
}

/** One runtime per data folder: a live runtime.json or lock file refuses a second one. */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const existing = await readRuntimeFile(dataDir);
  // Our own pid in the file is a leftover (a container restarts with the same pid), not a rival.
  if (existing && existing.pid !== process.pid) {
    throw new Error(`a runtime is already running on ${dataDir} (pid ${existing.pid}, API ${existing.apiUrl})`);
  }
  return acquireLock(dataDir);
}

/** dynalite (persisted under the data folder unless `memory`) and fauxqs, or nothing with `external`. */
async function startEmulators(options: RuntimeOptions, dataDir: string, stops: StopList): Promise<Services> {
  if (options.external) {
    return { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1', inspect: null };
  }
  closeDynaliteIterators(); // else every query leaks an open LevelDB iterator
  const dynamoServer = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.memory ? {} : { path: join(dataDir, 'dynamodb') }),
  });
  const dynamoEndpoint = await listen(dynamoServer);
  stops.add(() => new Promise<void>((done) => dynamoServer.close(() => done())));
  const fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  stops.add(() => fauxqs.stop());
  const inspect = (queue: string) => {
    const state = fauxqs.inspectQueue(queue);
    if (!state) return [];
    const all = [...state.messages.ready, ...state.messages.delayed, ...state.messages.inflight.map((entry) => entry.message)];
    return all.map((m) => {
      const attributes = Object.fromEntries(
        Object.entries(m.messageAttributes ?? {})
          .filter(([, v]) => v.StringValue !== undefined)
          .map(([k, v]) => [k, { DataType: v.DataType, StringValue: v.StringValue }]),
      );
      return { body: m.body, ...(Object.keys(attributes).length > 0 ? { attributes } : {}) };
    });
  };
  return { region: 'us-east-1', dynamoEndpoint, messagingEndpoint: `http://127.0.0.1:${fauxqs.port}`, inspect };
}

interface Clients {
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

function createClients(services: Services, stops: StopList, meter: RequestMeter): Clients {
  const clientConfig = (endpoint: string | undefined) => ({
    region: services.region,
    ...(endpoint ? { endpoint, credentials: FAKE_CREDENTIALS } : {}),
  });
  const dynamo = new DynamoDBClient(clientConfig(services.dynamoEndpoint));
  // Emulators' queue URLs may name hosts that do not resolve: with a configured endpoint, send there.
  const sqsEndpointConfigured =
    services.messagingEndpoint !== undefined || Boolean(process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL);
  const sqs = new SQSClient({
    ...clientConfig(services.messagingEndpoint),
    ...(sqsEndpointConfigured ? { useQueueUrlAsEndpoint: false } : {}),
  });
  const sns = new SNSClient(clientConfig(services.messagingEndpoint));
  // Every request is metered (bounce cost); outside a function's call it is the runtime's own.
  meter.attach(dynamo);
  meter.attach(sqs);
  meter.attach(sns);
  stops.add(async () => {
    dynamo.destroy();
    sqs.destroy();
    sns.destroy();
  });
  return { dynamo, sqs, sns };
}

/** The API on 127.0.0.1, first of the pipeline's pieces: if the port is taken, nothing else has moved yet. */
async function startApi(handler: Parameters<typeof serveApi>[0], port: number, stops: StopList): Promise<LocalApiServer> {
  try {
    const api = await serveApi(handler, { port });
    stops.add(() => api.close());
    return api;
  } catch (error) {
    throw new Error(`cannot serve the API on 127.0.0.1:${port}: ${(error as Error).message}`);
  }
}

/**
 * What the previous run left on its queues comes back. The snapshot file stays until a clean stop
 * replaces it, so a start that fails or a process that is killed loses none of it (replaying a
 * notification twice is harmless: every effect is idempotent).
 */
async function restoreSnapshot(
  dataDir: string,
  sqs: SQSClient,
  messaging: Messaging,
  retryDeadLetterQueueUrl: string,
): Promise<{
  readonly counts: RestoredCounts;
  readonly deadLetters: { readonly messages: readonly QueuedMessage[]; readonly fromFile: boolean };
}> {
  const queued = await readFile(join(dataDir, SNAPSHOT), 'utf8').then(
    (text) => JSON.parse(text) as QueuedMessage[],
    () => [],
  );
  const savedDeadLetters = await readDeadLetters(dataDir);
  // A folder written before the dead-letter file kept its DLQs in the snapshot.
  const snapshot = savedDeadLetters === null ? queued : [...queued.filter((m) => m.queue === 'notifications'), ...savedDeadLetters];
  for (const message of snapshot) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl:
          message.queue === 'dlq'
            ? messaging.deadLetterQueueUrl
            : message.queue === 'retryDlq'
              ? retryDeadLetterQueueUrl
              : messaging.queueUrl,
        MessageBody: message.body,
        ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
      }),
    );
  }
  const deadLetters = snapshot.filter((message) => message.queue === 'dlq').length;
  const retryDeadLetters = snapshot.filter((message) => message.queue === 'retryDlq').length;
  return {
    counts: { notifications: snapshot.length - deadLetters - retryDeadLetters, deadLetters, retryDeadLetters },
    deadLetters: { messages: snapshot.filter((message) => message.queue !== 'notifications'), fromFile: savedDeadLetters !== null },
  };
}

/** What is left on the notifications queue (more than the drain could do, records waiting for a retry), for the next start. */
async function saveSnapshot(snapshotPath: string, inspect: NonNullable<Services['inspect']>): Promise<void> {
  const left: QueuedMessage[] = inspect(LOCAL_NAMES.queue).map((m) => ({ queue: 'notifications' as const, ...m }));
  if (left.length > 0) {
    await writeFile(`${snapshotPath}.tmp`, JSON.stringify(left));
    await rename(`${snapshotPath}.tmp`, snapshotPath);
  } else await rm(snapshotPath, { force: true });
}

/** The DLQs on disk while the runtime runs: brought up to date every second, and before a batch's records are marked done. */
function keepDeadLetters(
  dataDir: string,
  inspect: NonNullable<Services['inspect']>,
  saved: { readonly messages: readonly QueuedMessage[]; readonly fromFile: boolean },
  logger: LoggerPort,
  stops: StopList,
): DeadLetterFile {
  const file = new DeadLetterFile(
    dataDir,
    (queue) => inspect(queue === 'dlq' ? LOCAL_NAMES.deadLetterQueue : LOCAL_RETRY_NAMES.retryDeadLetterQueue),
    saved.messages,
    saved.fromFile,
  );
  every(
    1,
    () => file.update().catch((error: unknown) => logger.error('Dead letters not saved', { errorMessage: (error as Error).message })),
    stops,
  );
  return file;
}

/**
 * DIR/meter.json (what `bounce cost` prices): written every 2 s and on stop, the tables' sizes measured
 * every 10 s and on stop. Returns a write of the file (no measurement: a drain stays cheap).
 */
function keepMeter(
  meter: RequestMeter,
  dataDir: string,
  dynamo: DynamoDBClient,
  logger: LoggerPort,
  stops: StopList,
  now: () => Date,
): () => Promise<void> {
  const path = join(dataDir, METER_FILE);
  const tables = [LOCAL_NAMES.addressTable, LOCAL_NAMES.campaignTable];
  let measuring: Promise<void> | null = null;
  const measure = () =>
    (measuring ??= measureTables(meter, dynamo, tables, now)
      .then((sizes) => meter.setStoredBytes(sizes))
      .catch(() => undefined) // tables not created yet, or the store closing
      .finally(() => (measuring = null)));
  const write = () =>
    writeMeterFile(path, meter.snapshot()).catch((error: unknown) =>
      logger.error('Meter not saved', { errorMessage: (error as Error).message }),
    );
  every(2, write, stops);
  every(10, measure, stops);
  const flush = async () => {
    await measure();
    await write();
  };
  stops.add(flush); // runs before the store and the clients stop
  return write;
}

function every(seconds: number, job: () => Promise<void>, stops: StopList): void {
  if (seconds <= 0) return;
  const timer = setInterval(() => void job(), seconds * 1000);
  timer.unref();
  stops.add(async () => clearInterval(timer));
}

function describeRuntime(
  dataDir: string,
  services: Services,
  apiUrl: string,
  messaging: Messaging,
  retries: LocalRetries,
  timeScale: number,
  startedAt: number,
  tagNames: TagNames,
  snsEndpoint?: string,
): RuntimeFile {
  const { region } = services;
  const env = process.env;
  return {
    version: 1,
    pid: process.pid,
    startedAt: new Date(startedAt).toISOString(),
    dataDir,
    region,
    apiUrl,
    endpoints: {
      dynamodb:
        services.dynamoEndpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL ?? `https://dynamodb.${region}.amazonaws.com`,
      sqs: services.messagingEndpoint ?? env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL ?? `https://sqs.${region}.amazonaws.com`,
      sns:
        snsEndpoint ??
        services.messagingEndpoint ??
        env.AWS_ENDPOINT_URL_SNS ??
        env.AWS_ENDPOINT_URL ??
        `https://sns.${region}.amazonaws.com`,
      ses: retries.sesEndpoint ?? `https://email.${region}.amazonaws.com`,
    },
    sesViewerUrl: retries.sesViewerUrl,
    timeScale,
    topicArn: messaging.topicArn,
    queues: { notifications: messaging.queueUrl, notificationsDlq: messaging.deadLetterQueueUrl },
    tables: { addresses: LOCAL_NAMES.addressTable, campaigns: LOCAL_NAMES.campaignTable },
    tagNames,
  };
}

/**
 * The whole pipeline on one machine: DynamoDB (dynalite, persisted under the
 * data folder), SNS + SQS (fauxqs), the same topology as the CDK app, the
 * real classify use case fed by a poller with Lambda's batch semantics, and
 * the API on 127.0.0.1. Stopping drains the queue and keeps what is left (the
 * DLQ included) for the next start: nothing is lost.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(options.dataDir);
  const logger = options.logger ?? streamLogger(process.stderr, 'bounce-local', 'warn');
  await mkdir(dataDir, { recursive: true });
  const stops = new StopList();
  stops.add(await lockDataDir(dataDir));
  try {
    const services = await startEmulators(options, dataDir, stops);
    const meter = await meterFor(join(dataDir, METER_FILE));
    const clients = createClients(services, stops, meter);
    // Items' TTLs are on the runtime's clock, which starts below: real time until then.
    let clockNow: () => Date = () => new Date();
    const writeMeter = keepMeter(meter, dataDir, clients.dynamo, logger, stops, () => clockNow());
    let started = false;
    // Faults from the first call after start-up: a start that fails is not the pipeline's failure path.
    const faults = faultsFromEnvironment(clients.dynamo, logger, process.env, () => started);
    if (faults) stops.add(async () => logger.warn('DynamoDB faults injected in this run', { ...faults }));
    const tables = { addressTable: LOCAL_NAMES.addressTable, campaignTable: LOCAL_NAMES.campaignTable };
    for (const problem of await ensureTables(clients.dynamo, tables, { durable: options.external === true })) {
      logger.warn('Table setting not applied', { problem });
    }
    const messaging = await ensureMessaging(clients.sns, clients.sqs, {
      topic: LOCAL_NAMES.topic,
      queue: LOCAL_NAMES.queue,
      deadLetterQueue: LOCAL_NAMES.deadLetterQueue,
    });

    const dynamo = documentClient(clients.dynamo);
    // A data folder from before counters were keyed per campaign: its counters move once.
    await migrateLocalCounterKeys(dynamo, tables.campaignTable);
    // One from before campaigns had periods: each counted campaign gets its period and catalogue entry once.
    await backfillLocalCampaignPeriods(dynamo, tables.campaignTable);
    // One from before the status index was sharded: every record gets its index key once.
    await backfillLocalStatusShards(dynamo, tables.addressTable);
    const erasureKey = await localErasureKey(dataDir);
    const erasure = { erasureKey: async () => erasureKey };
    const timeScale = options.timeScale ?? 1;
    // Monotonic across restarts (DIR/clock.json): saved every second and, last of all, on stop.
    const runtimeClock = await startRuntimeClock(dataDir, timeScale, !options.memory);
    const startedAt = runtimeClock.origin.real;
    const { clock } = runtimeClock;
    clockNow = clock;
    await runtimeClock.save(true);
    stops.add(() => runtimeClock.save(false));
    every(CLOCK_SAVE_SECONDS, () => runtimeClock.save(true).catch(() => undefined), stops);
    const env = process.env;
    // The world's SES events go through the publish journal once it runs (it starts after the retries): they wait for it.
    let journalSns: SNSClient | null = null;
    const journalled = Boolean(services.messagingEndpoint && services.inspect && !options.memory);
    let openRetries = () => {};
    const retriesAfter = new Promise<void>((open) => (openRetries = open));
    const retries = await startLocalRetries({
      ...clients,
      eventsSns: () => journalSns ?? (journalled ? null : clients.sns),
      ...(options.memory ? {} : { worldDir: dataDir }),
      outbox: { dataDir, fresh: options.memory === true },
      retriesAfter,
      dynamo,
      tables,
      clock,
      timeScale,
      world: options.external ? null : (options.world ?? []),
      topicArn: messaging.topicArn,
      region: services.region,
      ...((env.AWS_ENDPOINT_URL_SES ?? env.AWS_ENDPOINT_URL) ? { sesEndpoint: env.AWS_ENDPOINT_URL_SES ?? env.AWS_ENDPOINT_URL } : {}),
      ...(options.tagNames ? { tagNames: options.tagNames } : {}),
      logger,
      stops,
      meter,
      ...erasure,
    });
    const events = meter.decisionEvents(localDecisionEvents(dataDir));
    const apiHandler = composeApi({ dynamo, tables, clock, logger: meter.logger('api', logger), events, ...erasure });
    const api = await startApi(
      withWebPage((event) => meter.call('api', 1, () => apiHandler(event)), { clock, timeScale }),
      options.port,
      stops,
    );
    const snapshotPath = join(dataDir, SNAPSHOT);
    const snapshot = options.memory
      ? {
          counts: { notifications: 0, deadLetters: 0, retryDeadLetters: 0 },
          deadLetters: { messages: [], fromFile: false },
        }
      : await restoreSnapshot(dataDir, clients.sqs, messaging, retries.retryDeadLetterQueueUrl);
    const restored = snapshot.counts;
    const deadLetters =
      services.inspect && !options.memory ? keepDeadLetters(dataDir, services.inspect, snapshot.deadLetters, logger, stops) : null;
    // Embedded queues live in memory: what a publisher was told is published is journalled on disk first.
    const journal =
      journalled && services.messagingEndpoint
        ? await startPublishJournal(
            dataDir,
            services.messagingEndpoint,
            async (message) =>
              void (await clients.sqs.send(new SendMessageCommand({ QueueUrl: messaging.queueUrl, MessageBody: message }))),
            stops,
            snapshot.deadLetters.messages.filter((message) => message.queue === 'dlq').map((message) => message.body),
            deadLetters ? { beforeMarkingDone: (bodies) => deadLetters.update(bodies) } : {},
          )
        : null;
    if (journal) {
      const eventsSns = new SNSClient({ region: services.region, endpoint: journal.snsEndpoint, credentials: FAKE_CREDENTIALS });
      journalSns = eventsSns;
      stops.add(async () => eventsSns.destroy());
    }
    const classify = composeClassify({
      dynamo,
      tables,
      deadLetters: { sqs: clients.sqs, queueUrl: messaging.deadLetterQueueUrl },
      ...(options.tagNames ? { tagNames: options.tagNames } : {}),
      clock,
      logger: meter.logger('classify', logger),
      metrics: meter.metrics('classify', noMetrics),
      retryQueue: retries.retryQueue,
      ...erasure,
      events,
    });

    const poller = new SqsPoller({
      sqs: clients.sqs,
      queueUrl: messaging.queueUrl,
      process: meteredBatches(meter, 'classify', journal ? journal.tracking(classify) : classify),
      batchSize: CLASSIFY_EVENT_SOURCE.batchSize,
      // The deployed window, in wall time (the stream fills batches as on AWS), but never more than 15 minutes of a
      // fast clock: a batch must not hold events for simulated hours while retry windows run.
      batchingWindowMs: Math.min(CLASSIFY_EVENT_SOURCE.maxBatchingWindowSeconds * 1000, FAST_CLOCK_WINDOW_MS / timeScale),
      idleGapMs: Math.min(CLASSIFY_IDLE_GAP_MS, FAST_CLOCK_WINDOW_MS / timeScale),
      waitTimeSeconds: 1,
      failedVisibilitySeconds: options.retrySeconds ?? 10,
      onEntriesFailed: (report) => logger.warn('SQS batch entries failed twice', { ...report }),
      onRecordsFailedBack: (report) => logger.warn(RECORDS_FAILED_BACK, { ...report, retryInSeconds: options.retrySeconds ?? 10 }),
    });
    // The event source's receives and deletes are the classify function's.
    meter.within('classify', () =>
      poller.start((error) => logger.error('Poller failed to receive', { errorMessage: (error as Error).message })),
    );
    stops.add(() => poller.stop());
    // After a crash, what proves an attempt went out (journalled and world events) is classified before a retry may take it over.
    void retries.worldResumed
      .then(() => meter.within('classify', () => poller.drain(1, Date.now() + 30_000)))
      .catch(() => undefined)
      .finally(() => openRetries());

    const healthRun = localHealthJob({
      dynamo,
      tables,
      clock,
      dataDir,
      logger: meter.logger('health', logger),
      link: `${api.url}/`,
      events,
      meter,
      // On a fast clock the passes are many hours apart: each looks back to the one before.
      findHours: findHoursFor(options.healthEverySeconds ?? 60, timeScale),
    });
    const checkHealth = async () => {
      await meter.call('health', 0, healthRun);
    };
    every(options.healthEverySeconds ?? 60, checkHealth, stops);

    const runtimePath = runtimeFilePath(dataDir);
    const tagNames = options.tagNames ?? DEFAULT_TAG_NAMES;
    const file = {
      ...describeRuntime(dataDir, services, api.url, messaging, retries, timeScale, startedAt, tagNames, journal?.snsEndpoint),
      clockOrigin: { real: new Date(startedAt).toISOString(), simulated: new Date(runtimeClock.origin.simulated).toISOString() },
    };
    // Written whole, then renamed: a reader never sees a half-written file.
    await writeFile(`${runtimePath}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    await rename(`${runtimePath}.tmp`, runtimePath);
    stops.add(() => rm(runtimePath, { force: true }));

    let stopped = false;
    started = true;
    return {
      file,
      restored,
      drain: async () => {
        await meter.within('classify', () => poller.drain());
        await retries.drain();
        await meter.within('classify', () => poller.drain());
        await writeMeter();
      },
      send: (request) => retries.send(request, clock()),
      clock,
      pendingWork: async () => (await retries.pendingWork()) + (await queueDepth(clients.sqs, messaging.queueUrl)),
      checkHealth,
      stop: async (drainSeconds = 20) => {
        if (stopped) return;
        stopped = true;
        await retries.stopPolling();
        await poller.stop(); // the batch in hand finishes
        // What is queued is processed, for a while; what is not is kept for the next start.
        await meter.within('classify', () => poller.drain(2, Date.now() + drainSeconds * 1000)).catch(() => undefined);
        await deadLetters?.replaceWithCurrent(); // before the snapshot, which may hold an older runtime's DLQs
        if (services.inspect && !options.memory) await saveSnapshot(snapshotPath, services.inspect);
        await stops.runAll();
      },
    };
  } catch (error) {
    await stops.runAll();
    throw error;
  }
}
