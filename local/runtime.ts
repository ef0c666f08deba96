import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { CampaignWatch } from '../shared/app/campaign-watch.js';
import { createClassifyBatchHandler } from '../shared/app/classify-batch.js';
import { noMetrics, type LoggerPort } from '../shared/app/ports.js';
import { streamLogger } from '../shared/adapters/console-logger.js';
import { ensureTables } from '../shared/adapters/create-tables.js';
import { DynamoAddressRepository } from '../shared/adapters/dynamo-address-repository.js';
import { DynamoCampaignRepository } from '../shared/adapters/dynamo-campaign-repository.js';
import { createApiHandler } from '../shared/adapters/http-api.js';
import { ensureMessaging } from '../shared/adapters/messaging.js';
import { SqsDeadLetterSink } from '../shared/adapters/sqs-dead-letter.js';
import { isProcessAlive, readRuntimeFile, runtimeFilePath, type RuntimeFile } from './runtime-file.js';
import { serveApi, type LocalApiServer } from './http-server.js';
import { SqsPoller } from './sqs-poller.js';

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
  readonly logger?: LoggerPort;
}

export interface Runtime {
  readonly file: RuntimeFile;
  /** Process everything queued now (for tests and the demo). */
  drain(): Promise<void>;
  /** Run the health job now (it also runs on its timer). */
  checkHealth(): Promise<void>;
  /** Finish the batch in hand, process what is queued for up to `drainSeconds` (default 20), keep the rest. */
  stop(drainSeconds?: number): Promise<void>;
}

const FAKE_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const SNAPSHOT = 'queues.json';

interface QueuedMessage {
  readonly queue: 'notifications' | 'dlq';
  readonly body: string;
  readonly attributes?: Record<string, MessageAttributeValue>;
}

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

/**
 * The whole pipeline on one machine: DynamoDB (dynalite, persisted under the
 * data folder), SNS + SQS (fauxqs), the same topology as the CDK app, the
 * real classify handler fed by a poller with Lambda's batch semantics, and the
 * API on 127.0.0.1. Stopping drains the queue and keeps what is left (the
 * DLQ included) for the next start: nothing is lost.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(options.dataDir);
  const logger = options.logger ?? streamLogger(process.stderr, 'bounce-local', 'warn');
  await mkdir(dataDir, { recursive: true });
  const runtimePath = runtimeFilePath(dataDir);
  const existing = await readRuntimeFile(dataDir);
  // Our own pid in the file is a leftover (a container restarts with the same pid), not a rival.
  if (existing && existing.pid !== process.pid)
    throw new Error(`a runtime is already running on ${dataDir} (pid ${existing.pid}, API ${existing.apiUrl})`);
  const releaseLock = await acquireLock(dataDir);

  const stops: Array<() => Promise<void>> = [releaseLock];
  const region = options.external ? (process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1') : 'us-east-1';
  let dynamoEndpoint: string | undefined;
  let messagingEndpoint: string | undefined;
  /** Everything on a queue (ready, delayed, in flight), without touching it; embedded mode only. */
  let inspect: ((queue: string) => Array<Omit<QueuedMessage, 'queue'>>) | null = null;
  if (!options.external) {
    const dynamoServer = dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(options.memory ? {} : { path: join(dataDir, 'dynamodb') }),
    });
    dynamoEndpoint = await listen(dynamoServer);
    stops.push(() => new Promise<void>((done) => dynamoServer.close(() => done())));
    const fauxqs = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
    messagingEndpoint = `http://127.0.0.1:${fauxqs.port}`;
    inspect = (queue) => {
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
    stops.push(() => fauxqs.stop());
  }
  const clientConfig = (endpoint: string | undefined) => ({ region, ...(endpoint ? { endpoint, credentials: FAKE_CREDENTIALS } : {}) });
  const dynamo = new DynamoDBClient(clientConfig(dynamoEndpoint));
  // Emulators' queue URLs may name hosts that do not resolve: with a configured endpoint, send there.
  const sqsEndpointConfigured =
    messagingEndpoint !== undefined || Boolean(process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL);
  const sqs = new SQSClient({ ...clientConfig(messagingEndpoint), ...(sqsEndpointConfigured ? { useQueueUrlAsEndpoint: false } : {}) });
  const sns = new SNSClient(clientConfig(messagingEndpoint));
  stops.push(async () => {
    dynamo.destroy();
    sqs.destroy();
    sns.destroy();
  });

  try {
    await ensureTables(dynamo, { addressTable: LOCAL_NAMES.addressTable, campaignTable: LOCAL_NAMES.campaignTable });
    const messaging = await ensureMessaging(sns, sqs, {
      topic: LOCAL_NAMES.topic,
      queue: LOCAL_NAMES.queue,
      deadLetterQueue: LOCAL_NAMES.deadLetterQueue,
    });

    const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
    const addresses = new DynamoAddressRepository(doc, LOCAL_NAMES.addressTable);
    const campaigns = new DynamoCampaignRepository(doc, LOCAL_NAMES.campaignTable);
    const clock = () => new Date();
    const classify = createClassifyBatchHandler({
      addresses,
      counters: campaigns,
      delays: campaigns,
      deadLetters: new SqsDeadLetterSink(sqs, messaging.deadLetterQueueUrl),
      logger,
      metrics: noMetrics,
      clock,
    });
    const poller = new SqsPoller({
      sqs,
      queueUrl: messaging.queueUrl,
      queueArn: messaging.queueArn,
      handler: classify,
      batchSize: 100,
      batchingWindowMs: 200,
      waitTimeSeconds: 1,
      failedVisibilitySeconds: options.retrySeconds ?? 10,
      region,
    });
    // The port first: if it is taken, nothing else has started or moved yet.
    let api: LocalApiServer;
    try {
      api = await serveApi(createApiHandler({ addresses, campaigns, clock }, logger), { port: options.port });
    } catch (error) {
      throw new Error(`cannot serve the API on 127.0.0.1:${options.port}: ${(error as Error).message}`);
    }
    stops.push(() => api.close());

    // What the previous run left on its queues comes back. The snapshot file stays until a clean
    // stop replaces it, so a start that fails or a process that is killed loses none of it
    // (replaying a notification twice is harmless: every effect is idempotent).
    const snapshotPath = join(dataDir, SNAPSHOT);
    const snapshot = options.memory
      ? []
      : await readFile(snapshotPath, 'utf8').then(
          (text) => JSON.parse(text) as QueuedMessage[],
          () => [],
        );
    for (const message of snapshot) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: message.queue === 'dlq' ? messaging.deadLetterQueueUrl : messaging.queueUrl,
          MessageBody: message.body,
          ...(message.attributes ? { MessageAttributes: message.attributes } : {}),
        }),
      );
    }
    poller.start((error) => logger.error('Poller failed to receive', { errorMessage: (error as Error).message }));
    stops.push(() => poller.stop());

    // The health job on a timer: campaigns whose verdict turns bad are appended to DIR/alerts.jsonl.
    const watch = new CampaignWatch({ addresses, campaigns, clock });
    const alertsPath = join(dataDir, 'alerts.jsonl');
    const checkHealth = async () => {
      try {
        for (const alert of await watch.check()) {
          await appendFile(alertsPath, `${JSON.stringify(alert)}\n`);
          logger.warn('Campaign health alert', {
            campaign: alert.campaign,
            verdict: alert.verdict,
            findings: alert.findings.map((f) => f.summary),
          });
        }
      } catch (error) {
        logger.error('Health check failed', { errorMessage: (error as Error).message });
      }
    };
    const healthEvery = options.healthEverySeconds ?? 60;
    if (healthEvery > 0) {
      const timer = setInterval(() => void checkHealth(), healthEvery * 1000);
      timer.unref();
      stops.push(async () => clearInterval(timer));
    }

    const file: RuntimeFile = {
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir,
      region,
      apiUrl: api.url,
      endpoints: {
        dynamodb:
          dynamoEndpoint ??
          process.env.AWS_ENDPOINT_URL_DYNAMODB ??
          process.env.AWS_ENDPOINT_URL ??
          `https://dynamodb.${region}.amazonaws.com`,
        sqs: messagingEndpoint ?? process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL ?? `https://sqs.${region}.amazonaws.com`,
        sns: messagingEndpoint ?? process.env.AWS_ENDPOINT_URL_SNS ?? process.env.AWS_ENDPOINT_URL ?? `https://sns.${region}.amazonaws.com`,
      },
      topicArn: messaging.topicArn,
      queues: { notifications: messaging.queueUrl, notificationsDlq: messaging.deadLetterQueueUrl },
      tables: { addresses: LOCAL_NAMES.addressTable, campaigns: LOCAL_NAMES.campaignTable },
    };
    await writeFile(runtimePath, `${JSON.stringify(file, null, 2)}\n`);

    let stopped = false;
    return {
      file,
      drain: async () => {
        await poller.drain();
      },
      checkHealth,
      stop: async (drainSeconds = 20) => {
        if (stopped) return;
        stopped = true;
        await poller.stop(); // the batch in hand finishes
        // What is queued is processed, for a while…
        await poller.drain(2, Date.now() + drainSeconds * 1000).catch(() => undefined);
        if (inspect && !options.memory) {
          // …and what is not (more than that, records waiting for a retry, the DLQ) is kept for the next start.
          const left: QueuedMessage[] = [
            ...inspect(LOCAL_NAMES.queue).map((m) => ({ queue: 'notifications' as const, ...m })),
            ...inspect(LOCAL_NAMES.deadLetterQueue).map((m) => ({ queue: 'dlq' as const, ...m })),
          ];
          if (left.length > 0) {
            await writeFile(`${snapshotPath}.tmp`, JSON.stringify(left));
            await rename(`${snapshotPath}.tmp`, snapshotPath);
          } else await rm(snapshotPath, { force: true });
        }
        await rm(runtimePath, { force: true });
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
