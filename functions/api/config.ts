import { z } from 'zod';
import { parseEnv } from '../../shared/adapters/env.js';

const ApiEnv = z.object({
  ADDRESS_TABLE_NAME: z.string().min(1),
  CAMPAIGN_TABLE_NAME: z.string().min(1),
  /** Where pauses, resumes and address changes are published; unset: not published. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** The Secrets Manager secret holding the erasure key (HMAC of erased addresses): required, else erased addresses would be mailed. */
  ERASURE_SECRET_ARN: z.string().min(1),
});

export type ApiConfig = z.infer<typeof ApiEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): ApiConfig => parseEnv(ApiEnv, env);
