import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Records per handler call, as the event source's batch size. */
  readonly batchSize?: number;
  /** How long to keep gathering a batch once the first messages arrived. */
  readonly batchingWindowMs?: number;
  readonly waitTimeSeconds?: number;
  /** Seconds before a failed record is visible again; Lambda leaves the queue's visibility timeout. */
  readonly failedVisibilitySeconds?: number;
  readonly region?: string;
}

function toRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Hands SQS batches to a Lambda handler with the event source's semantics:
 * records the handler reports in `batchItemFailures` stay on the queue (and
 * reach the DLQ through its redrive policy); the others are deleted. A
 * handler that throws fails the whole batch.
 */
export class SqsPoller {
  private running = false;
  private loop: Promise<void> | null = null;
  /** The background loop's current poll, so a drain can wait for it. */
  private inHand: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PollerOptions) {}

  /** Receive one batch and hand it over; resolves to the number of records received. */
  async pollOnce(waitTimeSeconds = this.options.waitTimeSeconds ?? 0): Promise<number> {
    const { sqs, queueUrl, queueArn, handler } = this.options;
    const batchSize = this.options.batchSize ?? 10;
    const receive = async (max: number, wait: number) =>
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(max, 10),
            WaitTimeSeconds: wait,
            MessageSystemAttributeNames: ['All'],
          }),
        )
      ).Messages ?? [];
    const Messages = await receive(batchSize, waitTimeSeconds);
    if (Messages.length === 0) return 0;
    // Like Lambda's batching window: gather up to `batchSize` (one receive returns at most 10).
    const deadline = Date.now() + (this.options.batchingWindowMs ?? 0);
    while (Messages.length < batchSize && Date.now() < deadline) {
      const more = await receive(batchSize - Messages.length, 0);
      if (more.length === 0) break;
      Messages.push(...more);
    }
    const records = Messages.map((message) => toRecord(message, queueArn, this.options.region ?? 'us-east-1'));
    let failedIds: Set<string>;
    try {
      const response = await handler({ Records: records });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failedIds = new Set(records.map((record) => record.messageId));
    }
    // SQS batch calls take at most 10 entries.
    const done = records.filter((record) => !failedIds.has(record.messageId));
    for (let i = 0; i < done.length; i += 10) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.slice(i, i + 10).map((record, j) => ({ Id: String(j), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    const failed = records.filter((record) => failedIds.has(record.messageId));
    const visibility = this.options.failedVisibilitySeconds;
    for (let i = 0; visibility !== undefined && i < failed.length; i += 10) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: failed
            .slice(i, i + 10)
            .map((record, j) => ({ Id: String(j), ReceiptHandle: record.receiptHandle, VisibilityTimeout: visibility })),
        }),
      );
    }
    return records.length;
  }

  /**
   * Poll until the queue yields nothing `idleRounds` times in a row (or the
   * deadline passes) and the background loop's batch in hand is finished.
   */
  async drain(idleRounds = 2, deadline = Number.POSITIVE_INFINITY): Promise<number> {
    let total = 0;
    let idle = 0;
    while (idle < idleRounds && Date.now() < deadline) {
      await this.inHand;
      const received = await this.pollOnce(0);
      total += received;
      idle = received === 0 ? idle + 1 : 0;
    }
    await this.inHand;
    return total;
  }

  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          this.inHand = this.pollOnce(this.options.waitTimeSeconds ?? 1);
          await this.inHand;
        } catch (error) {
          onError(error);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    })();
  }

  /** Stop after the batch in hand is finished: nothing received is lost. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
