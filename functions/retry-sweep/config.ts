import { z } from 'zod';
import { parseEnv } from '../../shared/adapters/env.js';

const RetrySweepEnv = z.object({
  ADDRESS_TABLE_NAME: z.string().min(1),
  RETRY_QUEUE_URL: z.string().url(),
});

export type RetrySweepConfig = z.infer<typeof RetrySweepEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): RetrySweepConfig => parseEnv(RetrySweepEnv, env);
