import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PipelineFunction } from './pipeline-function.js';
import { QueueWithDlq } from './queue-with-dlq.js';
import { RETRY_DUE_INDEX } from '../../shared/adapters/outbound/tables.js';
import { DEFAULT_TAG_NAMES, SWEEP_EVERY_SECONDS, type TagNames } from '../../shared/domain/index.js';

export interface SendingIdentity {
  /** The SES identity the pipeline sends from (a domain or an address), e.g. `mail.example.com`. */
  readonly identity: string;
  /** The SES configuration set whose event destination is the notification topic. */
  readonly configurationSetName: string;
}

export interface RetriesProps {
  readonly addressTable: ITable;
  readonly campaignTable: ITable;
  readonly alarmTopic: ITopic;
  /** The classify function: it schedules retries on the retry queue. */
  readonly classify: PipelineFunction<'classify'>;
  /** What the send and retry functions may send as: `ses:Send*` is scoped to exactly these ARNs. */
  readonly sending: SendingIdentity;
  /** Names of the SES message tags that carry campaign, batch and source. @default DEFAULT_TAG_NAMES (`campaign`, `batch`, `source`) */
  readonly tagNames?: TagNames;
  /**
   * Timers per retry invocation.
   * @default 10
   */
  readonly batchSize?: number;
}

/** Receives of one timer before it moves to the DLQ: a failing timer is retried, a poisoned one parked. */
export const RETRY_MAX_RECEIVE_COUNT = 5;
const FUNCTION_TIMEOUT = Duration.seconds(30);

/**
 * Retries: the retry queue as a timer (+ DLQ), the retry function that sends
 * again when a timer is due, the sweep function that enqueues the timers of
 * attempts due in the next 15 minutes (on a schedule), the send function (the
 * send path for callers), and the "retry due" topic for messages this
 * pipeline cannot send again.
 */
export class Retries extends Construct {
  readonly queues: QueueWithDlq;
  readonly retry: PipelineFunction<'retry'>;
  readonly sweep: PipelineFunction<'retry-sweep'>;
  readonly sweepSchedule: Rule;
  readonly send: PipelineFunction<'send'>;
  readonly retryDueTopic: Topic;
  readonly identityArn: string;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: RetriesProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);
    this.identityArn = `arn:${partition}:ses:${region}:${account}:identity/${props.sending.identity}`;
    this.configurationSetArn = `arn:${partition}:ses:${region}:${account}:configuration-set/${props.sending.configurationSetName}`;

    this.queues = new QueueWithDlq(this, 'RetryTimers', {
      visibilityTimeout: Duration.seconds(6 * FUNCTION_TIMEOUT.toSeconds()),
      maxReceiveCount: RETRY_MAX_RECEIVE_COUNT,
      alarmTopic: props.alarmTopic,
    });
    const key = new Key(this, 'RetryDueKey', { enableKeyRotation: true, description: 'Encrypts the retry-due topic' });
    this.retryDueTopic = new Topic(this, 'RetryDue', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'Retries due for messages sent outside the pipeline',
    });

    const tags = props.tagNames ?? DEFAULT_TAG_NAMES;
    const common = {
      ADDRESS_TABLE_NAME: props.addressTable.tableName,
      CAMPAIGN_TABLE_NAME: props.campaignTable.tableName,
      CONFIGURATION_SET_NAME: props.sending.configurationSetName,
      CAMPAIGN_TAG: tags.campaign,
      BATCH_TAG: tags.batch,
      SOURCE_TAG: tags.source,
    };
    const sesSend = new PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail', 'ses:SendTemplatedEmail'],
      resources: [this.identityArn, this.configurationSetArn],
    });
    // Exactly the calls the adapters make: retry state and outbound items, the pause flag.
    const addressItems = new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [props.addressTable.tableArn],
    });
    const pauseFlag = new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.campaignTable.tableArn] });

    this.retry = new PipelineFunction(this, 'Retry', {
      name: 'retry',
      description: 'Moves retry timers along and sends a message again when its attempt is due',
      timeout: FUNCTION_TIMEOUT,
      environment: {
        ...common,
        RETRY_QUEUE_URL: this.queues.queue.queueUrl,
        RETRY_DEAD_LETTER_QUEUE_URL: this.queues.deadLetterQueue.queueUrl,
        RETRY_DUE_TOPIC_ARN: this.retryDueTopic.topicArn,
      },
    });
    for (const statement of [sesSend, addressItems, pauseFlag]) this.retry.function.addToRolePolicy(statement);
    this.queues.queue.grantSendMessages(this.retry.function);
    this.queues.deadLetterQueue.grantSendMessages(this.retry.function);
    // Publishing to an encrypted topic needs the key too (named actions: no wildcard).
    this.retry.function.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [this.retryDueTopic.topicArn] }));
    this.retry.function.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
    this.retry.function.addEventSource(
      new SqsEventSource(this.queues.queue, { batchSize: props.batchSize ?? 10, reportBatchItemFailures: true }),
    );

    // The sweep: one Query of the due index per day partition, the cursor item, and timers on the queue.
    this.sweep = new PipelineFunction(this, 'RetrySweep', {
      name: 'retry-sweep',
      description: 'Enqueues the timer of every retry attempt due in the next 15 minutes, with its exact delay',
      timeout: Duration.minutes(2),
      environment: { ADDRESS_TABLE_NAME: props.addressTable.tableName, RETRY_QUEUE_URL: this.queues.queue.queueUrl },
    });
    this.sweep.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${props.addressTable.tableArn}/index/${RETRY_DUE_INDEX}`] }),
    );
    this.sweep.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [props.addressTable.tableArn] }),
    );
    this.queues.queue.grantSendMessages(this.sweep.function);
    this.sweepSchedule = new Rule(this, 'SweepSchedule', {
      description: 'Runs the retry sweep',
      schedule: Schedule.rate(Duration.seconds(SWEEP_EVERY_SECONDS)),
      // A failed run is made up by the next one (its horizon is three periods long).
      targets: [new LambdaFunction(this.sweep.function, { retryAttempts: 0 })],
    });

    this.send = new PipelineFunction(this, 'Send', {
      name: 'send',
      description: 'The send path: refuses suppressed, held and paused, sends through SES, keeps the message for retries',
      timeout: FUNCTION_TIMEOUT,
      environment: common,
    });
    for (const statement of [sesSend, addressItems, pauseFlag]) this.send.function.addToRolePolicy(statement);

    props.classify.setGranted('RETRY_QUEUE_URL', this.queues.queue.queueUrl);
    this.queues.queue.grantSendMessages(props.classify.function);
  }
}
