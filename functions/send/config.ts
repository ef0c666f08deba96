import type * as z from 'zod/mini';
import { parseEnv } from '../../shared/adapters/env.js';
import { SEND_ENV } from '../../shared/config/send-env.js';

export type SendConfig = z.infer<typeof SEND_ENV.schema>;
/** The environment, checked once at cold start (its contract: shared/config/send-env.ts, which the construct sets from too). */
export const loadConfig = (env?: Record<string, string | undefined>): SendConfig => parseEnv(SEND_ENV.schema, env);
