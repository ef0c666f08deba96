import type { SNSClient } from '@aws-sdk/client-sns';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { noMetrics, type LoggerPort } from '../shared/app/ports.js';
import type { SendMessage } from '../shared/app/send.js';
import {
  composeRetry,
  composeRetrySweeper,
  composeSend,
  unsweptRetries,
  type ErasureKeyInput,
  type RetryQueueInput,
  type SesInput,
  type TableNames,
} from '../shared/adapters/compose.js';
import { DEFAULT_TAG_NAMES, SWEEP_EVERY_SECONDS, type TagNames } from '../shared/domain/index.js';
import type { WorldEntry } from './mailbox-world.js';
import { LOCAL_CONFIGURATION_SET, localSesClients } from './local-ses.js';
import { startSesWorld, type SesWorld } from './ses-world.js';
import { SqsPoller } from './sqs-poller.js';
import { RequestMeter } from '../shared/adapters/request-meter.js';
import { RETRY_SWEEP_FUNCTION } from '../shared/domain/aws-prices.js';
import { meteredBatches } from './meter-file.js';

export const LOCAL_RETRY_NAMES = {
  retryQueue: 'bounce-retry-timers',
  retryDeadLetterQueue: 'bounce-retry-timers-dlq',
  retryDueTopic: 'bounce-retry-due',
  configurationSet: LOCAL_CONFIGURATION_SET,
} as const;

export interface LocalRetriesInputs {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly clock: () => Date;
  readonly timeScale: number;
  /** The mailbox world; null: no embedded SES (external mode uses the SES endpoint of the environment). */
  readonly world: readonly WorldEntry[] | null;
  /** The notification topic the world publishes SES events to. */
  readonly topicArn: string;
  /** The client the world publishes SES events with when it is not `sns` (the runtime's journalling proxy); null: not yet, wait. */
  readonly eventsSns?: () => SNSClient | null;
  /** Where the world keeps what it promised (DIR/world.jsonl); none: in memory. */
  readonly worldDir?: string;
  /** Where the world lists what SES accepted (DIR/outbox.jsonl; `fresh`: start it empty); none: not listed. */
  readonly outbox?: { readonly dataDir: string; readonly fresh: boolean };
  /**
   * The retry poller and its first sweep wait for this: after a crash, the evidence of attempts then
   * in flight (journalled and world events) is classified before a retry can take an attempt over.
   */
  readonly retriesAfter?: Promise<void>;
  readonly region: string;
  readonly sesEndpoint?: string;
  readonly tagNames?: TagNames;
  readonly logger: LoggerPort;
  readonly stops: { add(action: () => Promise<void>): void };
  /** The erasure key: sends and due retries see erased addresses' tombstones. */
  readonly erasureKey: ErasureKeyInput;
  /** Meters the SES clients and the retry and send functions (the other clients are metered by their maker). */
  readonly meter?: RequestMeter;
}

export interface LocalRetries {
  /** For the classify use case: where it schedules retries. */
  readonly retryQueue: RetryQueueInput;
  readonly retryQueueUrl: string;
  readonly retryDeadLetterQueueUrl: string;
  readonly retryDueTopicArn: string;
  /** The SES endpoint (embedded aws-ses-v2-local, or the environment's). */
  readonly sesEndpoint: string | null;
  /** The local SES's web viewer of sent mail (null in external mode). */
  readonly sesViewerUrl: string | null;
  readonly send: SendMessage;
  /** Resolves once the world's events a previous run promised are published (at once without a world). */
  readonly worldResumed: Promise<void>;
  /** Publishes the world's events of what SES accepted so far, then counts the retry timers (a retry ahead always has one). */
  pendingWork(): Promise<number>;
  /** Process due timers and play out the world until both are idle. */
  drain(): Promise<void>;
  stopPolling(): Promise<void>;
}

const DEPTH = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;

/** Messages on a queue: visible, in flight and delayed. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...DEPTH] }));
  return DEPTH.reduce((sum, name) => sum + Number(Attributes[name] ?? 0), 0);
}

async function ensureRetryQueues(sqs: SQSClient): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: LOCAL_RETRY_NAMES.retryDeadLetterQueue }));
  const deadLetterQueueUrl = dlq.QueueUrl as string;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: LOCAL_RETRY_NAMES.retryQueue,
      Attributes: {
        VisibilityTimeout: '180',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 5 }),
      },
    }),
  );
  return { queueUrl: queue.QueueUrl as string, deadLetterQueueUrl };
}

/**
 * Retries on one machine: the retry timer queue (+ DLQ) and the retry-due
 * topic, the local SES with its mailbox world, the send path, a poller that
 * runs the retry use case on due timers, and the sweeper on a timer of the
 * runtime's clock. Timers do not survive a restart of the in-memory queues:
 * the sweeper runs in full on start, so every retry still open gets its timer
 * again (a duplicate timer is harmless).
 */
export async function startLocalRetries(inputs: LocalRetriesInputs): Promise<LocalRetries> {
  const { sqs, sns, dynamo, tables, clock, timeScale, logger, stops } = inputs;
  const meter = inputs.meter ?? new RequestMeter();
  const { queueUrl, deadLetterQueueUrl } = await ensureRetryQueues(sqs);
  const retryDueTopicArn = (await sns.send(new CreateTopicCommand({ Name: LOCAL_RETRY_NAMES.retryDueTopic }))).TopicArn as string;

  let world: SesWorld | null = null;
  const entries = inputs.world;
  if (entries !== null) {
    // SES's own publishes of its events to the notification topic.
    world = await meter.within('ses', () =>
      startSesWorld({
        entries,
        timeScale,
        clock,
        // Through the journal when there is one: the Send event that proves a retry went out must survive a kill -9.
        sns: () => (inputs.eventsSns ? inputs.eventsSns() : sns),
        topicArn: inputs.topicArn,
        logger,
        ...(inputs.worldDir ? { dataDir: inputs.worldDir } : {}),
        ...(inputs.outbox ? { outbox: { ...inputs.outbox, campaignTag: (inputs.tagNames ?? DEFAULT_TAG_NAMES).campaign } } : {}),
      }),
    );
    const started = world;
    stops.add(() => started.stop());
  }
  const sesEndpoint = world?.ses.url ?? inputs.sesEndpoint ?? null;
  const sesClients = localSesClients(
    {
      region: inputs.region,
      ...(world
        ? { endpoint: world.ses.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : inputs.sesEndpoint
          ? { endpoint: inputs.sesEndpoint }
          : {}),
    },
    { embedded: world !== null, ...(inputs.tagNames ? { tagNames: inputs.tagNames } : {}), meter },
  );
  stops.add(async () => sesClients.destroy());
  const ses: SesInput = sesClients.input;
  const retryQueue: RetryQueueInput = { sqs, queueUrl, timeScale };

  const poller = new SqsPoller({
    sqs,
    queueUrl,
    process: meteredBatches(
      meter,
      'retry',
      composeRetry({
        dynamo,
        tables,
        ses,
        clock,
        logger: meter.logger('retry', logger),
        metrics: meter.metrics('retry', noMetrics),
        retryQueue,
        retryDue: { sns, topicArn: retryDueTopicArn },
        deadLetters: { sqs, queueUrl: deadLetterQueueUrl },
        erasureKey: inputs.erasureKey,
      }),
    ),
    batchSize: 10,
    waitTimeSeconds: 1,
    // A timer whose send outcome is unknown comes back soon (its state waits out the grace time).
    failedVisibilitySeconds: 1,
  });

  // What a previous run left open had its timers in the in-memory queue: a full sweep enqueues them again.
  const sweeper = composeRetrySweeper({ dynamo, addressTable: tables.addressTable, retryQueue, logger });
  const sweep: typeof sweeper = (now, options) => meter.call(RETRY_SWEEP_FUNCTION, 0, () => sweeper(now, options));
  let stopped = false;
  const started = (inputs.retriesAfter ?? Promise.resolve()).then(async () => {
    if (stopped) return;
    try {
      await sweep(clock(), { full: true });
    } catch (error) {
      // A data folder from before the due index: near retries still run (their timers are enqueued directly).
      logger.error('Retry sweep at start failed', { errorName: (error as Error).name, errorMessage: (error as Error).message });
    }
    if (stopped) return;
    // Every SWEEP_EVERY_SECONDS of the runtime's clock (at least a second of real time).
    const sweeping = setInterval(
      () => void sweep(clock()).catch((error: unknown) => logger.error('Retry sweep failed', { errorName: (error as Error).name })),
      Math.max(1000, (SWEEP_EVERY_SECONDS * 1000) / timeScale),
    );
    sweeping.unref();
    stops.add(async () => clearInterval(sweeping));
    meter.within('retry', () =>
      poller.start((error) => logger.error('Retry poller failed to receive', { errorMessage: (error as Error).message })),
    );
  });
  const stopPolling = async () => {
    stopped = true;
    await poller.stop();
  };
  stops.add(stopPolling);

  const send = composeSend({
    dynamo,
    tables,
    ses,
    clock,
    logger: meter.logger('send', logger),
    erasureKey: inputs.erasureKey,
  });
  return {
    retryQueue,
    retryQueueUrl: queueUrl,
    retryDeadLetterQueueUrl: deadLetterQueueUrl,
    retryDueTopicArn,
    sesEndpoint,
    sesViewerUrl: world ? `${world.ses.url}/` : null,
    worldResumed: world?.resumed ?? Promise.resolve(),
    send: (request, now, scope) => meter.call('send', 1, () => send(request, now, scope)),
    pendingWork: async () => {
      await meter.within('ses', async () => world?.settle());
      // An attempt due in hours waits in the due index, not on the queue, until a sweep enqueues it.
      return (await queueDepth(sqs, queueUrl)) + (await unsweptRetries(dynamo, tables.addressTable, clock()));
    },
    drain: async () => {
      await started;
      await meter.within('ses', async () => world?.settle());
      await meter.within('retry', () => poller.drain());
    },
    stopPolling,
  };
}
