import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { composeClassify, documentClient } from '../../shared/adapters/compose.js';
import { sqsBatchHandler } from '../../shared/adapters/inbound/sqs-batch.js';
import { CLASSIFY_SERVICE, loggerPort, metricsPort, pipelineMetrics } from '../../shared/adapters/outbound/powertools.js';
import { tagNamesOf } from '../../shared/adapters/env.js';
import { secretsManagerKey } from '../../shared/adapters/outbound/secrets-manager-key.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();
const sqs = new SQSClient({});

export const handler = sqsBatchHandler(
  composeClassify({
    dynamo: documentClient(),
    tables: { addressTable: config.ADDRESS_TABLE_NAME, campaignTable: config.CAMPAIGN_TABLE_NAME },
    deadLetters: { sqs, queueUrl: config.DEAD_LETTER_QUEUE_URL },
    ...(config.RETRY_QUEUE_URL ? { retryQueue: { sqs, queueUrl: config.RETRY_QUEUE_URL } } : {}),
    // Address changes (suppressed, review, released) are published here.
    ...(config.EVENT_BUS_NAME ? { events: { eventBridge: new EventBridgeClient({}), busName: config.EVENT_BUS_NAME } } : {}),
    tagNames: tagNamesOf(config),
    erasureKey: secretsManagerKey(config.ERASURE_SECRET_ARN),
    logger: loggerPort(new Logger({ serviceName: CLASSIFY_SERVICE })),
    metrics: metricsPort(pipelineMetrics(CLASSIFY_SERVICE)),
  }),
);
