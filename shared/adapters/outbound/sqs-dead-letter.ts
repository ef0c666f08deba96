import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterSink } from '../../app/ports.js';

/** Longest reason carried as a message attribute. */
const MAX_REASON_LENGTH = 1024;

/**
 * Sends a record that can never succeed straight to the DLQ, with the reason
 * as a message attribute, so an operator reading the DLQ sees why.
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, reason: string, sourceId: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body === '' ? '(empty body)' : body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, MAX_REASON_LENGTH) },
          sourceMessageId: { DataType: 'String', StringValue: sourceId },
        },
      }),
    );
  }
}
