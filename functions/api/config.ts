import { z } from 'zod';
import { parseEnv } from '../../shared/adapters/env.js';

const ApiEnv = z.object({
  ADDRESS_TABLE_NAME: z.string().min(1),
  CAMPAIGN_TABLE_NAME: z.string().min(1),
});

export type ApiConfig = z.infer<typeof ApiEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): ApiConfig => parseEnv(ApiEnv, env);
