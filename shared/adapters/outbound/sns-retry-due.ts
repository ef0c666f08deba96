import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { RetryDuePublisher } from '../../app/retry-ports.js';
import type { RetryDueEvent } from '../../domain/index.js';

/** "Retry due" events on an SNS topic, with the category as an attribute for subscription filters. */
export class SnsRetryDuePublisher implements RetryDuePublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(event: RetryDueEvent): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(event),
        MessageAttributes: {
          type: { DataType: 'String', StringValue: event.type },
          category: { DataType: 'String', StringValue: event.category },
        },
      }),
    );
  }
}
