import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { composeApi, documentClient } from '../../shared/adapters/compose.js';
import { loggerPort } from '../../shared/adapters/outbound/powertools.js';
import { secretsManagerKey } from '../../shared/adapters/outbound/secrets-manager-key.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();

export const handler = composeApi({
  dynamo: documentClient(),
  tables: { addressTable: config.ADDRESS_TABLE_NAME, campaignTable: config.CAMPAIGN_TABLE_NAME },
  logger: loggerPort(new Logger({ serviceName: 'bounce-api' })),
  erasureKey: secretsManagerKey(config.ERASURE_SECRET_ARN),
  // Pauses, resumes and address changes (suppress, release) are published here.
  ...(config.EVENT_BUS_NAME ? { events: { eventBridge: new EventBridgeClient({}), busName: config.EVENT_BUS_NAME } } : {}),
});
