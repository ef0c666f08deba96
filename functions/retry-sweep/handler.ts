import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import { composeRetrySweeper, documentClient } from '../../shared/adapters/compose.js';
import { loggerPort } from '../../shared/adapters/outbound/powertools.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();

const sweep = composeRetrySweeper({
  dynamo: documentClient(),
  addressTable: config.ADDRESS_TABLE_NAME,
  retryQueue: { sqs: new SQSClient({}), queueUrl: config.RETRY_QUEUE_URL },
  logger: loggerPort(new Logger({ serviceName: 'bounce-retry-sweep' })),
});

/** EventBridge schedule: one sweep; a failure throws so the invocation counts as an error (and alarms). */
export const handler = async (): Promise<{ enqueued: number }> => {
  const { enqueued } = await sweep(new Date());
  return { enqueued };
};
