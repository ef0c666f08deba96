import { z } from 'zod';
import { DEFAULT_TAG_NAMES } from '../../shared/domain/index.js';
import { parseEnv } from '../../shared/adapters/env.js';

const RetryEnv = z.object({
  ADDRESS_TABLE_NAME: z.string().min(1),
  CAMPAIGN_TABLE_NAME: z.string().min(1),
  RETRY_QUEUE_URL: z.string().url(),
  RETRY_DEAD_LETTER_QUEUE_URL: z.string().url(),
  RETRY_DUE_TOPIC_ARN: z.string().min(1),
  CONFIGURATION_SET_NAME: z.string().min(1),
  /** The Secrets Manager secret holding the erasure key (HMAC of erased addresses): required, else erased addresses would be mailed. */
  ERASURE_SECRET_ARN: z.string().min(1),
  CAMPAIGN_TAG: z.string().min(1).default(DEFAULT_TAG_NAMES.campaign),
  BATCH_TAG: z.string().min(1).default(DEFAULT_TAG_NAMES.batch),
  SOURCE_TAG: z.string().min(1).default(DEFAULT_TAG_NAMES.source),
});

export type RetryConfig = z.infer<typeof RetryEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): RetryConfig => parseEnv(RetryEnv, env);
