import type { $ZodType, output } from 'zod/v4/core';
import { safeParse } from './zod-parse.js';
import type { TagNames } from '../domain/index.js';

/** Thrown at cold start when the function's environment is incomplete. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parse a function's environment once, naming every missing or bad variable.
 * Takes any zod schema (classic or `zod/mini`): functions on the hot path use
 * `zod/mini` to keep their bundle small.
 */
export function parseEnv<T extends $ZodType>(schema: T, env: Record<string, string | undefined> = process.env): output<T> {
  const result = safeParse(schema, env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new ConfigError(`invalid environment: ${problems}`);
}

/** The tag names a function's environment gives (CAMPAIGN_TAG, BATCH_TAG, SOURCE_TAG, defaulted by its schema). */
export const tagNamesOf = (config: {
  readonly CAMPAIGN_TAG: string;
  readonly BATCH_TAG: string;
  readonly SOURCE_TAG: string;
}): TagNames => ({
  campaign: config.CAMPAIGN_TAG,
  batch: config.BATCH_TAG,
  source: config.SOURCE_TAG,
});
