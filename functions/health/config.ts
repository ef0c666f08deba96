import { z } from 'zod';
import { parseEnv } from '../../shared/adapters/env.js';

const HealthFinderEnv = z.object({
  CAMPAIGN_TABLE_NAME: z.string().min(1),
  /** Where the groups of campaigns to check go (the health-check function's queue). */
  HEALTH_CHECK_QUEUE_URL: z.string().url(),
  /** Where decision events kept by failed publishes are published; unset: not published. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  RECENT_HOURS: z.coerce.number().int().min(1).max(168).default(24),
});

export type HealthFinderConfig = z.infer<typeof HealthFinderEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): HealthFinderConfig => parseEnv(HealthFinderEnv, env);
