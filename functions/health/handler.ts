import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { composeHealthJob, documentClient } from '../../shared/adapters/compose.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../../shared/adapters/outbound/health-metrics.js';
import { loggerPort } from '../../shared/adapters/outbound/powertools.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();
const logger = new Logger({ serviceName: HEALTH_SERVICE });

const run = composeHealthJob({
  dynamo: documentClient(),
  tables: { addressTable: config.ADDRESS_TABLE_NAME, campaignTable: config.CAMPAIGN_TABLE_NAME },
  alerts: { sns: new SNSClient({}), topicArn: config.ALERT_TOPIC_ARN },
  metrics: new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE })),
  logger: loggerPort(logger),
  link: config.DASHBOARD_URL ?? null,
  recentHours: config.RECENT_HOURS,
  lifetimeHours: config.LIFETIME_HOURS,
  thresholds: config.HEALTH_THRESHOLDS,
  ...(config.EVENT_BUS_NAME ? { events: { eventBridge: new EventBridgeClient({}), busName: config.EVENT_BUS_NAME } } : {}),
  autoPause: config.AUTO_PAUSE === 'true' ? { configurationSets: config.PAUSE_CONFIGURATION_SETS, ses: new SESClient({}) } : null,
});

/** EventBridge schedule: one health run; a failure throws so the invocation counts as an error (and alarms). */
export const handler = async (): Promise<{ campaigns: number; alerts: number; paused: number }> => {
  const result = await run();
  logger.info('Health run', { campaigns: result.checks.length, alerts: result.alerts.length, paused: result.paused });
  // The others were checked and alerted; failing the invocation makes the errors alarm see it.
  if (result.failed.length > 0) throw new Error(`health check failed for ${result.failed.length} campaign(s): ${result.failed.join(', ')}`);
  return { campaigns: result.checks.length, alerts: result.alerts.length, paused: result.paused.length };
};
