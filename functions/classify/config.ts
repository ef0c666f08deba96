import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { CLASSIFY_ENV } from '../../shared/config/classify-env.js';

export type ClassifyConfig = z.infer<typeof CLASSIFY_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/classify-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): ClassifyConfig => parseEnv(CLASSIFY_ENV.schema, env);
