import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { composeHealthFinder, documentClient } from '../../shared/adapters/compose.js';
import { HEALTH_SERVICE, METRICS_NAMESPACE, PowertoolsHealthMetrics } from '../../shared/adapters/outbound/health-metrics.js';
import { loggerPort } from '../../shared/adapters/outbound/powertools.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();
const logger = new Logger({ serviceName: HEALTH_SERVICE });

const find = composeHealthFinder({
  dynamo: documentClient(),
  campaignTable: config.CAMPAIGN_TABLE_NAME,
  queue: { sqs: new SQSClient({}), queueUrl: config.HEALTH_CHECK_QUEUE_URL },
  metrics: new PowertoolsHealthMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_SERVICE })),
  logger: loggerPort(logger),
  recentHours: config.RECENT_HOURS,
  ...(config.EVENT_BUS_NAME ? { events: { eventBridge: new EventBridgeClient({}), busName: config.EVENT_BUS_NAME } } : {}),
});

/**
 * EventBridge schedule: finds the campaigns to check and fans them out to the health-check queue.
 * The heartbeat is written either way; a failure then throws so the invocation counts as an error.
 */
export const handler = async (): Promise<{ campaigns: number; messages: number }> => {
  const run = await find();
  logger.info('Health finder run', { campaigns: run.campaigns.length, messages: run.messages, heartbeat: run.heartbeat });
  if (run.error) throw run.error;
  return { campaigns: run.campaigns.length, messages: run.messages };
};
