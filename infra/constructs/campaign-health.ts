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
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CAMPAIGN_DIMENSION, HEALTH_METRICS, HEALTH_SERVICE, METRICS_NAMESPACE } from '../../shared/adapters/outbound/health-metrics.js';
import { CLASSIFY_SERVICE, RETRY_SERVICE } from '../../shared/adapters/outbound/powertools.js';
import { decisionMetricName } from '../../shared/app/classify-batch.js';
import { retryMetricName } from '../../shared/app/retry-batch.js';
import { BOUNCE_CATEGORIES, OUTCOME_CATEGORIES } from '../../shared/domain/types.js';
import { PipelineFunction } from './pipeline-function.js';

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
function healthMetric(metricName: string, period: Duration, extra: Record<string, string> = {}): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: HEALTH_SERVICE, ...extra },
    statistic: 'Maximum',
    period,
  });
}

/**
 * Campaign health on a schedule: the health function (alerts to the topic,
 * EMF metrics), its two account-level alarms, and the pipeline's dashboard.
 */
export class CampaignHealth extends Construct {
  readonly function: PipelineFunction;
  readonly dashboard: Dashboard;
  readonly schedule: Rule;
  readonly hardBounceAlarm: Alarm;
  readonly complaintAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CampaignHealthProps) {
    super(scope, id);
    const { region, account, partition } = Stack.of(this);
    const every = props.every ?? Duration.minutes(5);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const dashboardUrl =
      `https://${region}` +
      `.console.aws.amazon.com/cloudwatch/home?region=${region}` +
      `#dashboards/dashboard/${this.dashboard.dashboardName}`;
    const sets = props.pauseConfigurationSets ?? {};

    this.function = new PipelineFunction(this, 'Job', {
      name: 'health',
      description: 'Campaign health: figures, findings, alerts, metrics (and auto-pause when enabled)',
      timeout: Duration.minutes(2),
      environment: {
        ADDRESS_TABLE_NAME: props.addressTable.tableName,
        CAMPAIGN_TABLE_NAME: props.campaignTable.tableName,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        DASHBOARD_URL: dashboardUrl,
        AUTO_PAUSE: String(props.autoPause ?? false),
        PAUSE_CONFIGURATION_SETS: JSON.stringify(sets),
      },
    });
    const fn = this.function.function;
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
      description: 'Runs the campaign health job',
      schedule: Schedule.rate(every),
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });

    const names = HEALTH_METRICS.account;
    const hardBounceLine = props.hardBounceDangerPercent ?? 2;
    const complaintLine = props.complaintDangerPercent ?? 0.1;
    this.hardBounceAlarm = new Alarm(this, 'HardBounceDanger', {
      alarmDescription:
        `A campaign's hard-bounce rate is above ${hardBounceLine} % with 95 % ` +
        `confidence: the alert email names it and what to do. Stop sending ` +
        `that list.`,
      metric: healthMetric(names.worstHardBounceRateLowerBound, every),
      threshold: hardBounceLine,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.complaintAlarm = new Alarm(this, 'ComplaintRate', {
      alarmDescription:
        `A campaign's complaint rate is above ${complaintLine} %, the line at ` +
        `which SES reviews the account: the alert email names it and what to do.`,
      metric: healthMetric(names.worstComplaintRate, every),
      threshold: complaintLine,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.hardBounceAlarm, this.complaintAlarm]) {
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
