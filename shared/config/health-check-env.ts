import * as z from 'zod/mini';
import { DECISION_EVENTS_ENV, envContract, name } from './contract.js';
import { HEALTH_WINDOW_HOURS, hours } from './health-env.js';

/** A variable holding JSON, parsed, then checked by `schema`. */
const jsonOf = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.issues.push({ code: 'custom', message: 'not valid JSON', input: text });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

const positiveRatio = () => z.number().check(z.positive(), z.maximum(1));
const count = () => z.number().check(z.int(), z.minimum(1));
const Thresholds = z.strictObject({
  hardBounceDanger: z.optional(positiveRatio()),
  hardBounceWarning: z.optional(positiveRatio()),
  hardBounceMinimum: z.optional(count()),
  reputationProviders: z.optional(count()),
  complaintWarning: z.optional(positiveRatio()),
  complaintDanger: z.optional(positiveRatio()),
  complaintMinimum: z.optional(count()),
  timeoutMinimum: z.optional(count()),
  timeoutWarningHours: z.optional(z.number().check(z.positive())),
  timeoutDangerHours: z.optional(z.number().check(z.positive())),
});

/** The health-check function's environment (functions/health-check; infra/constructs/campaign-health.ts). */
export const HEALTH_CHECK_ENV = envContract(
  {
    ADDRESS_TABLE_NAME: name(),
    CAMPAIGN_TABLE_NAME: name(),
    ALERT_TOPIC_ARN: z.string().check(z.startsWith('arn:')),
    ...DECISION_EVENTS_ENV,
    /** Where alerts send a person. */
    DASHBOARD_URL: z.optional(z.url()),
    RECENT_HOURS: hours(168, HEALTH_WINDOW_HOURS.recent),
    LIFETIME_HOURS: hours(24 * 90, HEALTH_WINDOW_HOURS.lifetime),
    AUTO_PAUSE: z._default(z.enum(['true', 'false']), 'false'),
    /** {"campaign": "configuration-set"}: auto-pause also switches these SES configuration sets off. */
    PAUSE_CONFIGURATION_SETS: z._default(jsonOf(z.record(name(), name())), {}),
    /** Partial thresholds as JSON, e.g. {"reputationProviders": 3}. */
    HEALTH_THRESHOLDS: z._default(jsonOf(Thresholds), {}),
  },
  ['EVENT_BUS_NAME'],
);
