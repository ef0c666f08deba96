import type { z } from 'zod';

/** Thrown at cold start when the function's environment is incomplete. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parse a function's environment once, naming every missing or bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined> = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new ConfigError(`invalid environment: ${problems}`);
}
