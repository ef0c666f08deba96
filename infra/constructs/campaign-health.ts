import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CAMPAIGN_DIMENSION, HEALTH_METRICS, HEALTH_SERVICE, METRICS_NAMESPACE } from '../../shared/adapters/outbound/health-metrics.js';
import { HEALTH_FAN_OUT } from '../../shared/app/health-job.js';
import { CLASSIFY_SERVICE, RETRY_SERVICE } from '../../shared/adapters/outbound/powertools.js';
import { decisionMetricName } from '../../shared/app/classify-batch.js';
import { retryMetricName } from '../../shared/app/retry-batch.js';
import { BOUNCE_CATEGORIES, OUTCOME_CATEGORIES } from '../../shared/domain/types.js';
import { HEALTH_WINDOW_HOURS } from '../../shared/config/health-env.js';
import { PipelineFunction } from './pipeline-function.js';
import { QueueWithDlq } from './queue-with-dlq.js';

export interface CampaignHealthProps {
  readonly addressTable: ITable;
  readonly campaignTable: ITable;
  /** Where alerts and alarms go. */
  readonly alertTopic: ITopic;
  /**
   * How often the health job runs.
   * @default Duration.minutes(5)
   */
  readonly every?: Duration;
  /**
   * Pause a campaign whose hard-bounce rate crosses the danger line (a person resumes it).
   * @default false
   */
  readonly autoPause?: boolean;
  /**
   * Campaign → SES configuration set: auto-pause also switches the set's sending off, so mail sent outside this pipeline stops too.
   * @default none
   */
  readonly pauseConfigurationSets?: Readonly<Record<string, string>>;
  /**
   * Danger line of the account-level hard-bounce alarm: the worst campaign's Wilson lower bound, in percent.
   * @default 2
   */
  readonly hardBounceDangerPercent?: number;
  /**
   * Line of the account-level complaint alarm, in percent (SES reviews accounts above 0.1 %).
   * @default 0.1
   */
  readonly complaintDangerPercent?: number;
}

/** A health metric as the health function emits it: namespace BouncePipeline, dimension `service` (Powertools adds it). */
function healthMetric(metricName: string, period: Duration, statistic = 'Maximum'): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: HEALTH_SERVICE }, statistic, period });
}

/** A health-check batch's time limit: 4 messages of 25 campaigns, a few requests each. */
const CHECK_TIMEOUT = Duration.minutes(1);

/**
 * Campaign health on a schedule: the finder (scheduled: finds the campaigns to check and fans them
 * out, with a heartbeat), the health-check queue and its checker function (alerts to the topic, EMF
 * metrics, auto-pause), the heartbeat and account-level alarms, and the pipeline's dashboard.
 */
export class CampaignHealth extends Construct {
  /** The scheduled finder. */
  readonly function: PipelineFunction<'health'>;
  /** The health-check queue's consumer. */
  readonly checker: PipelineFunction<'health-check'>;
  readonly checks: QueueWithDlq;
  readonly dashboard: Dashboard;
  readonly schedule: Rule;
  readonly heartbeatAlarm: Alarm;
  readonly hardBounceAlarm: Alarm;
  readonly complaintAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CampaignHealthProps) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);
    const every = props.every ?? Duration.minutes(HEALTH_FAN_OUT.scheduleMinutes);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const dashboardUrl =
      `https://${region}` +
      `.console.aws.amazon.com/cloudwatch/home?region=${region}` +
      `#dashboards/dashboard/${this.dashboard.dashboardName}`;
    const sets = props.pauseConfigurationSets ?? {};

    this.checks = new QueueWithDlq(this, 'Checks', {
      visibilityTimeout: Duration.seconds(CHECK_TIMEOUT.toSeconds() * 6),
      // A group whose check keeps failing leaves the queue (and its DLQ alarm fires); the next run finds it again.
      maxReceiveCount: 3,
      alarmTopic: props.alertTopic,
      // A message older than a few runs is superseded by the newer runs' messages.
      retention: Duration.hours(1),
    });
    this.function = new PipelineFunction(this, 'Job', {
      name: 'health',
      description: 'Campaign health finder: the campaigns to check, fanned out to the health-check queue; a heartbeat every run',
      timeout: Duration.minutes(2),
      environment: {
        CAMPAIGN_TABLE_NAME: props.campaignTable.tableName,
        HEALTH_CHECK_QUEUE_URL: this.checks.queue.queueUrl,
        RECENT_HOURS: String(HEALTH_WINDOW_HOURS.recent),
      },
    });
    // Reads the activity markers, the campaign marks and the event outbox; removes outbox items it published.
    this.function.function.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query', 'dynamodb:DeleteItem'], resources: [props.campaignTable.tableArn] }),
    );
    // SendMessageBatch is authorised as sqs:SendMessage.
    this.function.function.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.checks.queue.queueArn] }));

    this.checker = new PipelineFunction(this, 'Check', {
      name: 'health-check',
      description: 'Campaign health checks: figures, findings, alerts, metrics (and auto-pause when enabled)',
      timeout: CHECK_TIMEOUT,
      environment: {
        ADDRESS_TABLE_NAME: props.addressTable.tableName,
        CAMPAIGN_TABLE_NAME: props.campaignTable.tableName,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        DASHBOARD_URL: dashboardUrl,
        AUTO_PAUSE: String(props.autoPause ?? false),
        PAUSE_CONFIGURATION_SETS: JSON.stringify(sets),
        RECENT_HOURS: String(HEALTH_WINDOW_HOURS.recent),
        LIFETIME_HOURS: String(HEALTH_WINDOW_HOURS.lifetime),
        // The defaults, in the open: a person tunes them here (partial JSON, e.g. {"reputationProviders": 3}).
        HEALTH_THRESHOLDS: '{}',
      },
    });
    const fn = this.checker.function;
    fn.addEventSource(
      new SqsEventSource(this.checks.queue, {
        batchSize: HEALTH_FAN_OUT.messagesPerBatch,
        // Bounded: 100,000 campaigns are 4,000 messages, checked by at most this many invocations at once.
        maxConcurrency: HEALTH_FAN_OUT.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    // Reads counters, markers and delays; writes the alert ledger, its campaign marks (an atomic
    // version increment: UpdateItem), pauses and the decision-event outbox. No scans.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
          'dynamodb:UpdateItem',
        ],
        resources: [props.campaignTable.tableArn],
      }),
    );
    // Publish to the alert topic only; its key for exactly the two calls SNS makes on a publisher's behalf.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [props.alertTopic.topicArn] }));
    if (props.alertTopic.masterKey) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.alertTopic.masterKey.keyArn] }),
      );
    }
    const setNames = Object.values(sets);
    if (props.autoPause && setNames.length > 0) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:UpdateConfigurationSetSendingEnabled'],
          resources: setNames.map((name) => `arn:${partition}:ses:${region}:${account}:configuration-set/${name}`),
        }),
      );
    }
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the campaign health finder',
      schedule: Schedule.rate(every),
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });

    // Missing data is breaching on every alarm here: a finder that stops, or checks that stop
    // reporting, raise the alarm instead of reading as OK. OK notifies only from real data.
    this.heartbeatAlarm = new Alarm(this, 'Heartbeat', {
      alarmDescription:
        `The campaign health finder has not run for ${every.toMinutes() * 2} minutes: ` +
        `campaigns are not being checked and the other health alarms are blind. Check the health function's errors and logs.`,
      metric: healthMetric(HEALTH_METRICS.heartbeat, every, 'Sum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.BREACHING,
    });
    const names = HEALTH_METRICS.account;
    const hardBounceLine = props.hardBounceDangerPercent ?? 2;
    const complaintLine = props.complaintDangerPercent ?? 0.1;
    // Each checker batch writes its batch's worst as one data point; Maximum over two schedule
    // periods is the account's worst, and some run always lands in it (no data: the checks are blind).
    const accountPeriod = Duration.minutes(every.toMinutes() * 2);
    const blind = ' (No data means the health checks stopped reporting: see the heartbeat alarm and the health-check DLQ.)';
    this.hardBounceAlarm = new Alarm(this, 'HardBounceDanger', {
      alarmDescription:
        `A campaign's hard-bounce rate is above ${hardBounceLine} % with 95 % ` +
        `confidence: the alert email names it and what to do. Stop sending ` +
        `that list.${blind}`,
      metric: healthMetric(names.worstHardBounceRateLowerBound, accountPeriod),
      threshold: hardBounceLine,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    this.complaintAlarm = new Alarm(this, 'ComplaintRate', {
      alarmDescription:
        `A campaign's complaint rate is above ${complaintLine} %, the line at ` +
        `which SES reviews the account: the alert email names it and what to do.${blind}`,
      metric: healthMetric(names.worstComplaintRate, accountPeriod),
      threshold: complaintLine,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    for (const alarm of [this.heartbeatAlarm, this.hardBounceAlarm, this.complaintAlarm]) {
      alarm.addAlarmAction(new SnsAction(props.alertTopic));
      alarm.addOkAction(new SnsAction(props.alertTopic));
    }

    const perCampaign = (metricName: string, label: string): IMetric =>
      new MathExpression({
        expression:
          `SEARCH('{${METRICS_NAMESPACE},${CAMPAIGN_DIMENSION}` +
          `,service} MetricName="${metricName}" service="${HEALTH_SERVICE}` +
          `"', 'Maximum', ${every.toSeconds()})`,
        label,
        period: every,
      });
    // One function's counter: exactly the namespace, dimension set and service value it emits.
    const pipeline = (metricName: string, service: string): IMetric =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service} MetricName="${metricName}" service="${service}"', 'Sum', 300)`,
        label: metricName,
        period: Duration.minutes(5),
      });
    // Every category's exact name: an unquoted term would be a partial (token) match, e.g. any metric named *Decision*.
    const decisionNames = [...BOUNCE_CATEGORIES, ...OUTCOME_CATEGORIES]
      .map((category) => `MetricName="${decisionMetricName(category)}"`)
      .join(' OR ');
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Worst campaign rates (%)',
        left: [healthMetric(names.worstHardBounceRateLowerBound, every), healthMetric(names.worstComplaintRate, every)],
        leftAnnotations: [
          { value: hardBounceLine, label: 'hard-bounce danger' },
          { value: complaintLine, label: 'complaint line' },
        ],
        width: 12,
      }),
      // Per-campaign metrics exist only for campaigns in warning or danger (their cost).
      new GraphWidget({
        title: 'Hard-bounce rate per campaign (%)',
        left: [perCampaign(HEALTH_METRICS.campaign.hardBounceRate, '')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Complaint rate per campaign (%)',
        left: [perCampaign(HEALTH_METRICS.campaign.complaintRate, '')],
        width: 12,
      }),
      new GraphWidget({
        title: 'Decisions by category',
        left: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},service} service="${CLASSIFY_SERVICE}" (${decisionNames})', 'Sum', 300)`,
            label: '',
            period: Duration.minutes(5),
          }),
        ],
        stacked: true,
        width: 12,
      }),
      new GraphWidget({ title: 'Retries sent', left: [pipeline(retryMetricName('sent'), RETRY_SERVICE)], width: 12 }),
    );
  }
}
