import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createClassifyBatchHandler } from '../../shared/app/classify-batch.js';
import { documentClient } from '../../shared/adapters/dynamo-client.js';
import { DynamoAddressRepository } from '../../shared/adapters/dynamo-address-repository.js';
import { DynamoCampaignRepository } from '../../shared/adapters/dynamo-campaign-repository.js';
import { loggerPort, metricsPort } from '../../shared/adapters/powertools.js';
import { SqsDeadLetterSink } from '../../shared/adapters/sqs-dead-letter.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();
const logger = new Logger({ serviceName: 'bounce-classify' });
const metrics = new Metrics({ namespace: 'BouncePipeline', serviceName: 'bounce-classify' });
const dynamo = documentClient();
const campaigns = new DynamoCampaignRepository(dynamo, config.CAMPAIGN_TABLE_NAME);

export const handler = createClassifyBatchHandler({
  addresses: new DynamoAddressRepository(dynamo, config.ADDRESS_TABLE_NAME),
  counters: campaigns,
  delays: campaigns,
  deadLetters: new SqsDeadLetterSink(new SQSClient({}), config.DEAD_LETTER_QUEUE_URL),
  tagNames: { campaign: config.CAMPAIGN_TAG, batch: config.BATCH_TAG, source: config.SOURCE_TAG },
  logger: loggerPort(logger),
  metrics: metricsPort(metrics),
  clock: () => new Date(),
});
