import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RetryTimerQueue } from '../../app/retry-ports.js';
import { MAX_HOP_SECONDS, type RetryTimer } from '../../domain/index.js';

/**
 * The retry queue as a timer: each message is delayed by its hop. With a
 * time scale N (the local runtime's fast clock), SQS delays are divided by
 * N, so N hops of virtual time take one real hop.
 */
export class SqsRetryTimerQueue implements RetryTimerQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly timeScale = 1,
  ) {}

  async enqueue(timer: RetryTimer, delaySeconds: number): Promise<void> {
    const real = Math.min(MAX_HOP_SECONDS, Math.ceil(delaySeconds / this.timeScale));
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(timer), DelaySeconds: real }));
  }
}
