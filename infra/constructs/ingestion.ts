import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { MESSAGING } from '../../shared/adapters/outbound/messaging.js';
import { PipelineFunction } from './pipeline-function.js';
import { QueueWithDlq } from './queue-with-dlq.js';
import { DEFAULT_TAG_NAMES, type TagNames } from '../../shared/domain/index.js';
import { CLASSIFY_EVENT_SOURCE, FUNCTION_MEMORY_MB } from '../../shared/domain/aws-prices.js';

/** The classify function's memory: Lambda gives one full vCPU from 1,769 MB. */
export const CLASSIFY_MEMORY_MB = FUNCTION_MEMORY_MB.classify;

export interface IngestionProps {
  readonly addressTable: ITable;
  readonly campaignTable: ITable;
  readonly alarmTopic: ITopic;
  /**
   * Records per invocation. 100 lets one counter write per campaign-hour
   * serve up to 100 events (under 0.05 writes per send); the batching
   * window bounds the wait for a full batch.
   * @default 100
   */
  readonly batchSize?: number;
  /** @default Duration.seconds(5) */
  readonly maxBatchingWindow?: Duration;
  /**
   * Concurrent invocations at most, to cap the write rate on the tables.
   * @default 20
   */
  readonly maxConcurrency?: number;
  /** Names of the SES message tags that carry campaign, batch and source. @default DEFAULT_TAG_NAMES (`campaign`, `batch`, `source`) */
  readonly tagNames?: TagNames;
}

/**
 * Oldest notification age that alarms. Retry takeovers wait 90 minutes for an attempt's SES events
 * (SEND_EVIDENCE_WAIT_SECONDS): a backlog is reported long before it could let one send twice.
 */
export const NOTIFICATION_BACKLOG_ALARM_SECONDS = 10 * 60;

/** SES → SNS topic → SQS queue (+ DLQ) → classify function. */
export class Ingestion extends Construct {
  readonly topic: Topic;
  readonly queues: QueueWithDlq;
  readonly classify: PipelineFunction<'classify'>;
  readonly backlogAlarm: Alarm;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);

    const key = new Key(this, 'TopicKey', { enableKeyRotation: true, description: 'Encrypts the SES notification topic' });
    const sesOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:ses:${region}:${account}:*` },
    };
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: sesOfThisAccount,
      }),
    );
    this.topic = new Topic(this, 'SesNotifications', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'SES bounce, complaint and delivery events',
    });
    // Only SES of this account (any identity or configuration set in this region) may publish.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: sesOfThisAccount,
      }),
    );

    const timeout = Duration.seconds(30);
    this.queues = new QueueWithDlq(this, 'Notifications', {
      visibilityTimeout: Duration.seconds(MESSAGING.visibilityTimeoutSeconds),
      maxReceiveCount: MESSAGING.maxReceiveCount,
      alarmTopic: props.alarmTopic,
      dlqRetention: Duration.seconds(MESSAGING.dlqRetentionSeconds),
    });
    this.topic.addSubscription(new SqsSubscription(this.queues.queue, { rawMessageDelivery: MESSAGING.rawMessageDelivery }));

    const tags = props.tagNames ?? DEFAULT_TAG_NAMES;
    this.classify = new PipelineFunction(this, 'Classify', {
      name: 'classify',
      description: 'Classifies SES notifications and records suppressions, windows and campaign counters',
      timeout,
      // A maximal batch (100 × 50 recipients) is ~10 CPU-seconds of SDK work (`npm run bench`): with one
      // full vCPU it ends well inside the timeout; at 512 MB (about 0.3 vCPU) it would not.
      memorySize: CLASSIFY_MEMORY_MB,
      environment: {
        ADDRESS_TABLE_NAME: props.addressTable.tableName,
        CAMPAIGN_TABLE_NAME: props.campaignTable.tableName,
        DEAD_LETTER_QUEUE_URL: this.queues.deadLetterQueue.queueUrl,
        CAMPAIGN_TAG: tags.campaign,
        BATCH_TAG: tags.batch,
        SOURCE_TAG: tags.source,
      },
    });
    const fn = this.classify.function;
    // Exactly the calls the adapters make, on the tables only (the classify path uses no index).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        resources: [props.addressTable.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.campaignTable.tableArn],
      }),
    );
    this.queues.deadLetterQueue.grantSendMessages(fn);
    fn.addEventSource(
      new SqsEventSource(this.queues.queue, {
        batchSize: props.batchSize ?? CLASSIFY_EVENT_SOURCE.batchSize,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(CLASSIFY_EVENT_SOURCE.maxBatchingWindowSeconds),
        maxConcurrency: props.maxConcurrency ?? CLASSIFY_EVENT_SOURCE.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.backlogAlarm = new Alarm(this, 'NotificationBacklog', {
      alarmDescription:
        `The oldest SES notification waiting is over ${NOTIFICATION_BACKLOG_ALARM_SECONDS / 60} minutes old: the ` +
        `classify function is failing, throttled or behind. Retry claims whose outcome is unknown wait for these ` +
        `events (90 minutes) before sending again: clear the backlog before then.`,
      metric: this.queues.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: NOTIFICATION_BACKLOG_ALARM_SECONDS,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.backlogAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
    if (MESSAGING.visibilityTimeoutSeconds < 6 * timeout.toSeconds()) {
      throw new Error('the queue visibility timeout must be at least 6× the function timeout');
    }
  }
}
