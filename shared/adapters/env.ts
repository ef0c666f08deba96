import { safeParse, type $ZodType, type output } from 'zod/v4/core';

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
