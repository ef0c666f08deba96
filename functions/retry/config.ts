import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { RETRY_ENV } from '../../shared/config/retry-env.js';

export type RetryConfig = z.infer<typeof RETRY_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/retry-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): RetryConfig => parseEnv(RETRY_ENV.schema, env);
