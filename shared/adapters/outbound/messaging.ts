import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The messaging topology: SES → SNS topic → notifications queue (+ DLQ).
 * The CDK app builds the same shape (infra/constructs/ingestion.ts); the
 * local runtime and the tests create it with `ensureMessaging`.
 */
export const MESSAGING = {
  /** Receives before a record moves to the DLQ. */
  maxReceiveCount: 5,
  /** Seconds; 6× the classify function's timeout (30 s), as AWS advises for Lambda sources. */
  visibilityTimeoutSeconds: 180,
  /** 14 days, the SQS maximum: time for a person to look at the DLQ. */
  dlqRetentionSeconds: 14 * 24 * 3600,
  /** 14 days for the notifications queue too: SQS's 4-day default is shorter than a long weekend plus an outage. */
  queueRetentionSeconds: 14 * 24 * 3600,
  /** The SNS envelope is kept (not raw delivery): its MessageId and TopicArn help tracing; the handler accepts both. */
  rawMessageDelivery: false,
} as const;

export interface MessagingNames {
  readonly topic: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
}

export interface Messaging {
  readonly topicArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${queueUrl} has no ARN`);
  return arn;
}

/** The notifications queue's policy: the topic may send to it, nothing else. */
export function queuePolicy(queueArn: string, topicArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TopicSendsNotifications',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  };
}

/** Create (or find) the topic, queue, DLQ, queue policy and subscription; every call is idempotent. */
export async function ensureMessaging(sns: SNSClient, sqs: SQSClient, names: MessagingNames): Promise<Messaging> {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.deadLetterQueue,
      Attributes: { MessageRetentionPeriod: String(MESSAGING.dlqRetentionSeconds) },
    }),
  );
  const deadLetterQueueUrl = dlq.QueueUrl as string;
  const deadLetterQueueArn = await queueArnOf(sqs, deadLetterQueueUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: names.queue,
      Attributes: {
        VisibilityTimeout: String(MESSAGING.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn, maxReceiveCount: MESSAGING.maxReceiveCount }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl as string;
  const queueArn = await queueArnOf(sqs, queueUrl);
  const topic = await sns.send(new CreateTopicCommand({ Name: names.topic }));
  const topicArn = topic.TopicArn as string;
  // Without a queue policy SNS cannot deliver to the queue on AWS: only this topic may send.
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        MessageRetentionPeriod: String(MESSAGING.queueRetentionSeconds),
        Policy: JSON.stringify(queuePolicy(queueArn, topicArn)),
      },
    }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: String(MESSAGING.rawMessageDelivery) },
    }),
  );
  return { topicArn, queueUrl, queueArn, deadLetterQueueUrl, deadLetterQueueArn };
}
