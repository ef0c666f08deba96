import * as z from 'zod/mini';
import { envContract, ERASURE_KEY_ENV, name, TAG_NAMES_ENV } from './contract.js';

/** The retry function's environment (functions/retry; infra/constructs/retries.ts). */
export const RETRY_ENV = envContract(
  {
    ADDRESS_TABLE_NAME: name(),
    CAMPAIGN_TABLE_NAME: name(),
    RETRY_QUEUE_URL: z.url(),
    RETRY_DEAD_LETTER_QUEUE_URL: z.url(),
    RETRY_DUE_TOPIC_ARN: name(),
    CONFIGURATION_SET_NAME: name(),
    ...ERASURE_KEY_ENV,
    ...TAG_NAMES_ENV,
  },
  ['ERASURE_SECRET_ARN'],
);
