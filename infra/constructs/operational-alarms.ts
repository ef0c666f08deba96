import { Aspects, Duration, Stack, type IAspect } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, ComparisonOperator, GraphWidget, Metric, TreatMissingData, type Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';

export interface OperationalAlarmsProps {
  /** Where every alarm notifies. */
  readonly topic: ITopic;
  /** Gets a "DLQ depths" widget with every dead-letter queue found. */
  readonly dashboard?: Dashboard;
  /**
   * Oldest message age (on a queue that is not a DLQ) above which messages are not being consumed.
   * @default Duration.minutes(30)
   */
  readonly queueAgeLimit?: Duration;
  /**
   * Oldest message age on a DLQ above which its records are getting close to expiry (retention 14 days).
   * @default Duration.days(7)
   */
  readonly deadLetterAgeLimit?: Duration;
}

interface QueueFound {
  readonly queue: CfnQueue;
  readonly id: string;
  readonly isDeadLetterQueue: boolean;
}

/**
 * Alarms for every queue and every function of the stack, whoever adds them
 * and in whatever order: the walk runs when the stack is synthesised (as an
 * aspect on the stack), so constructs added after this one are covered too.
 * Per queue: oldest message age; per dead-letter queue: "not empty" (unless
 * one exists already); per function: errors and throttles. All notify `topic`.
 */
export class OperationalAlarms extends Construct {
  private walked = false;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationalAlarmsProps,
  ) {
    super(scope, id);
    const stack = Stack.of(this);
    const aspect: IAspect = {
      visit: (node: IConstruct) => {
        if (node === stack && !this.walked) {
          this.walked = true;
          this.walk(stack);
        }
      },
    };
    Aspects.of(stack).add(aspect);
  }

  private walk(stack: Stack): void {
    const all = stack.node.findAll();
    const queues = all.filter((node): node is CfnQueue => node instanceof CfnQueue);
    const functions = all.filter((node): node is CfnFunction => node instanceof CfnFunction);
    const existingAlarms = all.filter((node): node is CfnAlarm => node instanceof CfnAlarm).map((alarm) => this.signatureOf(alarm));
    const deadLetterArns = new Set(
      queues.flatMap((queue) => {
        const policy = stack.resolve(queue.redrivePolicy) as { deadLetterTargetArn?: unknown } | undefined;
        return policy?.deadLetterTargetArn === undefined ? [] : [JSON.stringify(policy.deadLetterTargetArn)];
      }),
    );
    const found: QueueFound[] = queues.map((queue) => ({
      queue,
      id: this.idOf(queue),
      isDeadLetterQueue: deadLetterArns.has(JSON.stringify(stack.resolve(queue.attrArn))),
    }));

    const dlqDepths: Metric[] = [];
    for (const { queue, id, isDeadLetterQueue } of found) {
      const dimensions = { QueueName: queue.attrQueueName };
      const age = this.props.queueAgeLimit ?? Duration.minutes(30);
      const dlqAge = this.props.deadLetterAgeLimit ?? Duration.days(7);
      const limit = isDeadLetterQueue ? dlqAge : age;
      // A queue whose construct alarms on its own age already (the notification backlog, tighter) keeps that one.
      const ageSignature = JSON.stringify(['AWS/SQS', 'ApproximateAgeOfOldestMessage', stack.resolve(queue.attrQueueName)]);
      if (!existingAlarms.includes(ageSignature))
        this.alarm(`${id}OldestMessage`, {
          metric: new Metric({
            namespace: 'AWS/SQS',
            metricName: 'ApproximateAgeOfOldestMessage',
            dimensionsMap: dimensions,
            statistic: 'Maximum',
            period: Duration.minutes(5),
          }),
          threshold: limit.toSeconds(),
          evaluationPeriods: isDeadLetterQueue ? 1 : 3,
          description: isDeadLetterQueue
            ? `Records in the dead-letter queue ${id}` +
              ` are over ${limit.toHumanString()} old and will expire: replay or drop them (bounce dlq).`
            : `The oldest message in ${id} is over ${limit.toHumanString()} old: its ` +
              `consumer is failing, throttled or stopped. Check the function's ` +
              `errors and logs.`,
        });
      if (!isDeadLetterQueue) continue;
      const depth = new Metric({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensionsMap: dimensions,
        statistic: 'Maximum',
        period: Duration.minutes(1),
      });
      dlqDepths.push(depth.with({ label: id }));
      const signature = JSON.stringify(['AWS/SQS', 'ApproximateNumberOfMessagesVisible', stack.resolve(queue.attrQueueName)]);
      if (existingAlarms.includes(signature)) continue;
      this.alarm(`${id}NotEmpty`, {
        metric: depth,
        threshold: 0,
        evaluationPeriods: 1,
        description:
          `Messages in the dead-letter queue ${id}: records that could not be ` +
          `processed. Read their "reason" attribute, fix, then replay (bounce dlq).`,
      });
    }

    for (const fn of functions) {
      const id = this.idOf(fn);
      for (const metricName of ['Errors', 'Throttles'] as const) {
        this.alarm(`${id}${metricName}`, {
          metric: new Metric({
            namespace: 'AWS/Lambda',
            metricName,
            dimensionsMap: { FunctionName: fn.ref },
            statistic: 'Sum',
            period: Duration.minutes(5),
          }),
          threshold: 0,
          evaluationPeriods: 1,
          description:
            metricName === 'Errors'
              ? `The function ${id} failed (an error, a timeout or a crash): read its log group for the error.`
              : `The function ${id} was throttled: raise its concurrency or the account's limit, or slow its event source.`,
        });
      }
    }

    if (this.props.dashboard && dlqDepths.length > 0) {
      this.props.dashboard.addWidgets(new GraphWidget({ title: 'Dead-letter queue depths', left: dlqDepths, width: 24 }));
    }
  }

  private alarm(id: string, spec: { metric: Metric; threshold: number; evaluationPeriods: number; description: string }): void {
    const alarm = new Alarm(this, id, {
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: spec.description,
    });
    alarm.addAlarmAction(new SnsAction(this.props.topic));
  }

  /** A readable, stable id from the construct path (Ingestion/Notifications/Queue → IngestionNotificationsQueue). */
  private idOf(resource: IConstruct): string {
    const stackPath = Stack.of(resource).node.path;
    return resource.node.path
      .slice(stackPath.length + 1)
      .split('/')
      .filter((part) => part !== 'Resource' && part !== 'Default')
      .join('')
      .replace(/[^A-Za-z0-9]/g, '');
  }

  /** What an existing alarm watches: namespace, metric and the queue it names. */
  private signatureOf(alarm: CfnAlarm): string {
    const stack = Stack.of(alarm);
    const dimensions = (stack.resolve(alarm.dimensions) ?? []) as Array<{ name?: string; value?: unknown; Name?: string; Value?: unknown }>;
    const queue = dimensions.find((d) => (d.name ?? d.Name) === 'QueueName');
    return JSON.stringify([alarm.namespace, alarm.metricName, queue ? (queue.value ?? queue.Value) : null]);
  }
}
