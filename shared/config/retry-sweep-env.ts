import * as z from 'zod/mini';
import { envContract, name } from './contract.js';

/** The retry sweep's environment (functions/retry-sweep; infra/constructs/retries.ts). */
export const RETRY_SWEEP_ENV = envContract({
  ADDRESS_TABLE_NAME: name(),
  RETRY_QUEUE_URL: z.url(),
});
