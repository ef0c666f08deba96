import { Logger } from '@aws-lambda-powertools/logger';
import { SESClient } from '@aws-sdk/client-ses';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { composeRetry, documentClient } from '../../shared/adapters/compose.js';
import { sqsBatchHandler } from '../../shared/adapters/inbound/sqs-batch.js';
import { loggerPort, metricsPort, pipelineMetrics, RETRY_SERVICE } from '../../shared/adapters/outbound/powertools.js';
import { tagNamesOf } from '../../shared/adapters/env.js';
import { secretsManagerKey } from '../../shared/adapters/outbound/secrets-manager-key.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();
const sqs = new SQSClient({});

export const handler = sqsBatchHandler(
  composeRetry({
    dynamo: documentClient(),
    tables: { addressTable: config.ADDRESS_TABLE_NAME, campaignTable: config.CAMPAIGN_TABLE_NAME },
    ses: {
      ses: new SESClient({}),
      configurationSetName: config.CONFIGURATION_SET_NAME,
      tagNames: tagNamesOf(config),
    },
    retryQueue: { sqs, queueUrl: config.RETRY_QUEUE_URL },
    retryDue: { sns: new SNSClient({}), topicArn: config.RETRY_DUE_TOPIC_ARN },
    deadLetters: { sqs, queueUrl: config.RETRY_DEAD_LETTER_QUEUE_URL },
    logger: loggerPort(new Logger({ serviceName: RETRY_SERVICE })),
    erasureKey: secretsManagerKey(config.ERASURE_SECRET_ARN),
    metrics: metricsPort(pipelineMetrics(RETRY_SERVICE)),
  }),
);
