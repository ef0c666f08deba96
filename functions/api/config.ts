import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { API_ENV } from '../../shared/config/api-env.js';

export type ApiConfig = z.infer<typeof API_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/api-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): ApiConfig => parseEnv(API_ENV.schema, env);
