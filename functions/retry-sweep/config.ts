import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { RETRY_SWEEP_ENV } from '../../shared/config/retry-sweep-env.js';

export type RetrySweepConfig = z.infer<typeof RETRY_SWEEP_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/retry-sweep-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): RetrySweepConfig => parseEnv(RETRY_SWEEP_ENV.schema, env);
