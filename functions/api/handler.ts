import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../../shared/adapters/dynamo-client.js';
import { DynamoAddressRepository } from '../../shared/adapters/dynamo-address-repository.js';
import { DynamoCampaignRepository } from '../../shared/adapters/dynamo-campaign-repository.js';
import { createApiHandler } from '../../shared/adapters/http-api.js';
import { loggerPort } from '../../shared/adapters/powertools.js';
import { loadConfig } from './config.js';

// Built once per cold start.
const config = loadConfig();
const dynamo = documentClient();

export const handler = createApiHandler(
  {
    addresses: new DynamoAddressRepository(dynamo, config.ADDRESS_TABLE_NAME),
    campaigns: new DynamoCampaignRepository(dynamo, config.CAMPAIGN_TABLE_NAME),
    clock: () => new Date(),
  },
  loggerPort(new Logger({ serviceName: 'bounce-api' })),
);
