import { z } from 'zod';
import { parseEnv } from '../../shared/adapters/env.js';

const jsonOf = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const Thresholds = z
  .object({
    hardBounceDanger: z.number().positive().max(1),
    hardBounceWarning: z.number().positive().max(1),
    hardBounceMinimum: z.number().int().min(1),
    reputationProviders: z.number().int().min(1),
    complaintWarning: z.number().positive().max(1),
    complaintDanger: z.number().positive().max(1),
    complaintMinimum: z.number().int().min(1),
    timeoutMinimum: z.number().int().min(1),
    timeoutWarningHours: z.number().positive(),
    timeoutDangerHours: z.number().positive(),
  })
  .partial()
  .strict();

const HealthCheckEnv = z.object({
  ADDRESS_TABLE_NAME: z.string().min(1),
  CAMPAIGN_TABLE_NAME: z.string().min(1),
  ALERT_TOPIC_ARN: z.string().startsWith('arn:'),
  /** Where findings and automatic pauses are published; unset: not published. */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** Where alerts send a person. */
  DASHBOARD_URL: z.string().url().optional(),
  RECENT_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  LIFETIME_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(336),
  AUTO_PAUSE: z.enum(['true', 'false']).default('false'),
  /** {"campaign": "configuration-set"}: auto-pause also switches these SES configuration sets off. */
  PAUSE_CONFIGURATION_SETS: jsonOf(z.record(z.string().min(1), z.string().min(1))).default({}),
  /** Partial thresholds as JSON, e.g. {"reputationProviders": 3}. */
  HEALTH_THRESHOLDS: jsonOf(Thresholds).default({}),
});

export type HealthCheckConfig = z.infer<typeof HealthCheckEnv>;
export const loadConfig = (env?: Record<string, string | undefined>): HealthCheckConfig => parseEnv(HealthCheckEnv, env);
