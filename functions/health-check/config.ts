import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { HEALTH_CHECK_ENV } from '../../shared/config/health-check-env.js';

export type HealthCheckConfig = z.infer<typeof HEALTH_CHECK_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/health-check-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): HealthCheckConfig => parseEnv(HEALTH_CHECK_ENV.schema, env);
