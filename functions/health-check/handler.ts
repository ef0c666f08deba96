import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { composeHealthChecker, documentClient } from '../../shared/adapters/compose.js';
import { sqsBatchHandler } from '../../shared/adapters/inbound/sqs-batch.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../../shared/adapters/outbound/health-metrics.js';
import { loggerPort } from '../../shared/adapters/outbound/powertools.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();

/** The health-check queue's consumer: each message a group of campaigns, checked as the scheduled job always did. */
export const handler = sqsBatchHandler(
  composeHealthChecker({
    dynamo: documentClient(),
    tables: { addressTable: config.ADDRESS_TABLE_NAME, campaignTable: config.CAMPAIGN_TABLE_NAME },
    alerts: { sns: new SNSClient({}), topicArn: config.ALERT_TOPIC_ARN },
    // The finder's service: the account alarms watch one metric whoever writes it.
    metrics: new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE })),
    logger: loggerPort(new Logger({ serviceName: 'bounce-health-check' })),
    link: config.DASHBOARD_URL ?? null,
    recentHours: config.RECENT_HOURS,
    lifetimeHours: config.LIFETIME_HOURS,
    thresholds: config.HEALTH_THRESHOLDS,
    ...(config.EVENT_BUS_NAME ? { events: { eventBridge: new EventBridgeClient({}), busName: config.EVENT_BUS_NAME } } : {}),
    autoPause: config.AUTO_PAUSE === 'true' ? { configurationSets: config.PAUSE_CONFIGURATION_SETS, ses: new SESClient({}) } : null,
  }),
);
