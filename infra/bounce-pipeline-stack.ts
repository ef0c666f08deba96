import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AddressStore } from './constructs/address-store.js';
import { Alerts } from './constructs/alerts.js';
import { CampaignHealth } from './constructs/campaign-health.js';
import { DecisionEvents } from './constructs/decision-events.js';
import { ErasureKey } from './constructs/erasure-key.js';
import { OperationalAlarms } from './constructs/operational-alarms.js';
import { Ingestion } from './constructs/ingestion.js';
import { LookupApi } from './constructs/lookup-api.js';
import { Retries, type SendingIdentity } from './constructs/retries.js';

export interface BouncePipelineStackProps extends StackProps {
  /**
   * Email address that receives alarms.
   * @default none (subscribe to the AlertTopic output yourself)
   */
  readonly alertEmail?: string;
  /**
   * The SES identity and configuration set the send and retry functions send as.
   * @default { identity: 'example.com', configurationSetName: 'bounce-pipeline' } (set yours before deploying)
   */
  readonly sending?: SendingIdentity;
  /**
   * Pause a campaign automatically when its hard-bounce rate crosses the danger line.
   * @default false
   */
  readonly autoPause?: boolean;
  /**
   * Campaign → SES configuration set switched off by an automatic pause.
   * @default none
   */
  readonly pauseConfigurationSets?: Readonly<Record<string, string>>;
  /**
   * Keep the status index of versions before the sharded one, for the first deploy of an upgrade
   * (`cdk deploy -c keepPreviousStatusIndex=true`, then `bounce migrate`, then deploy without it).
   * @default false
   */
  readonly keepPreviousStatusIndex?: boolean;
}

/** Composes the pipeline's constructs; holds no resources of its own. */
export class BouncePipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: BouncePipelineStackProps = {}) {
    super(scope, id, props);
    const alerts = new Alerts(this, 'Alerts', { email: props.alertEmail });
    const store = new AddressStore(this, 'Store', { keepPreviousStatusIndex: props.keepPreviousStatusIndex ?? false });
    const ingestion = new Ingestion(this, 'Ingestion', {
      addressTable: store.addressTable,
      campaignTable: store.campaignTable,
      alarmTopic: alerts.topic,
    });
    const retries = new Retries(this, 'Retries', {
      addressTable: store.addressTable,
      campaignTable: store.campaignTable,
      alarmTopic: alerts.topic,
      classify: ingestion.classify,
      sending: props.sending ?? { identity: 'example.com', configurationSetName: 'bounce-pipeline' },
    });
    const health = new CampaignHealth(this, 'Health', {
      addressTable: store.addressTable,
      campaignTable: store.campaignTable,
      alertTopic: alerts.topic,
      ...(props.autoPause !== undefined ? { autoPause: props.autoPause } : {}),
      ...(props.pauseConfigurationSets ? { pauseConfigurationSets: props.pauseConfigurationSets } : {}),
    });
    // Every queue and function of the stack, including those added below or later.
    new OperationalAlarms(this, 'Operations', { topic: alerts.topic, dashboard: health.dashboard });
    const api = new LookupApi(this, 'LookupApi', { addressTable: store.addressTable, campaignTable: store.campaignTable });
    // Every function that reads or writes addresses sees erased ones' tombstones.
    const erasure = new ErasureKey(this, 'Erasure');
    for (const fn of [ingestion.classify, retries.send, retries.retry, api.handler]) erasure.grantRead(fn);
    erasure.allowErase(api.handler.function, [store.addressTable, store.campaignTable]);
    const decisions = new DecisionEvents(this, 'Decisions');
    decisions.allowPublish(health.function);
    decisions.allowPublish(health.checker);
    decisions.allowPublish(api.handler);
    decisions.allowPublish(ingestion.classify);
    new CfnOutput(this, 'ApiUrl', { value: api.api.url, description: 'Base URL of the suppression API (SigV4, IAM)' });
    new CfnOutput(this, 'NotificationTopicArn', {
      value: ingestion.topic.topicArn,
      description: 'Set as the SNS event destination of your SES configuration set',
    });
    new CfnOutput(this, 'NotificationsDlqUrl', {
      value: ingestion.queues.deadLetterQueue.queueUrl,
      description: 'Records the pipeline could not process: bounce dlq --queue-url <this>',
    });
    new CfnOutput(this, 'RetryDueTopicArn', {
      value: retries.retryDueTopic.topicArn,
      description: 'Retries due for messages sent outside the send function: subscribe your own sender',
    });
    new CfnOutput(this, 'SendFunctionName', { value: retries.send.function.functionName });
    new CfnOutput(this, 'AlertTopicArn', { value: alerts.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: health.dashboard.dashboardName });
    new CfnOutput(this, 'DecisionEventBusName', {
      value: decisions.bus.eventBusName,
      description: 'Findings, pauses and resumes as events',
    });
    new CfnOutput(this, 'AddressTableName', { value: store.addressTable.tableName });
    new CfnOutput(this, 'CampaignTableName', { value: store.campaignTable.tableName });
  }
}
