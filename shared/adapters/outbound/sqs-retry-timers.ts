import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RetryTimerQueue } from '../../app/retry-ports.js';
import { MAX_TIMER_DELAY_SECONDS, type RetryTimer } from '../../domain/index.js';

/**
 * The retry queue as a timer: each message is delayed until its attempt is
 * due. With a time scale N (the local runtime's fast clock), delays are in
 * that clock's seconds and SQS delays are divided by N: one real delay of
 * 900 s carries 900 × N seconds of the fast clock.
 */
export class SqsRetryTimerQueue implements RetryTimerQueue {
  readonly maxDelaySeconds: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly timeScale = 1,
  ) {
    this.maxDelaySeconds = MAX_TIMER_DELAY_SECONDS * timeScale;
  }

  async enqueue(timer: RetryTimer, delaySeconds: number): Promise<void> {
    const real = Math.min(MAX_TIMER_DELAY_SECONDS, Math.ceil(delaySeconds / this.timeScale));
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(timer), DelaySeconds: real }));
  }
}
