import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ProcessBatch } from '../shared/app/classify-batch.js';

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** The use case a batch is handed to; it reports which records failed. */
  readonly process: ProcessBatch;
  /** Records per handler call, as the event source's batch size. */
  readonly batchSize?: number;
  /** How long to keep gathering a batch once the first messages arrived (Lambda's maximum batching window). */
  readonly batchingWindowMs?: number;
  /**
   * Within the window, close the batch early once no message has arrived for this long (default: at the
   * first empty receive). Under a steady stream batches then fill as the deployed event source fills them,
   * while a few events typed by hand are not held for the whole window.
   */
  readonly idleGapMs?: number;
  readonly waitTimeSeconds?: number;
  /** Seconds before a failed record is visible again; Lambda leaves the queue's visibility timeout. */
  readonly failedVisibilitySeconds?: number;
  /**
   * Told when batch entries still fail after one more try: a delete that failed means the record is
   * processed again once visible (harmless, every effect is idempotent); a visibility change that
   * failed means it comes back after the queue's visibility timeout instead.
   */
  readonly onEntriesFailed?: (report: {
    readonly call: 'DeleteMessageBatch' | 'ChangeMessageVisibilityBatch';
    readonly failed: number;
    readonly codes: readonly string[];
  }) => void;
  /** Told when the use case reported records failed: they go back to the queue, to be delivered again. */
  readonly onRecordsFailedBack?: (report: { readonly records: number; readonly batch: number }) => void;
}

/** Pause between empty receives while a batch waits out its idle gap. */
const IDLE_POLL_MS = 25;

interface BatchEntry {
  readonly Id: string;
  readonly ReceiptHandle: string | undefined;
  readonly VisibilityTimeout?: number;
}

/** Sends a batch call for up to 10 entries; entries it reports failed are sent once more. Returns what still failed. */
async function sendBatch(
  send: (entries: BatchEntry[]) => Promise<{ Failed?: Array<{ Id?: string; Code?: string }> }>,
  entries: BatchEntry[],
): Promise<Array<{ Id?: string; Code?: string }>> {
  let pending = entries;
  let failures: Array<{ Id?: string; Code?: string }> = [];
  for (let attempt = 0; attempt < 2 && pending.length > 0; attempt++) {
    try {
      failures = (await send(pending)).Failed ?? [];
    } catch (error) {
      failures = pending.map((entry) => ({ Id: entry.Id, Code: (error as Error).name }));
    }
    const failedIds = new Set(failures.map((failure) => failure.Id));
    pending = pending.filter((entry) => failedIds.has(entry.Id));
  }
  return failures;
}

/**
 * Hands SQS batches to a use case with Lambda's event source semantics:
 * records it reports failed stay on the queue (and reach the DLQ through its
 * redrive policy); the others are deleted. A use case that throws fails the
 * whole batch.
 */
export class SqsPoller {
  private running = false;
  private loop: Promise<void> | null = null;
  /** The background loop's current poll, so a drain can wait for it. */
  private inHand: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PollerOptions) {}

  /** Receive one batch and hand it over; resolves to the number of records received. */
  async pollOnce(waitTimeSeconds = this.options.waitTimeSeconds ?? 0): Promise<number> {
    const { sqs, queueUrl, process } = this.options;
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
    const idleGapMs = this.options.idleGapMs ?? 0;
    let lastArrival = Date.now();
    while (Messages.length < batchSize && Date.now() < deadline) {
      const more = await receive(batchSize - Messages.length, 0);
      if (more.length > 0) {
        Messages.push(...more);
        lastArrival = Date.now();
        continue;
      }
      if (Date.now() - lastArrival >= idleGapMs) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(IDLE_POLL_MS, idleGapMs)));
    }
    const records = Messages.map((message) => ({
      id: message.MessageId ?? '',
      body: message.Body ?? '',
      receiptHandle: message.ReceiptHandle,
    }));
    let failedIds: ReadonlySet<string>;
    try {
      failedIds = (await process(records)).failedIds;
    } catch {
      failedIds = new Set(records.map((record) => record.id));
    }
    // SQS batch calls take at most 10 entries; entries they report failed are tried again, then reported.
    const report = (call: 'DeleteMessageBatch' | 'ChangeMessageVisibilityBatch', failures: Array<{ Code?: string }>) => {
      if (failures.length > 0)
        this.options.onEntriesFailed?.({ call, failed: failures.length, codes: [...new Set(failures.map((f) => f.Code ?? 'unknown'))] });
    };
    const done = records.filter((record) => !failedIds.has(record.id));
    for (let i = 0; i < done.length; i += 10) {
      const entries = done.slice(i, i + 10).map((record, j) => ({ Id: String(j), ReceiptHandle: record.receiptHandle }));
      report(
        'DeleteMessageBatch',
        await sendBatch((pending) => sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending })), entries),
      );
    }
    const failed = records.filter((record) => failedIds.has(record.id));
    if (failed.length > 0) this.options.onRecordsFailedBack?.({ records: failed.length, batch: records.length });
    const visibility = this.options.failedVisibilitySeconds;
    for (let i = 0; visibility !== undefined && i < failed.length; i += 10) {
      const entries = failed
        .slice(i, i + 10)
        .map((record, j) => ({ Id: String(j), ReceiptHandle: record.receiptHandle, VisibilityTimeout: visibility }));
      report(
        'ChangeMessageVisibilityBatch',
        await sendBatch(
          (pending) =>
            sqs.send(
              new ChangeMessageVisibilityBatchCommand({
                QueueUrl: queueUrl,
                Entries: pending.map((e) => ({ ...e, VisibilityTimeout: visibility })),
              }),
            ),
          entries,
        ),
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
