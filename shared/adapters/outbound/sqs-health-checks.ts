import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HealthCheckMessage, HealthCheckQueue } from '../../app/health-ports.js';

/** SendMessageBatch takes at most 10 entries. */
const ENTRIES_PER_CALL = 10;

/**
 * The health-check queue: the finder's groups of campaigns, ten messages per SendMessageBatch.
 * Entries SQS reports failed are sent once more; what still fails throws (the finder's run fails,
 * its errors alarm sees it, and the next run finds the same campaigns again).
 */
export class SqsHealthCheckQueue implements HealthCheckQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly HealthCheckMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += ENTRIES_PER_CALL) {
      let entries = messages.slice(i, i + ENTRIES_PER_CALL).map((message, j) => ({ Id: String(j), MessageBody: JSON.stringify(message) }));
      for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
        const { Failed = [] } = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set(Failed.map((entry) => entry.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
      if (entries.length > 0) throw new Error(`${entries.length} health-check message(s) not sent`);
    }
  }
}
