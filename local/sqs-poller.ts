import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Messages per receive, as the event source's batch size (SQS caps one receive at 10). */
  readonly batchSize?: number;
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

  constructor(private readonly options: PollerOptions) {}

  /** Receive one batch and hand it over; resolves to the number of records received. */
  async pollOnce(waitTimeSeconds = this.options.waitTimeSeconds ?? 0): Promise<number> {
    const { sqs, queueUrl, queueArn, handler } = this.options;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(this.options.batchSize ?? 10, 10),
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return 0;
    const records = Messages.map((message) => toRecord(message, queueArn, this.options.region ?? 'us-east-1'));
    let failedIds: Set<string>;
    try {
      const response = await handler({ Records: records });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      failedIds = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failedIds.has(record.messageId));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    const failed = records.filter((record) => failedIds.has(record.messageId));
    if (failed.length > 0 && this.options.failedVisibilitySeconds !== undefined) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: failed.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle, VisibilityTimeout: this.options.failedVisibilitySeconds })),
        }),
      );
    }
    return records.length;
  }

  /** Poll until the queue yields nothing `idleRounds` times in a row. */
  async drain(idleRounds = 2): Promise<number> {
    let total = 0;
    let idle = 0;
    while (idle < idleRounds) {
      const received = await this.pollOnce(0);
      total += received;
      idle = received === 0 ? idle + 1 : 0;
    }
    return total;
  }

  start(onError: (error: unknown) => void = () => {}): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pollOnce(this.options.waitTimeSeconds ?? 1);
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
