import * as z from 'zod/mini';
import { DECISION_EVENTS_ENV, ERASURE_KEY_ENV, envContract, name, TAG_NAMES_ENV } from './contract.js';

/** The classify function's environment (functions/classify; infra/constructs/ingestion.ts). */
export const CLASSIFY_ENV = envContract(
  {
    ADDRESS_TABLE_NAME: name(),
    CAMPAIGN_TABLE_NAME: name(),
    DEAD_LETTER_QUEUE_URL: z.url(),
    /** Where `retry` decisions are scheduled (set by infra/constructs/retries.ts); unset: recorded but not acted on. */
    RETRY_QUEUE_URL: z.optional(z.url()),
    ...ERASURE_KEY_ENV,
    ...DECISION_EVENTS_ENV,
    ...TAG_NAMES_ENV,
  },
  ['RETRY_QUEUE_URL', 'ERASURE_SECRET_ARN', 'EVENT_BUS_NAME'],
);
