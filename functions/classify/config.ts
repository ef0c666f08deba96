import { z } from 'zod';
import { DEFAULT_TAG_NAMES } from '../../shared/domain/index.js';
import { parseEnv } from '../../shared/adapters/env.js';

const ClassifyEnv = z.object({
  ADDRESS_TABLE_NAME: z.string().min(1),
  CAMPAIGN_TABLE_NAME: z.string().min(1),
  DEAD_LETTER_QUEUE_URL: z.string().url(),
  /** Where `retry` decisions are scheduled; unset: they are recorded but not acted on. */
  RETRY_QUEUE_URL: z.string().url().optional(),
  CAMPAIGN_TAG: z.string().min(1).default(DEFAULT_TAG_NAMES.campaign),
  BATCH_TAG: z.string().min(1).default(DEFAULT_TAG_NAMES.batch),
  SOURCE_TAG: z.string().min(1).default(DEFAULT_TAG_NAMES.source),
});

export type ClassifyConfig = z.infer<typeof ClassifyEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): ClassifyConfig => parseEnv(ClassifyEnv, env);
