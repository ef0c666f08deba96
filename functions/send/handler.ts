import { Logger } from '@aws-lambda-powertools/logger';
import { SESClient } from '@aws-sdk/client-ses';
import { composeSend, documentClient } from '../../shared/adapters/compose.js';
import { sendBatchHandler } from '../../shared/adapters/inbound/send-batch.js';
import { loggerPort } from '../../shared/adapters/outbound/powertools.js';
import { tagNamesOf } from '../../shared/adapters/env.js';
import { secretsManagerKey } from '../../shared/adapters/outbound/secrets-manager-key.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();

export const handler = sendBatchHandler(
  composeSend({
    dynamo: documentClient(),
    tables: { addressTable: config.ADDRESS_TABLE_NAME, campaignTable: config.CAMPAIGN_TABLE_NAME },
    ses: {
      ses: new SESClient({}),
      configurationSetName: config.CONFIGURATION_SET_NAME,
      tagNames: tagNamesOf(config),
    },
    logger: loggerPort(new Logger({ serviceName: 'bounce-send' })),
    erasureKey: secretsManagerKey(config.ERASURE_SECRET_ARN),
  }),
);
