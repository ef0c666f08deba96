import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { HEALTH_ENV } from '../../shared/config/health-env.js';

export type HealthFinderConfig = z.infer<typeof HEALTH_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/health-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): HealthFinderConfig => parseEnv(HEALTH_ENV.schema, env);
