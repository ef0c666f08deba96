import * as z from 'zod/mini';
import { DECISION_EVENTS_ENV, envContract, name } from './contract.js';

/** Hours a campaign counts as active and its "recent" window (the finder's and the checker's alike). */
export const HEALTH_WINDOW_HOURS = { recent: 24, lifetime: 336 } as const;

/** `RECENT_HOURS` and the like: a whole number of hours, as an environment variable (a string). */
export const hours = (max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(max)), fallback);

/** The scheduled health finder's environment (functions/health; infra/constructs/campaign-health.ts). */
export const HEALTH_ENV = envContract(
  {
    CAMPAIGN_TABLE_NAME: name(),
    /** Where the groups of campaigns to check go (the health-check function's queue). */
    HEALTH_CHECK_QUEUE_URL: z.url(),
    ...DECISION_EVENTS_ENV,
    RECENT_HOURS: hours(168, HEALTH_WINDOW_HOURS.recent),
  },
  ['EVENT_BUS_NAME'],
);
