import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher, HealthAlert } from '../../app/health-ports.js';

/** Alerts to an SNS topic: the subject and the text for people (email), attributes for filter policies. */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: HealthAlert): Promise<void> {
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alert.subject,
        Message: alert.text,
        MessageAttributes: {
          campaign: { DataType: 'String', StringValue: alert.campaign },
          pattern: { DataType: 'String', StringValue: alert.pattern },
          verdict: { DataType: 'String', StringValue: alert.verdict },
        },
      }),
    );
  }
}

/** Alerts as JSON Lines (the local runtime's DIR/alerts.jsonl), through any line writer. */
export class JsonLinesAlertPublisher implements AlertPublisher {
  constructor(private readonly appendLine: (line: string) => Promise<void>) {}

  async publish(alert: HealthAlert): Promise<void> {
    await this.appendLine(`${JSON.stringify(alert)}\n`);
  }
}
