import { API_ENV } from './api-env.js';
import { CLASSIFY_ENV } from './classify-env.js';
import { HEALTH_CHECK_ENV } from './health-check-env.js';
import { HEALTH_ENV } from './health-env.js';
import { RETRY_SWEEP_ENV } from './retry-sweep-env.js';
import { RETRY_ENV } from './retry-env.js';
import { SEND_ENV } from './send-env.js';

/**
 * Every function's environment contract, by its folder under functions/: the function's config
 * parses its environment with it and infra/constructs/pipeline-function.ts types the environment
 * its construct sets. (A function's config imports its own module, not this one.)
 */
export const FUNCTION_ENVIRONMENTS = {
  api: API_ENV,
  classify: CLASSIFY_ENV,
  health: HEALTH_ENV,
  'health-check': HEALTH_CHECK_ENV,
  retry: RETRY_ENV,
  'retry-sweep': RETRY_SWEEP_ENV,
  send: SEND_ENV,
} as const;

export type FunctionName = keyof typeof FUNCTION_ENVIRONMENTS;
