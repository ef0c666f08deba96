import type { SNSClient } from '@aws-sdk/client-sns';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoggerPort } from '../shared/app/ports.js';
import type { SendMessage } from '../shared/app/send.js';
import {
  composeOutboundStore,
  composeRetry,
  composeSend,
  type ErasureKeyInput,
  rearmOpenRetries,
  type RetryQueueInput,
  type SesInput,
  type TableNames,
} from '../shared/adapters/compose.js';
import type { TagNames } from '../shared/domain/index.js';
import type { WorldEntry } from './mailbox-world.js';
import { LOCAL_CONFIGURATION_SET, localSesClients } from './local-ses.js';
import { startSesWorld, type SesWorld } from './ses-world.js';
import { SqsPoller } from './sqs-poller.js';

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
  readonly region: string;
  readonly sesEndpoint?: string;
  readonly tagNames?: TagNames;
  readonly logger: LoggerPort;
  readonly stops: { add(action: () => Promise<void>): void };
  /** The erasure key: sends and due retries see erased addresses' tombstones. */
  readonly erasureKey: ErasureKeyInput;
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
 * topic, the local SES with its mailbox world, the send path, and a poller
 * that runs the retry use case on due timers. Timers do not survive a
 * restart of the in-memory queues: on start, every retry still ahead is
 * re-armed from its state (a duplicate timer is harmless).
 */
export async function startLocalRetries(inputs: LocalRetriesInputs): Promise<LocalRetries> {
  const { sqs, sns, dynamo, tables, clock, timeScale, logger, stops } = inputs;
  const { queueUrl, deadLetterQueueUrl } = await ensureRetryQueues(sqs);
  const retryDueTopicArn = (await sns.send(new CreateTopicCommand({ Name: LOCAL_RETRY_NAMES.retryDueTopic }))).TopicArn as string;

  let world: SesWorld | null = null;
  if (inputs.world !== null) {
    const outbound = composeOutboundStore(dynamo, tables, clock);
    world = await startSesWorld({
      entries: inputs.world,
      timeScale,
      clock,
      sns,
      topicArn: inputs.topicArn,
      outboundOf: (id) => outbound.get(id),
      logger,
    });
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
    { embedded: world !== null, ...(inputs.tagNames ? { tagNames: inputs.tagNames } : {}) },
  );
  stops.add(async () => sesClients.destroy());
  const ses: SesInput = sesClients.input;
  const retryQueue: RetryQueueInput = { sqs, queueUrl, timeScale };

  const poller = new SqsPoller({
    sqs,
    queueUrl,
    process: composeRetry({
      dynamo,
      tables,
      ses,
      clock,
      logger,
      retryQueue,
      retryDue: { sns, topicArn: retryDueTopicArn },
      deadLetters: { sqs, queueUrl: deadLetterQueueUrl },
      erasureKey: inputs.erasureKey,
    }),
    batchSize: 10,
    waitTimeSeconds: 1,
    // A timer whose send outcome is unknown comes back soon (its state waits out the grace time).
    failedVisibilitySeconds: 1,
  });

  // Re-arm what a previous run left scheduled: its timers were in the in-memory queue.
  await rearmOpenRetries({ dynamo, tables, retryQueue, clock });

  poller.start((error) => logger.error('Retry poller failed to receive', { errorMessage: (error as Error).message }));
  stops.add(() => poller.stop());

  return {
    retryQueue,
    retryQueueUrl: queueUrl,
    retryDeadLetterQueueUrl: deadLetterQueueUrl,
    retryDueTopicArn,
    sesEndpoint,
    sesViewerUrl: world ? `${world.ses.url}/` : null,
    send: composeSend({ dynamo, tables, ses, clock, logger, erasureKey: inputs.erasureKey }),
    pendingWork: async () => {
      await world?.settle();
      return queueDepth(sqs, queueUrl);
    },
    drain: async () => {
      await world?.settle();
      await poller.drain();
    },
    stopPolling: () => poller.stop(),
  };
}
